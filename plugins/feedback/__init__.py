"""feedback: feedback messages (DHIS2's TICKET type) and the feedback-handling tools.

Adds the TICKET type (the "Ticket" folder) and the "Feedback recipients" setting; "Write
feedback" (a page, linked from the dashboard, the Ticket folder and the "Write message"
form, and ``POST /api/messageConversations/feedback``) sends to every member of that group
with status Open, and refuses clearly when no group (or an empty one) is configured,
keeping the draft. The team (group members and ALL users) can open every feedback
conversation and use priority, status, assignee, internal replies (hidden from everyone
else), filters and bulk changes, on feedback and on any type that declares
``feedback_tools`` (validation results), in the browser and through the Web API
(``/priority``, ``/status``, ``/assign``, ``/api/userLookup/feedbackRecipients``,
``/api/configuration/feedbackRecipients``: see :mod:`plugins.feedback.api`). Every change
is logged and shown to the team.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, render_template, url_for
from markupsafe import Markup

from kernel import hookimpl
from kernel.contributions import (
    BulkAction,
    ConversationAction,
    InboxFilter,
    MessageType,
    MigrationSource,
    SettingsField,
)
from kernel.models import Conversation, Message, Participant, User, UserGroup
from kernel.plugins import current_hooks
from plugins.feedback import tools
from plugins.feedback.sending import TICKET
from plugins.feedback.team import (
    RECIPIENTS_SETTING,
    feedback_group,
    is_team_member,
    uses_feedback_tools,
)


@hookimpl
def mailroom_message_types() -> list[MessageType]:
    return [
        MessageType(key=TICKET, label="Feedback", folder="Ticket", feedback_tools=True, order=30)
    ]


@hookimpl
def mailroom_migrations() -> MigrationSource:
    return MigrationSource(name="feedback", directory=Path(__file__).parent / "migrations")


@hookimpl
def mailroom_blueprints() -> list[Blueprint]:
    from plugins.feedback.api import blueprint as api_blueprint
    from plugins.feedback.views import blueprint

    return [blueprint, api_blueprint]


@hookimpl
def mailroom_settings_fields() -> list[SettingsField]:
    return [
        SettingsField(
            key=RECIPIENTS_SETTING,
            label="Feedback recipients",
            section="General",
            help="The user group that receives feedback messages and handles them.",
            choices=lambda: [(g.uid, g.name) for g in UserGroup.select().order_by(UserGroup.name)],
        )
    ]


@hookimpl
def mailroom_template_slot(slot: str, user: User | None, context: dict[str, Any]) -> Markup | None:
    if user is None:
        return None
    if slot == "dashboard":
        return Markup('<li><a href="{}">Write feedback</a></li>').format(url_for("feedback.write"))
    if slot == "inbox" and context.get("folder") and context["folder"].key == TICKET:
        return Markup('<p><a href="{}">Write feedback</a></p>').format(url_for("feedback.write"))
    if slot == "compose":
        # People write to "the helpdesk" as a private message and it reaches nobody who
        # handles it: point them at feedback, which the whole team sees and tracks.
        return Markup(render_template("feedback/compose_note.html"))
    conversation = context.get("conversation")
    if (
        slot == "conversation"
        and conversation is not None
        and uses_feedback_tools(conversation)
        and is_team_member(user)
    ):
        from plugins.feedback.models import FeedbackChange

        return Markup(
            render_template("feedback/change_log.html", changes=FeedbackChange.log_of(conversation))
        )
    return None


@hookimpl
def mailroom_conversation_access(conversation: Conversation, user: User) -> bool | None:
    return True if uses_feedback_tools(conversation) and is_team_member(user) else None


@hookimpl
def mailroom_message_visible(message: Message, user: User) -> bool | None:
    # Internal replies are the team's notes: nobody else sees them, anywhere.
    if message.internal and not is_team_member(user):
        return False
    return None


@hookimpl
def mailroom_inbox_filters(user: User, message_type: str) -> list[InboxFilter] | None:
    folder = current_hooks().message_type(message_type)
    if folder is None or not folder.feedback_tools or not is_team_member(user):
        return None
    # The participant's copies of the conversation's state: checked inside the inbox
    # index, with no join to ``conversation`` (see kernel.models.conversations).
    return [
        InboxFilter(
            key="status",
            label="Status",
            choices=tools.STATUS_LABELS[1:],
            apply=lambda value: Participant.status == value,
        ),
        InboxFilter(
            key="priority",
            label="Priority",
            choices=tools.PRIORITY_LABELS,
            apply=lambda value: Participant.priority == value,
        ),
        InboxFilter(
            key="assignee",
            label="Assigned to",
            choices=[("me", "Assigned to me"), ("none", "Unassigned")],
            apply=lambda value: (
                Participant.assignee == user.id if value == "me" else Participant.assignee.is_null()
            ),
        ),
    ]


@hookimpl
def mailroom_conversation_actions(
    conversation: Conversation, user: User
) -> list[ConversationAction]:
    if not uses_feedback_tools(conversation):
        return []
    return tools.conversation_actions(conversation, user)


@hookimpl
def mailroom_bulk_actions(user: User, message_type: str) -> list[BulkAction] | None:
    folder = current_hooks().message_type(message_type)
    if folder is None or not folder.feedback_tools:
        return None
    return tools.bulk_actions(user)


@hookimpl
def mailroom_conversation_state_changed(
    conversation: Conversation, user: User | None, field: str, old: Any, new: Any
) -> None:
    if not uses_feedback_tools(conversation):
        return
    from plugins.feedback.models import FeedbackChange

    if field == "assignee":
        names = {u.id: u.display_name for u in User.select().where(User.id.in_([old, new]))}
        old, new = names.get(old), names.get(new)
    FeedbackChange.create(conversation=conversation, user=user, field=field, old=old, new=new)


def _feedback_types() -> list[str]:
    return [t.key for t in current_hooks().message_types() if t.feedback_tools]


@hookimpl
def mailroom_group_membership_changed(group: UserGroup, added_user_ids: set[int]) -> None:
    configured = feedback_group()
    if configured is not None and configured.id == group.id:
        tools.give_team_access(added_user_ids, _feedback_types())


@hookimpl
def mailroom_setting_changed(key: str, new: Any) -> None:
    if key == RECIPIENTS_SETTING and new:
        group = feedback_group()
        if group is not None:
            tools.give_team_access(group.member_ids(), _feedback_types())


@hookimpl
def mailroom_demo_data(users: dict[str, User], groups: dict[str, UserGroup]) -> None:
    from plugins.feedback.demo import add_demo_feedback

    add_demo_feedback(users, groups)


@hookimpl
def mailroom_sees_internal_messages(user: User) -> bool | None:
    # Search and the API ask this: internal replies are the team's alone.
    return True if is_team_member(user) else None


@hookimpl
def mailroom_fallback_recipients(purpose: str) -> set[int] | None:
    # DHIS2 sends job failures to the feedback recipients when nobody else is configured.
    if purpose != "system":
        return None
    group = feedback_group()
    return group.member_ids() if group is not None else None
