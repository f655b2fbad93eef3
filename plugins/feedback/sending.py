"""Sending feedback: one ticket to every enabled member of the feedback group, status Open.

Shared by the "Write feedback" page and ``POST /api/messageConversations/feedback``, which
word the refusals for their own readers.
"""

from __future__ import annotations

from flask import current_app

from kernel import messaging
from kernel.models import Conversation, Status, User, UserGroupMember
from plugins.feedback.team import feedback_group

TICKET = "TICKET"


class FeedbackUnavailable(Exception):
    """Nobody would receive the feedback; nothing was stored.

    :param group_configured: False when no (existing) group is set, True when the group
        has no enabled member besides the sender.
    """

    def __init__(self, group_configured: bool) -> None:
        super().__init__("no feedback recipients")
        self.group_configured = group_configured


def _recipients() -> set[int] | None:
    """Enabled members of the feedback group, or None when no group is configured."""
    group = feedback_group()
    if group is None:
        return None
    members = (
        UserGroupMember.select(UserGroupMember.user)
        .join(User)
        .where((UserGroupMember.group == group) & (User.disabled == False))
    )
    return {m.user_id for m in members}


def send_feedback(sender: User, subject: str, text: str) -> Conversation:
    """Check the input, then start the ticket.

    :raises messaging.SendError: missing, over-long or NUL-bearing subject or text (400),
        or too many conversations started just now (429).
    :raises FeedbackUnavailable: no group, or no one in it but the sender. DHIS2 stores
        such feedback where nobody ever sees it; here it is refused, so it is never lost.
    """
    config = current_app.config
    messaging.check_subject_and_text(subject, text, config)
    recipients = _recipients()
    if recipients is None or not recipients - {sender.id}:
        raise FeedbackUnavailable(group_configured=recipients is not None)
    messaging.check_send_rate(sender, config)
    return messaging.start_conversation(
        sender=sender,
        recipient_ids=recipients,
        subject=subject,
        text=text,
        message_type=TICKET,
        status=Status.OPEN,
    )
