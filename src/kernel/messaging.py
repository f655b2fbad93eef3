"""Sending and replying, and each participant's own state (read, follow-up, removal).

Every write here is one transaction; lifecycle events fire after it commits. Each new
message enters the search index (:mod:`kernel.search`) in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from flask import current_app

from kernel import access
from kernel.contributions import RecipientSelection, UnknownRecipient
from kernel.db import database, is_postgresql
from kernel.models import Conversation, Message, Participant, Priority, Status, User
from kernel.models.clock import utcnow
from kernel.plugins import current_hooks
from kernel.search import index_message

INSERT_CHUNK = 500


class SendError(Exception):
    """The message cannot be sent as asked; nothing was stored."""

    def __init__(self, message: str, http_status: int = 409, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.http_status = http_status
        self.field = field


def check_subject_and_text(subject: str | None, text: str | None, limits: dict) -> None:
    if not subject or not subject.strip():
        raise SendError("Enter a subject.", 400, "subject")
    if len(subject) > limits["MAX_SUBJECT_LENGTH"]:
        raise SendError(
            f"The subject is longer than {limits['MAX_SUBJECT_LENGTH']} characters.", 400, "subject"
        )
    if "\x00" in subject:
        raise SendError(NUL_CHARACTER.format(what="subject"), 400, "subject")
    check_text(text, limits)


def check_text(text: str | None, limits: dict) -> None:
    if not text or not text.strip():
        raise SendError("Enter a message.", 400, "text")
    if len(text) > limits["MAX_TEXT_LENGTH"]:
        raise SendError(
            f"The message is longer than {limits['MAX_TEXT_LENGTH']} characters.", 400, "text"
        )
    if "\x00" in text:
        raise SendError(NUL_CHARACTER.format(what="message"), 400, "text")


# PostgreSQL cannot store the NUL character in text (psycopg2 raises ValueError), and no
# one types it: refuse it as bad input rather than fail on one database only.
NUL_CHARACTER = "The {what} contains a NUL character (code 0), which cannot be stored."


def client_metadata(user_agent: str) -> str | None:
    """What a message keeps about the program that sent it: its User-Agent, cut to fit."""
    if not user_agent:
        return None
    # NUL cannot be stored on PostgreSQL; a header is no reason to refuse a message.
    return f"User-agent: {user_agent}".replace("\x00", "")[: Message.metadata.max_length]


def check_send_rate(user: User, limits: Mapping[str, Any]) -> None:
    """Refuse a new conversation from a user who has started too many just now.

    Counted from the database, so the limit holds however many server processes there are.
    Pass ``current_app.config`` as ``limits`` (``SEND_RATE_LIMIT`` conversations per
    ``SEND_RATE_WINDOW_SECONDS``; a limit of 0 or None turns it off).

    :raises SendError: with status 429.
    """
    limit = limits.get("SEND_RATE_LIMIT")
    if not limit:
        return
    window = int(limits["SEND_RATE_WINDOW_SECONDS"])
    since = utcnow() - timedelta(seconds=window)
    if Conversation.started_by_since(user, since) >= limit:
        raise SendError(
            f"You have started {limit} conversations in the last {_duration(window)}, the most "
            "allowed. Wait a minute and send again.",
            429,
        )


def _duration(seconds: int) -> str:
    if seconds % 60 == 0:
        minutes = seconds // 60
        return "minute" if minutes == 1 else f"{minutes} minutes"
    return f"{seconds} seconds"


def check_recipient_count(count: int, limits: Mapping[str, Any]) -> None:
    """Refuse to reach more people than ``MAX_RECIPIENTS`` at once (None: no cap).

    :raises SendError: with status 409 and ``field="recipients"``.
    """
    cap = limits.get("MAX_RECIPIENTS")
    if cap and count > cap:
        raise SendError(
            f"This would reach {count:,} people; at most {cap:,} are allowed at once. "
            "Choose fewer recipients.",
            409,
            "recipients",
        )


def resolve_selection(selection: RecipientSelection) -> set[int]:
    """The users a selection reaches, via every plugin's resolver (possibly none).

    :raises SendError: for an unknown uid, with the resolver's DHIS2 status.
    """
    try:
        user_ids = current_hooks().resolve_recipients(selection)
    except UnknownRecipient as error:
        raise SendError(error.message, error.http_status) from error
    return user_ids


def start_conversation(
    *,
    sender: User | None,
    recipient_ids: Iterable[int],
    subject: str,
    text: str,
    message_type: str,
    priority: Priority = Priority.NONE,
    status: Status = Status.NONE,
    ext_message_id: str | None = None,
    metadata: str | None = None,
) -> Conversation:
    """Create a conversation with its first message: the sender has it read, others unread.

    All recipients get it or none do; ``mailroom_conversation_created`` fires after commit.
    """
    with database.atomic():
        conversation, message, recipients = _store_conversation(
            sender=sender,
            recipient_ids=recipient_ids,
            subject=subject,
            text=text,
            message_type=message_type,
            priority=priority,
            status=status,
            ext_message_id=ext_message_id,
            metadata=metadata,
        )
    current_hooks().conversation_created(conversation, message, recipients)
    return conversation


def _store_conversation(
    *,
    sender: User | None,
    recipient_ids: Iterable[int],
    subject: str,
    text: str,
    message_type: str,
    priority: Priority = Priority.NONE,
    status: Status = Status.NONE,
    ext_message_id: str | None = None,
    metadata: str | None = None,
) -> tuple[Conversation, Message, set[int]]:
    """The writes of a new conversation; the caller holds the transaction."""
    recipients = set(recipient_ids) - ({sender.id} if sender else set())
    if not recipients:
        raise SendError("No recipients selected.", 409)
    now = utcnow()
    conversation = Conversation.create(
        subject=subject.strip(),
        message_type=message_type,
        priority=Priority(priority).value,
        status=Status(status).value,
        last_sender=sender,
        last_message=now,
        message_count=1,
        ext_message_id=ext_message_id,
        created_by=sender,
        created=now,
        last_updated=now,
    )
    message = Message.create(
        conversation=conversation, text=text, sender=sender, created=now, metadata=metadata
    )
    index_message(message, conversation.subject, sender)
    sender_id = sender.id if sender else None
    _insert_participants(
        conversation,
        [(user_id, user_id == sender_id) for user_id in sorted(recipients | {sender_id} - {None})],
        now,
    )
    return conversation, message, recipients


_PARTICIPANT_COLUMNS = (
    Participant.conversation,
    Participant.user,
    Participant.message_type,
    Participant.last_message,
    Participant.status,
    Participant.priority,
    Participant.assignee,
    Participant.read,
    Participant.follow_up,
)


def _insert_participants(
    conversation: Conversation, users: list[tuple[int, bool]], last_message: datetime
) -> None:
    """Give each ``(user id, read)`` a copy of the conversation, not followed up, with the
    conversation's status, priority and assignee as ``conversation`` holds them.

    One parameterised multi-row INSERT per chunk: peewee's ``insert_many`` builds its SQL
    value by value in Python, which took about 2 s for 10,000 recipients, four times the
    budget for such a send (SPEC §7); this takes a few milliseconds.
    """
    if not users:
        return
    columns = ", ".join(f'"{field.column_name}"' for field in _PARTICIPANT_COLUMNS)
    table = Participant._meta.table_name
    placeholders = "(" + ", ".join([database.param] * len(_PARTICIPANT_COLUMNS)) + ")"
    # Converted once, as each field would convert them, not once per row.
    conversation_id = conversation.id
    shared = (
        Participant.message_type.db_value(conversation.message_type),
        Participant.last_message.db_value(last_message),
        Participant.status.db_value(conversation.status),
        Participant.priority.db_value(conversation.priority),
        conversation.assignee_id,
    )
    read, unread = Participant.read.db_value(True), Participant.read.db_value(False)
    not_followed = Participant.follow_up.db_value(False)
    for start in range(0, len(users), INSERT_CHUNK):
        chunk = users[start : start + INSERT_CHUNK]
        params: list[Any] = []
        for user_id, is_read in chunk:
            params += [conversation_id, user_id, *shared, read if is_read else unread]
            params.append(not_followed)
        database.execute_sql(
            f'INSERT INTO "{table}" ({columns}) VALUES ' + ", ".join([placeholders] * len(chunk)),
            params,
        )


def send_to_selection(
    *,
    sender: User,
    selection: RecipientSelection,
    subject: str,
    text: str,
    message_type: str,
    metadata: str | None = None,
) -> Conversation:
    """Resolve a recipient selection and start a conversation, in one transaction.

    :raises SendError: unknown recipient, "No recipients selected." when the selection
        reaches nobody but the sender, or more recipients than ``MAX_RECIPIENTS``.
    """
    with database.atomic():
        recipient_ids = resolve_selection(selection) - {sender.id}
        check_recipient_count(len(recipient_ids), current_app.config)
        conversation, message, recipients = _store_conversation(
            sender=sender,
            recipient_ids=recipient_ids,
            subject=subject,
            text=text,
            message_type=message_type,
            metadata=metadata,
        )
    current_hooks().conversation_created(conversation, message, recipients)
    return conversation


def add_reply(
    conversation: Conversation,
    sender: User | None,
    text: str,
    internal: bool = False,
    metadata: str | None = None,
) -> Message:
    """Append a message; it becomes unread for every other participant who may see it,
    and read for its author, who has just seen the whole conversation.

    ``metadata`` is DHIS2's note on how it was sent, e.g. ``User-agent: …``.

    An internal message changes neither the conversation's last sender nor its public
    message count, so nothing about it shows to those it is hidden from.
    """
    hooks = current_hooks()
    now = utcnow()
    with database.atomic():
        message = Message.create(
            conversation=conversation,
            text=text,
            sender=sender,
            internal=internal,
            created=now,
            metadata=metadata,
        )
        index_message(message, conversation.subject, sender)
        others = Participant.user != sender.id if sender else True
        if internal:
            seers = [
                p.user_id
                for p in conversation.participants()
                if access.message_visible(message, conversation, p.user)
            ]
            Participant.update(last_message=now).where(
                (Participant.conversation == conversation) & Participant.user.in_(seers)
            ).execute()
            Participant.update(read=False).where(
                (Participant.conversation == conversation) & Participant.user.in_(seers) & others
            ).execute()
        else:
            Conversation.update(
                last_sender=sender,
                last_message=now,
                last_updated=now,
                message_count=Conversation.message_count + 1,
            ).where(Conversation.id == conversation.id).execute()
            Participant.update(last_message=now).where(
                Participant.conversation == conversation
            ).execute()
            Participant.update(read=False).where(
                (Participant.conversation == conversation) & others
            ).execute()
        if sender is not None:
            Participant.update(read=True).where(
                (Participant.conversation == conversation) & (Participant.user == sender.id)
            ).execute()
    conversation = Conversation.get_by_id(conversation.id)
    hooks.message_added(conversation, message)
    return message


def add_participants(conversation: Conversation, user_ids: Iterable[int]) -> int:
    """Add users to a conversation, unread; returns how many were new.

    Their copies take the conversation's state as stored now, not as ``conversation``
    was read earlier. On PostgreSQL the conversation row stays locked until commit, so a
    concurrent :func:`change_state` either comes first (and its values are copied) or
    waits and then updates these rows too; SQLite runs one writer at a time. The lock is
    the one an UPDATE takes (``NO KEY``): it does not wait for transactions that are only
    adding messages or participants to the conversation.
    """
    with database.atomic():
        current = Conversation.select().where(Conversation.id == conversation.id)
        if is_postgresql():
            current = current.for_update("FOR NO KEY UPDATE")
        stored = current.get()
        existing = {
            user_id
            for (user_id,) in Participant.select(Participant.user)
            .where(Participant.conversation == conversation)
            .tuples()
        }
        new = sorted(set(user_ids) - existing)
        _insert_participants(stored, [(user_id, False) for user_id in new], stored.last_message)
    return len(new)


def _own_rows(user: User, conversation_uids: Iterable[str]):
    uids = list(conversation_uids)
    return (
        Participant.select(Participant.id, Conversation.uid)
        .join(Conversation)
        .where((Participant.user == user) & Conversation.uid.in_(uids))
    )


def set_read(user: User, conversation_uids: Iterable[str], read: bool) -> list[str]:
    """Mark the user's own copies read or unread; returns the uids that changed."""
    rows = list(_own_rows(user, conversation_uids).where(Participant.read == (not read)).tuples())
    if rows:
        Participant.update(read=read).where(Participant.id.in_([r[0] for r in rows])).execute()
    return [r[1] for r in rows]


