"""Sending messages from the system (no sender): the Python API for plugins.

Used for job failures, validation results and whatever a plugin needs to tell people.
"""

from __future__ import annotations

from collections.abc import Iterable

from peewee import IntegrityError

from kernel.messaging import SendError, add_reply, start_conversation
from kernel.models import Conversation, Priority, Status, User, UserGroup, UserGroupMember
from kernel.plugins import current_hooks


def members_of(group_uids: Iterable[str]) -> set[int]:
    """Enabled members of the groups; an unknown uid is an error, not a silent loss."""
    uids = set(group_uids)
    groups = {g.uid: g.id for g in UserGroup.select().where(UserGroup.uid.in_(uids))}
    missing = uids - set(groups)
    if missing:
        raise SendError(f"User group does not exist: {', '.join(sorted(missing))}", 404)
    members = (
        UserGroupMember.select(UserGroupMember.user)
        .join(User)
        .where(UserGroupMember.group.in_(list(groups.values())) & (User.disabled == False))
    )
    return {m.user_id for m in members}


def send_system_message(
    *,
    subject: str,
    text: str,
    recipient_ids: Iterable[int] = (),
    recipient_groups: Iterable[str] = (),
    priority: Priority = Priority.NONE,
    status: Status = Status.NONE,
    ext_message_id: str | None = None,
    message_type: str = "SYSTEM",
) -> Conversation | None:
    """Start a conversation with no sender, or return None when ``ext_message_id`` was
    already sent (so producers can call this again safely).

    :raises SendError: the message type is not enabled, a group is unknown, or nobody
        would receive it.
    """
    if current_hooks().message_type(message_type) is None:
        raise SendError(f"The message type {message_type} is not enabled on this server.", 409)
    if ext_message_id and already_sent(ext_message_id):
        return None
    recipients = set(recipient_ids) | members_of(recipient_groups)
    try:
        return start_conversation(
            sender=None,
            recipient_ids=recipients,
            subject=subject,
            text=text,
            message_type=message_type,
            priority=priority,
            status=status,
            ext_message_id=ext_message_id,
        )
    except IntegrityError:
        # Another worker sent the same id between the check above and this insert; the
        # unique index refused ours and the transaction rolled back.
        if ext_message_id and already_sent(ext_message_id):
            return None
        raise


def already_sent(ext_message_id: str) -> bool:
    return Conversation.select().where(Conversation.ext_message_id == ext_message_id).exists()


def add_system_reply(conversation: Conversation, text: str) -> None:
    """Append a message from the system to an existing conversation."""
    add_reply(conversation, None, text)
