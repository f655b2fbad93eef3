"""The change log of feedback conversations: who set what, when (shown to the team)."""

from __future__ import annotations

from peewee import JOIN, CharField, DateTimeField, ForeignKeyField

from kernel.db import BaseModel
from kernel.models import Conversation, User
from kernel.models.clock import utcnow


class FeedbackChange(BaseModel):
    conversation = ForeignKeyField(Conversation, on_delete="CASCADE")
    user = ForeignKeyField(User, null=True, on_delete="SET NULL")
    field = CharField(max_length=32)
    old = CharField(max_length=64, null=True)
    new = CharField(max_length=64, null=True)
    at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "feedback_change"
        indexes = ((("conversation", "at"), False),)

    @classmethod
    def log_of(cls, conversation: Conversation) -> list[FeedbackChange]:
        """The conversation's changes, oldest first, with who made them (one query)."""
        return list(
            cls.select(cls, User)
            .join(User, JOIN.LEFT_OUTER, on=(cls.user == User.id))
            .where(cls.conversation == conversation)
            .order_by(cls.at, cls.id)
        )
