"""The "Write message" page, and the search partial of "Add participants".

One URL, several representations: the compose page whole, or for htmx the hit list under
the "To user" box (``HX-Target: recipient-hits``) or the whole "To user" field after a
recipient is added or removed (``HX-Target: to-user-field``). Without JavaScript the same
form's Search, Add and Remove buttons post the page back with everything typed kept; only
the Send button sends.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from kernel.contributions import RecipientKind
from kernel.messaging import SendError, check_send_rate, client_metadata, send_to_selection
from kernel.models import Conversation, Participant
from kernel.plugins import current_hooks
from kernel.web.render import page_or_block, wants_partial
from plugins.user_messages.compose import ComposeForm, read_form
from plugins.user_messages.message_types import PRIVATE
from plugins.user_messages.participants import ADD_QUERY, may_add_participants
from plugins.user_messages.picker import Hits, find_hits, named, parse_pick, to_user_kinds

blueprint = Blueprint(
    "user_messages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/assets/user_messages",
)

COMPOSE = "user_messages/compose.html"
# htmx names the element it will swap; each has its block in the compose template.
COMPOSE_PARTIALS = {"recipient-hits": "recipient_hits", "to-user-field": "to_user_field"}
# The error summary links each message to its field.
FIELD_IDS = {"recipients": "to-user", "subject": "subject", "text": "text"}


def _kinds() -> dict[str, RecipientKind]:
    return {kind.key: kind for kind in current_hooks().recipient_kinds()}


@blueprint.get("/messages/PRIVATE/create")
def compose() -> Response:
    """The empty form, or pre-filled by a link: ``?to=user:<uid>`` (DHIS2's
    ``/PRIVATE/create/<userId>``), ``?to=userGroup:<uid>``, repeated or comma-separated."""
    kinds = _kinds()
    form = read_form(request.args, kinds, pick_keys=("to", "recipient"))
    form.limit_picks(current_app.config["MAX_RECIPIENTS"])
    hits = find_hits(form.query, g.user, kinds, form.picks)
    return _page(form, kinds, request.args, hits, status=400 if form.errors else 200)


@blueprint.post("/messages/PRIVATE/create")
def compose_post() -> Response:
    kinds = _kinds()
    form = read_form(request.form, kinds, pick_keys=("recipient",))
    form.limit_picks(current_app.config["MAX_RECIPIENTS"])
    if "send" in request.form:
        return _send(form, kinds)
    if "add" in request.form or "remove" in request.form:
        status, announcement = _add_or_remove(form, kinds)
        # Back to an empty search box, ready for the next name.
        form.query = ""
        return _page(
            form, kinds, request.form, None, status, focus_search=True, announcement=announcement
        )
    # The Search button, or a button another plugin's field added: show the page again.
    hits = find_hits(form.query, g.user, kinds, form.picks)
    return _page(form, kinds, request.form, hits, status=400 if form.errors else 200)


def _add_or_remove(form: ComposeForm, kinds: dict[str, RecipientKind]) -> tuple[int, str]:
    """Apply an Add or Remove button; returns the status and what to announce.

    Any declared kind may be added or removed, so a compose-slot field can reuse these
    buttons for its own recipients.
    """
    if "add" in request.form:
        pick = parse_pick(request.form["add"], kinds)
        if pick is None:
            form.errors["recipients"] = "That recipient cannot be added here."
            return 400, ""
        form.add(pick)
        done = "added"
    else:
        pick = parse_pick(request.form["remove"], kinds)
        if pick is None or pick not in form.picks:
            return 200, ""
        form.remove(pick)
        done = "removed"
    label = named([pick], kinds)[0].label
    chosen = len(form.picks)
    return 200, f"{label} {done}; {chosen} recipient{'s' if chosen != 1 else ''} chosen."


def _send(form: ComposeForm, kinds: dict[str, RecipientKind]) -> Response:
    config = current_app.config
    form.check_ready_to_send(config)
    if form.errors:
        return _page(form, kinds, request.form, None, status=400)
    try:
        check_send_rate(g.user, config)
        conversation = send_to_selection(
            sender=g.user,
            selection=form.selection(),
            subject=form.subject,
            text=form.text,
            message_type=PRIVATE,
            metadata=client_metadata(request.user_agent.string),
        )
    except SendError as error:
        where = error.field or ("form" if error.http_status == 429 else "recipients")
        form.errors[where] = error.message
        response = _page(form, kinds, request.form, None, status=error.http_status)
        if error.http_status == 429:
            response.headers["Retry-After"] = str(config["SEND_RATE_WINDOW_SECONDS"])
        return response
    reached = Participant.select().where(Participant.conversation == conversation).count() - 1
    flash(f"Message sent to {reached:,} recipient{'s' if reached != 1 else ''}.")
    return redirect(url_for("conversations.show", uid=conversation.uid), code=303)


def _page(
    form: ComposeForm,
    kinds: dict[str, RecipientKind],
    values: MultiDict,
    hits: Hits | None,
    status: int = 200,
    focus_search: bool = False,
    announcement: str = "",
) -> Response:
    chosen = named(form.picks, kinds)
    to_user = to_user_kinds(kinds)
    context = {
        "form": form,
        "hits": hits,
        "focus_search": focus_search,
        "to_user_chosen": [option for option in chosen if option.kind in to_user],
        "kind_labels": {key: kind.label for key, kind in kinds.items()},
        "field_ids": FIELD_IDS,
        # What a field in the compose slot needs to show itself again as the user left it.
        "slot_context": {"values": values, "recipients": chosen, "errors": dict(form.errors)},
    }
    block = COMPOSE_PARTIALS.get(request.headers.get("HX-Target", ""))
    # A partial carries the announcement as an out-of-band swap; the page has it in place.
    context.update(partial=bool(block) and wants_partial(), picker_status=announcement)
    if block:
        return make_response(page_or_block(COMPOSE, block, **context), status)
    return make_response(render_template(COMPOSE, **context), status)


@blueprint.get("/messages/PRIVATE/<uid>/add-participants")
def participant_search(uid: str) -> Response | str:
    """Hits for the "Add participants" box: the partial for htmx; without JavaScript, the
    conversation page showing them."""
    conversation = Conversation.by_uid(uid)
    if conversation is None or not may_add_participants(conversation, g.user):
        abort(404)
    query = request.args.get(ADD_QUERY, "")
    if not wants_partial():
        return redirect(
            url_for(
                "conversations.show",
                uid=uid,
                _anchor="add-participants",
                **({ADD_QUERY: query} if query else {}),
            ),
            code=303,
        )
    kinds = _kinds()
    return render_template(
        "user_messages/participant_hits.html",
        hits=find_hits(query, g.user, kinds),
        kind_labels={key: kind.label for key, kind in kinds.items()},
    )
