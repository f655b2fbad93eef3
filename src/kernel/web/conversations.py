"""The conversation page: messages in order, reply, own state, and plugin actions."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from kernel import access, messaging
from kernel.contributions import ActionError
from kernel.db import database
from kernel.models import Conversation, Participant
from kernel.plugins import current_hooks

blueprint = Blueprint("conversations", __name__)

PARTICIPANTS_SHOWN = 30
PARTICIPANTS_LISTED = 200  # more names behind "N more"; beyond that only a count


def _open(uid: str) -> tuple[Conversation, Participant | None]:
    """The conversation if the user may open it; 404 otherwise, so uids reveal nothing."""
    conversation = Conversation.by_uid(uid)
    if conversation is None:
        abort(404)
    participant = conversation.participant_for(g.user)
    if not access.can_open(conversation, g.user, participant):
        abort(404)
    return conversation, participant


def _page(conversation: Conversation, participant: Participant | None, **extra) -> str:
    hooks = current_hooks()
    # A conversation sent to a whole district can have thousands of participants: the page
    # names the first ones and counts the rest, so it stays light.
    participants = conversation.participants(limit=PARTICIPANTS_SHOWN + PARTICIPANTS_LISTED)
    return render_template(
        "conversation.html",
        conversation=conversation,
        participant=participant,
        message_type=hooks.message_type(conversation.message_type),
        participants=participants[:PARTICIPANTS_SHOWN],
        more_participants=participants[PARTICIPANTS_SHOWN:],
        participant_count=conversation.participant_count(),
        messages=access.visible_messages(conversation, g.user),
        render_text=hooks.render_message_text,
        can_reply=access.can_reply(conversation),
        actions=hooks.conversation_actions(conversation, g.user),
        **extra,
    )


@blueprint.get("/conversations/<uid>")
def show(uid: str) -> str:
    conversation, participant = _open(uid)
    if participant is not None and not participant.read:
        messaging.set_read(g.user, [uid], read=True)
        participant.read = True
    return _page(conversation, participant)


@blueprint.post("/conversations/<uid>/reply")
def reply(uid: str) -> Response | tuple[str, int]:
    conversation, participant = _open(uid)
    if not access.can_reply(conversation):
        abort(403)
    text = request.form.get("text", "")
    try:
        messaging.check_text(text, current_app.config)
    except messaging.SendError as error:
        return _page(conversation, participant, reply_error=error.message, reply_text=text), 400
    if participant is None:
        # Someone with access but no copy (an ALL user) joins the conversation by replying.
        messaging.add_participants(conversation, [g.user.id])
        messaging.set_read(g.user, [uid], read=True)
    message = messaging.add_reply(conversation, g.user, text)
    flash("Reply sent.")
    return redirect(url_for(".show", uid=uid, _anchor=f"message-{message.uid}"), code=303)


STATE_ACTIONS = {
    "unread": "Marked as unread.",
    "followup": "Marked for follow-up.",
    "unfollowup": "Follow-up cleared.",
    "remove": "Removed from your inbox.",
}


@blueprint.post("/conversations/<uid>/state")
def state(uid: str) -> Response | str | tuple[str, int]:
    """The user's own state of this conversation; it never touches anyone else's."""
    conversation, participant = _open(uid)
    action = request.form.get("action", "")
    if action not in STATE_ACTIONS:
        return _page(conversation, participant, state_error="Choose an action."), 400
    if participant is None:
        return _page(
            conversation, participant, state_error="This conversation is not in your inbox."
        ), 400
    if action == "remove" and request.form.get("confirm") != "yes":
        return render_template(
            "confirm_remove.html",
            folder=current_hooks().message_type(conversation.message_type),
            chosen=[conversation],
            keep={},
            from_conversation=True,
        )
    if action == "unread":
        messaging.set_read(g.user, [uid], read=False)
    elif action in ("followup", "unfollowup"):
        messaging.set_follow_up(g.user, [uid], follow_up=action == "followup")
    else:
        messaging.remove_from_inbox(g.user, [uid])
    flash(STATE_ACTIONS[action])
    if action in ("unread", "remove"):
        # Leaving the page: staying would mark it read again.
        return redirect(url_for("inbox.folder", type_key=conversation.message_type), code=303)
    return redirect(url_for(".show", uid=uid), code=303)


@blueprint.post("/conversations/<uid>/actions/<key>")
def action(uid: str, key: str) -> Response | tuple[str, int]:
    """Run a plugin's action, if that plugin offers it to this user on this conversation."""
    conversation, participant = _open(uid)
    offered = {a.key: a for a in current_hooks().conversation_actions(conversation, g.user)}
    if key not in offered:
        abort(403)
    try:
        with database.atomic():
            confirmation = offered[key].handle(conversation, g.user, request.form)
    except ActionError as error:
        return _page(conversation, participant, action_errors={key: str(error)}), 400
    flash(confirmation)
    return redirect(url_for(".show", uid=uid), code=303)
