"""The feedback-handling tools: priority, status, assignee and internal replies, on one
conversation and in bulk, offered to the feedback team only."""

from __future__ import annotations

from flask import current_app, render_template
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from kernel import messaging
from kernel.contributions import ActionError, BulkAction, ConversationAction
from kernel.models import Conversation, Participant, Priority, Status, User
from plugins.feedback.team import is_team_member, team_members

PRIORITY_LABELS = [(p.value, "None" if p is Priority.NONE else p.value.title()) for p in Priority]
STATUS_LABELS = [(s.value, "None" if s is Status.NONE else s.value.title()) for s in Status]
ME = "me"


def _render(template: str, conversation: Conversation, user: User, **extra) -> Markup:
    return Markup(
        render_template(f"feedback/{template}", conversation=conversation, user=user, **extra)
    )


def set_priority(conversation: Conversation, user: User, value: str) -> str:
    if value not in Priority.__members__:
        raise ActionError(f"“{value}” is not a priority. Choose None, Low, Medium or High.")
    messaging.change_state(conversation, user, "priority", value)
    return f"Priority set to {dict(PRIORITY_LABELS)[value]}."


def set_status(conversation: Conversation, user: User, value: str) -> str:
    if value not in Status.__members__:
        raise ActionError(f"“{value}” is not a status. Choose Open, Pending, Invalid or Solved.")
    messaging.change_state(conversation, user, "status", value)
    return f"Status set to {dict(STATUS_LABELS)[value]}."


def assign(conversation: Conversation, user: User, value: str) -> str:
    """Assign to a member of the feedback group ("me" for oneself), or unassign ("")."""
    if not value:
        messaging.change_state(conversation, user, "assignee", None)
        return "No one is assigned now."
    members = {m.uid: m for m in team_members()}
    assignee = members.get(user.uid) if value == ME else members.get(value)
    if assignee is None:
        raise ActionError(
            "You are not a member of the feedback recipient group."
            if value == ME
            else "Assign to a member of the feedback recipient group."
        )
    messaging.change_state(conversation, user, "assignee", assignee)
    return f"Assigned to {assignee.display_name}."


def internal_reply(conversation: Conversation, user: User, text: str) -> str:
    try:
        messaging.check_text(text, current_app.config)
    except messaging.SendError as error:
        raise ActionError(error.message) from error
    if conversation.participant_for(user) is None:
        # A team member who joined after the feedback arrived joins by answering.
        messaging.add_participants(conversation, [user.id])
    messaging.add_reply(conversation, user, text, internal=True)
    return "Internal reply sent: only the feedback team sees it."


def _chosen_assignee(form: MultiDict) -> str:
    # "Assign to me" is a submit button named like the select: a browser sends both
    # values, the select's first, so the button must win when it was the one pressed.
    values = form.getlist("assignee")
    return ME if ME in values else form.get("assignee", "")


def conversation_actions(conversation: Conversation, user: User) -> list[ConversationAction]:
    if not is_team_member(user):
        return []
    return [
        ConversationAction(
            key="priority",
            label="Priority",
            form=lambda c, u: _render("priority_form.html", c, u, choices=PRIORITY_LABELS),
            handle=lambda c, u, form: set_priority(c, u, form.get("priority", "")),
        ),
        ConversationAction(
            key="status",
            label="Status",
            form=lambda c, u: _render("status_form.html", c, u, choices=STATUS_LABELS),
            handle=lambda c, u, form: set_status(c, u, form.get("status", "")),
        ),
        ConversationAction(
            key="assign",
            label="Assigned to",
            form=lambda c, u: _render("assign_form.html", c, u, members=team_members()),
            handle=lambda c, u, form: assign(c, u, _chosen_assignee(form)),
        ),
        ConversationAction(
            key="internal_reply",
            label="Internal reply",
            description="Seen only by the feedback team.",
            form=lambda c, u: _render("internal_reply_form.html", c, u),
            handle=lambda c, u, form: internal_reply(c, u, form.get("text", "")),
        ),
    ]


def _bulk(setter, what: str):
    def handle(user: User, conversations: list[Conversation], form: MultiDict) -> str:
        if not conversations:
            raise ActionError("None of the selected conversations is in this folder.")
        for conversation in conversations:
            setter(conversation, user, form.get(what, ""))
        count = len(conversations)
        return f"{what.title()} set on {count} conversation{'s' if count != 1 else ''}."

    return handle


def bulk_actions(user: User) -> list[BulkAction]:
    if not is_team_member(user):
        return []
    return [
        BulkAction(
            key="status",
            label="Status",
            choices=STATUS_LABELS[1:],
            handle=_bulk(set_status, "status"),
        ),
        BulkAction(
            key="priority",
            label="Priority",
            choices=PRIORITY_LABELS,
            handle=_bulk(set_priority, "priority"),
        ),
    ]


def give_team_access(user_ids: set[int], feedback_types: list[str]) -> None:
    """Put every feedback conversation in these team members' inboxes (open ones unread),
    so people who join the team after feedback arrived can find it."""
    if not user_ids or not feedback_types:
        return
    for user_id in user_ids:
        missing = Conversation.select(
            Conversation.id,
            user_id,
            Conversation.message_type,
            Conversation.last_message,
            Conversation.status,
            Conversation.priority,
            Conversation.assignee,
            Conversation.status.in_([Status.SOLVED.value, Status.INVALID.value]),
            False,
        ).where(
            Conversation.message_type.in_(feedback_types)
            & ~Conversation.id.in_(
                Participant.select(Participant.conversation).where(Participant.user == user_id)
            )
        )
        Participant.insert_from(
            missing,
            [
                Participant.conversation,
                Participant.user,
                Participant.message_type,
                Participant.last_message,
                Participant.status,
                Participant.priority,
                Participant.assignee,
                Participant.read,
                Participant.follow_up,
            ],
        ).execute()