def set_follow_up(user: User, conversation_uids: Iterable[str], follow_up: bool) -> list[str]:
    """Flag or unflag the user's own copies for follow-up; returns the uids that changed."""
    rows = list(
        _own_rows(user, conversation_uids).where(Participant.follow_up == (not follow_up)).tuples()
    )
    if rows:
        Participant.update(follow_up=follow_up).where(
            Participant.id.in_([r[0] for r in rows])
        ).execute()
    return [r[1] for r in rows]


def remove_from_inbox(user: User, conversation_uids: Iterable[str]) -> list[str]:
    """Delete the user's own copies; the conversation stays for everyone else."""
    rows = list(_own_rows(user, conversation_uids).tuples())
    if rows:
        Participant.delete().where(Participant.id.in_([r[0] for r in rows])).execute()
    return [r[1] for r in rows]


SHARED_FIELDS = {"priority", "status", "assignee"}


def change_state(conversation: Conversation, user: User | None, field: str, value: object) -> bool:
    """Change a property every participant shares (priority, status, assignee).

    Fires ``mailroom_conversation_state_changed`` when the value really changed.
    :returns: whether it changed.
    """
    if field not in SHARED_FIELDS:
        raise ValueError(f"{field!r} is not a shared conversation property")
    old = getattr(conversation, f"{field}_id" if field == "assignee" else field)
    new = value.id if field == "assignee" and value is not None else value
    if old == new:
        return False
    with database.atomic():
        Conversation.update(
            {getattr(Conversation, field): new, Conversation.last_updated: utcnow()}
        ).where(Conversation.id == conversation.id).execute()
        # Every participant's copy, which the inbox filters read (kernel.models.conversations).
        Participant.update({getattr(Participant, field): new}).where(
            Participant.conversation == conversation.id
        ).execute()
    setattr(conversation, field, value)
    current_hooks().conversation_state_changed(conversation, user, field, old, new)
    return True
