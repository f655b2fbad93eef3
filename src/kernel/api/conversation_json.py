"""How conversations and messages look in the API (DHIS2's MessageConversation JSON), and
what conversation lists may be filtered and ordered by.

A conversation is always shown as one user sees it: ``read``, ``followUp`` and
``lastMessage`` come from that user's own participant row, and ``messages`` holds only
the messages every plugin lets them see (``mailroom_message_visible``) — in lists too,
where DHIS2 forgets to hide internal messages. Participants are listed without their
read state, which is theirs alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import url_for

from kernel.access import visible_among
from kernel.api.context import Caller
from kernel.api.envelopes import dhis2_datetime
from kernel.api.fields import Field, Schema
from kernel.api.people import IDENTIFIABLE, PUBLIC_USER
from kernel.api.query import BOOLEAN, DATETIME, ENUM, INTEGER, ApiProperty
from kernel.models import Conversation, Message, Participant, Priority, Status
from kernel.models.conversations import (
    ASSIGNEE,
    LAST_SENDER,
    messages_of,
    participants_of,
)


@dataclass
class ConversationRow:
    """A conversation as one caller sees it: with their participant row, if they have one."""

    conversation: Conversation
    participant: Participant | None
    messages: list[Message] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)


def rows_from_copies(copies: list[Participant]) -> list[ConversationRow]:
    """List items from :func:`kernel.models.conversations.copies_of`."""
    return [ConversationRow(copy.conversation, copy) for copy in copies]


def _prefetch_messages(rows: list[ConversationRow], caller: Caller) -> None:
    found = messages_of(row.conversation.id for row in rows)
    for row in rows:
        for message in found[row.conversation.id]:
            # Hand the message its conversation, so no plugin's veto has to query for it.
            message.conversation = row.conversation
        row.messages = visible_among(found[row.conversation.id], row.conversation, caller.user)


def _prefetch_participants(rows: list[ConversationRow], caller: Caller) -> None:
    found = participants_of(row.conversation.id for row in rows)
    for row in rows:
        row.participants = found[row.conversation.id]


def _person(user: Any) -> Any:
    return user if user is not None and user.id is not None else None


def _own(attribute: str):
    def get(row: ConversationRow, caller: Caller) -> Any:
        return getattr(row.participant, attribute) if row.participant is not None else None

    return get


def _last_message(row: ConversationRow, caller: Caller) -> str | None:
    # The caller's own copy: an internal reply they may not see has not moved it.
    moment = row.participant.last_message if row.participant else row.conversation.last_message
    return dhis2_datetime(moment)


MESSAGE = Schema(
    fields={
        "id": Field(lambda m, c: m.uid),
        "text": Field(lambda m, c: m.text),
        "created": Field(lambda m, c: dhis2_datetime(m.created)),
        "lastUpdated": Field(lambda m, c: dhis2_datetime(m.created)),
        "internal": Field(lambda m, c: m.internal),
        "sender": Field(lambda m, c: _person(m.sender), nested=PUBLIC_USER),
        # DHIS2's metaData is the sender's browser (User-Agent): not the readers' business.
    },
    presets={":identifiable": ("id", "created", "lastUpdated")},
)

USER_MESSAGE = Schema(
    fields={"user": Field(lambda p, c: p.user, nested=PUBLIC_USER)},
    reference=("user",),
)

_CONVERSATION_FIELDS: dict[str, Field] = {
    "id": Field(lambda r, c: r.conversation.uid),
    "name": Field(lambda r, c: r.conversation.subject),
    "displayName": Field(lambda r, c: r.conversation.subject),
    "subject": Field(lambda r, c: r.conversation.subject),
    "created": Field(lambda r, c: dhis2_datetime(r.conversation.created)),
    "lastUpdated": Field(lambda r, c: dhis2_datetime(r.conversation.last_updated)),
    "href": Field(
        lambda r, c: url_for(
            "api_conversations.conversation", uid=r.conversation.uid, _external=True
        )
    ),
    "messageType": Field(lambda r, c: r.conversation.message_type),
    "status": Field(lambda r, c: r.conversation.status),
    "priority": Field(lambda r, c: r.conversation.priority),
    "lastMessage": Field(_last_message),
    "messageCount": Field(lambda r, c: r.conversation.message_count),
    "extMessageId": Field(lambda r, c: r.conversation.ext_message_id),
    "read": Field(_own("read")),
    "followUp": Field(_own("follow_up")),
    "lastSender": Field(lambda r, c: _person(r.conversation.last_sender), nested=PUBLIC_USER),
    "lastSenderFirstname": Field(
        lambda r, c: r.conversation.last_sender.first_name if r.conversation.last_sender else None
    ),
    "lastSenderSurname": Field(
        lambda r, c: r.conversation.last_sender.surname if r.conversation.last_sender else None
    ),
    "assignee": Field(lambda r, c: _person(r.conversation.assignee), nested=PUBLIC_USER),
    "createdBy": Field(lambda r, c: _person(r.conversation.created_by), nested=PUBLIC_USER),
    "userFirstname": Field(
        lambda r, c: r.conversation.created_by.first_name if r.conversation.created_by else None
    ),
    "userSurname": Field(
        lambda r, c: r.conversation.created_by.surname if r.conversation.created_by else None
    ),
    "messages": Field(
        lambda r, c: r.messages, nested=MESSAGE, many=True, prefetch=_prefetch_messages
    ),
    "userMessages": Field(
        lambda r, c: r.participants,
        nested=USER_MESSAGE,
        many=True,
        prefetch=_prefetch_participants,
    ),
}

CONVERSATION = Schema(
    fields=_CONVERSATION_FIELDS,
    presets={
        ":identifiable": tuple(name for name in IDENTIFIABLE if name in _CONVERSATION_FIELDS),
        ":nameable": tuple(name for name in IDENTIFIABLE if name in _CONVERSATION_FIELDS),
    },
)

# What a list shows when the client names no fields: enough for an inbox row.
LIST_FIELDS = (
    "id,displayName,subject,messageType,status,priority,read,followUp,lastMessage,"
    "messageCount,lastSender[id,displayName],assignee[id,displayName]"
)
# One conversation, when the client names no fields: everything, with its messages.
ONE_FIELDS = (
    "*,lastSender[id,displayName],assignee[id,displayName],createdBy[id,displayName],"
    "messages[id,text,created,internal,sender[id,displayName]],userMessages[user[id,displayName]]"
)


# Properties that are columns of the caller's own participant row.
OWN_PROPERTIES = {"messageType", "status", "priority", "read", "followUp", "lastMessage"}


def conversation_properties() -> list[ApiProperty]:
    """What ``filter`` and ``order`` may name on a conversation list.

    ``read``, ``followUp``, ``lastMessage`` and ``messageType`` are the caller's own
    participant row, and ``status`` and ``priority`` its copies of the conversation's
    (kept in step on write), so they are SQL on ``participant`` and use its indexes.
    """
    subject = Conversation.subject
    return [
        ApiProperty("id", Conversation.uid),
        ApiProperty("subject", subject),
        ApiProperty("name", subject),
        ApiProperty("displayName", subject),
        ApiProperty("messageType", Participant.message_type),
        ApiProperty("status", Participant.status, type=ENUM, choices=tuple(Status)),
        ApiProperty("priority", Participant.priority, type=ENUM, choices=tuple(Priority)),
        ApiProperty("assignee.id", ASSIGNEE.uid, nullable=True),
        ApiProperty("lastSender.id", LAST_SENDER.uid, nullable=True),
        ApiProperty("read", Participant.read, type=BOOLEAN),
        ApiProperty("followUp", Participant.follow_up, type=BOOLEAN),
        ApiProperty("lastMessage", Participant.last_message, type=DATETIME),
        ApiProperty("created", Conversation.created, type=DATETIME),
        ApiProperty("lastUpdated", Conversation.last_updated, type=DATETIME),
        ApiProperty("messageCount", Conversation.message_count, type=INTEGER),
    ]
