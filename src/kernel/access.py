"""Who may do what: one place per rule, used by pages and API alike."""

from __future__ import annotations

from flask import g

from kernel.models import Conversation, Message, Participant, User
from kernel.models.users import SUPERUSER_AUTHORITY
from kernel.plugins import current_hooks


def authorities_of(user: User) -> set[str]:
    """The user's authorities, looked up once per request."""
    cache = g.setdefault("_authorities", {})
    if user.id not in cache:
        cache[user.id] = user.authorities()
    return cache[user.id]


def is_superuser(user: User) -> bool:
    return SUPERUSER_AUTHORITY in authorities_of(user)


def has_authority(user: User, authority: str) -> bool:
    authorities = authorities_of(user)
    return SUPERUSER_AUTHORITY in authorities or authority in authorities


def can_open(conversation: Conversation, user: User, participant: Participant | None) -> bool:
    """Participants, ALL users, and whoever a plugin grants (the feedback team on tickets)."""
    if participant is not None or is_superuser(user):
        return True
    return current_hooks().conversation_access(conversation, user)


def visible_messages(conversation: Conversation, user: User) -> list[Message]:
    """The conversation's messages in order, without those a plugin hides from this user."""
    return visible_among(conversation.messages_in_order(), conversation, user)


def visible_among(messages: list[Message], conversation: Conversation, user: User) -> list[Message]:
    """Those of ``messages`` (all of ``conversation``) this user may see.

    For callers that loaded the messages of many conversations at once (API lists).
    """
    return [m for m in messages if message_visible(m, conversation, user)]


def message_visible(message: Message, conversation: Conversation, user: User) -> bool:
    """The kernel's rule, then the plugins': an internal message is only ever for those
    who see internal messages, and a plugin may hide any message further.

    The kernel rule holds without the feedback plugin too: otherwise an internal reply an
    ALL user posts would reach every participant, since no plugin would hide it.
    """
    if message.internal and not sees_internal_messages(user):
        return False
    return current_hooks().message_visible(message, conversation, user)


def sees_internal_messages(user: User) -> bool:
    """ALL users, and whoever a plugin grants (the feedback team): the users search may
    show internal messages to."""
    return is_superuser(user) or current_hooks().sees_internal_messages(user)


def can_reply(conversation: Conversation) -> bool:
    message_type = current_hooks().message_type(conversation.message_type)
    return message_type is not None and message_type.replyable
