"""user_messages: private messages between users (DHIS2's PRIVATE type).

Adds the PRIVATE message type (the "Inbox" folder), and the recipient kinds "user" and
"user group": search for the compose form and resolution to users (groups resolve to their
members, disabled users are skipped). Demo conversations for ``mailroom demo``.

Not yet here (see the user_messages issue): the compose page, add-participants, search
and the ``/api/messageConversations`` endpoints.
"""

from __future__ import annotations

from kernel import hookimpl
from kernel.contributions import MessageType, RecipientKind, RecipientOption, RecipientSelection
from kernel.models import User, UserGroup
from plugins.user_messages import recipients
from plugins.user_messages.demo import add_demo_conversations

PRIVATE = "PRIVATE"


@hookimpl
def mailroom_message_types() -> list[MessageType]:
    return [
        MessageType(key=PRIVATE, label="Private message", folder="Inbox", composable=True, order=10)
    ]


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
def mailroom_resolve_recipients(selection: RecipientSelection) -> set[int] | None:
    return recipients.resolve(selection)


@hookimpl
def mailroom_demo_data(users: dict[str, User], groups: dict[str, UserGroup]) -> None:
    add_demo_conversations(users, groups)
