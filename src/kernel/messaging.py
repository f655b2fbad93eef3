"""Sending and replying, and each participant's own state (read, follow-up, removal).

Every write here is one transaction; lifecycle events fire after it commits. Each new
message enters the search index (:mod:`kernel.search`) in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from kernel.contributions import RecipientSelection, UnknownRecipient
from kernel.db import database
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
    check_text(text, limits)


def check_text(text: str | None, limits: dict) -> None:
    if not text or not text.strip():
        raise SendError("Enter a message.", 400, "text")
    if len(text) > limits["MAX_TEXT_LENGTH"]:
        raise SendError(
            f"The message is longer than {limits['MAX_TEXT_LENGTH']} characters.", 400, "text"
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
    rows = [
        {
            "conversation": conversation.id,
            "user": user_id,
            "message_type": message_type,
            "last_message": now,
            "read": user_id == (sender.id if sender else None),
        }
        for user_id in sorted(recipients | ({sender.id} if sender else set()))
    ]
    for start in range(0, len(rows), INSERT_CHUNK):
        Participant.insert_many(rows[start : start + INSERT_CHUNK]).execute()
    return conversation, message, recipients


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

    :raises SendError: unknown recipient, or "No recipients selected." when the selection
        reaches nobody but the sender.
    """
    with database.atomic():
        conversation, message, recipients = _store_conversation(
            sender=sender,
            recipient_ids=resolve_selection(selection),
            subject=subject,
            text=text,
            message_type=message_type,
            metadata=metadata,
        )
    current_hooks().conversation_created(conversation, message, recipients)
    return conversation


def add_reply(
    conversation: Conversation, sender: User | None, text: str, internal: bool = False
) -> Message:
    """Append a message; it becomes unread for every other participant who may see it,
    and read for its author, who has just seen the whole conversation.

    An internal message changes neither the conversation's last sender nor its public
    message count, so nothing about it shows to those it is hidden from.
    """
    hooks = current_hooks()
    now = utcnow()
    with database.atomic():
        message = Message.create(
            conversation=conversation, text=text, sender=sender, internal=internal, created=now
        )
        index_message(message, conversation.subject, sender)
        others = Participant.user != sender.id if sender else True
        if internal:
            seers = [
                p.user_id
                for p in conversation.participants()
                if hooks.message_visible(message, conversation, p.user)
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
    """Add users to a conversation, unread; returns how many were new."""
    with database.atomic():
        existing = {
            p.user_id
            for p in Participant.select(Participant.user).where(
                Participant.conversation == conversation
            )
        }
        new = sorted(set(user_ids) - existing)
        rows = [
            {
                "conversation": conversation.id,
                "user": user_id,
                "message_type": conversation.message_type,
                "last_message": conversation.last_message,
                "read": False,
            }
            for user_id in new
        ]
        for start in range(0, len(rows), INSERT_CHUNK):
            Participant.insert_many(rows[start : start + INSERT_CHUNK]).execute()
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
    column = getattr(Conversation, field)
    Conversation.update({column: new, Conversation.last_updated: utcnow()}).where(
        Conversation.id == conversation.id
    ).execute()
    setattr(conversation, field, value)
    current_hooks().conversation_state_changed(conversation, user, field, old, new)
    return True
