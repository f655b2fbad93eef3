"""user_messages: private messages between users (DHIS2's PRIVATE type).

Adds the PRIVATE message type (the "Inbox" folder); the recipient kinds "user" and "user
group" (search, naming and resolution to users: groups resolve to their members, disabled
users are skipped); the "Write message" page at ``/messages/PRIVATE/create`` (linked from
the dashboard and every folder, pre-filled by ``?to=user:<uid>``); "Add participants" on
private conversations; and demo conversations for ``mailroom demo``.

Not here: the ``/api/messageConversations`` endpoints.
"""

from __future__ import annotations

from flask import Blueprint
from markupsafe import Markup

from kernel import hookimpl
from kernel.contributions import (
    ConversationAction,
    MessageType,
    RecipientKind,
    RecipientOption,
    RecipientSelection,
)
from kernel.models import Conversation, User, UserGroup
from plugins.user_messages import participants, recipients, slots, views
from plugins.user_messages.demo import add_demo_conversations
from plugins.user_messages.message_types import PRIVATE_MESSAGE


@hookimpl
def mailroom_message_types() -> list[MessageType]:
    return [PRIVATE_MESSAGE]


@hookimpl
def mailroom_blueprints() -> list[Blueprint]:
    return [views.blueprint]


@hookimpl
def mailroom_template_slot(slot: str, user: User | None) -> Markup | None:
    # "Write message" shows in every folder, as DHIS2's Compose does; no context needed.
    if user is None:
        return None
    if slot == "dashboard":
        return slots.dashboard_entry()
    if slot == "inbox":
        return slots.inbox_entry()
    return None


@hookimpl
def mailroom_recipient_kinds() -> list[RecipientKind]:
    return [
        RecipientKind(key=recipients.USER, label="User", api_field="users"),
        RecipientKind(key=recipients.USER_GROUP, label="User group", api_field="userGroups"),
    ]


@hookimpl
def mailroom_search_recipients(query: str, limit: int) -> list[RecipientOption]:
    return recipients.search(query, limit)


@hookimpl
def mailroom_describe_recipients(selection: RecipientSelection) -> list[RecipientOption]:
    return recipients.describe(selection)


@hookimpl
def mailroom_resolve_recipients(selection: RecipientSelection) -> set[int] | None:
    return recipients.resolve(selection)


@hookimpl
def mailroom_conversation_actions(
    conversation: Conversation, user: User
) -> list[ConversationAction] | None:
    return participants.actions_for(conversation, user)


@hookimpl
def mailroom_demo_data(users: dict[str, User], groups: dict[str, UserGroup]) -> None:
    add_demo_conversations(users, groups)
