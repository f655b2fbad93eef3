"""Sent notices, and the queries about notices that the plugin's pages and hooks ask."""

from __future__ import annotations

from peewee import ForeignKeyField, IntegerField

from kernel.db import BaseModel
from kernel.models import Conversation, Participant, User, UserGroup, UserGroupMember

NOTICE = "NOTICE"
FOOTER_SETTING = "notices.footer"


class SentNotice(BaseModel):
    """One notice sent: its conversation, and how many people it reached."""

    conversation = ForeignKeyField(Conversation, on_delete="CASCADE", backref="+")
    recipient_count = IntegerField()

    class Meta:
        # Prefixed with the plugin's name, so no other plugin's table can clash with it.
        table_name = "notices_sent_notice"

    @classmethod
    def newest_first(cls, limit: int = 100) -> list[SentNotice]:
        """The latest notices with their conversations (one query)."""
        return list(
            cls.select(cls, Conversation)
            .join(Conversation)
            .order_by(Conversation.created.desc(), cls.id.desc())
            .limit(limit)
        )


def latest_notice_for(user: User) -> Conversation | None:
    """The newest notice in the user's own Notices folder."""
    return (
        Conversation.select()
        .join(Participant)
        .where((Participant.user == user) & (Participant.message_type == NOTICE))
        .order_by(Participant.last_message.desc(), Conversation.id.desc())
        .first()
    )


def members_to_notify(group: UserGroup) -> set[int]:
    """Ids of the group's members who can sign in; disabled accounts get no notices."""
    query = (
        UserGroupMember.select(UserGroupMember.user)
        .join(User)
        .where((UserGroupMember.group == group) & (User.disabled == False))
    )
    return {row.user_id for row in query}
