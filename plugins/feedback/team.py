"""The feedback-handling team: the configured "Feedback recipients" user group."""

from __future__ import annotations

from flask import g, has_request_context

from kernel.access import is_superuser
from kernel.models import Conversation, Setting, User, UserGroup, UserGroupMember
from kernel.plugins import current_hooks

RECIPIENTS_SETTING = "feedback.recipients"


def feedback_group() -> UserGroup | None:
    """The configured group, or None when unset or deleted."""
    uid = Setting.read(RECIPIENTS_SETTING)
    return UserGroup.get_or_none(UserGroup.uid == uid) if uid else None


def configure_feedback_group(group: UserGroup | None) -> bool:
    """Make ``group`` the feedback group (None unsets it) and announce the change the way
    the settings page does, so the new team gets the old feedback in their inboxes.

    :returns: whether the setting changed.
    """
    old = Setting.read(RECIPIENTS_SETTING)
    new = group.uid if group is not None else None
    if old == new:
        return False
    Setting.write(RECIPIENTS_SETTING, new)
    if has_request_context():
        # Who is on the team was answered for the old group.
        g.pop("_feedback_team", None)
    current_hooks().setting_changed(RECIPIENTS_SETTING, old, new)
    return True


def is_team_member(user: User) -> bool:
    """Members of the feedback group and ALL users (DHIS2's feedback manager rule).

    Asked many times per page (every message, every action): answered once per request.
    """
    cache = g.setdefault("_feedback_team", {}) if has_request_context() else {}
    if user.id not in cache:
        group = feedback_group()
        in_group = (
            group is not None
            and UserGroupMember.select()
            .where((UserGroupMember.group == group) & (UserGroupMember.user == user))
            .exists()
        )
        cache[user.id] = in_group or is_superuser(user)
    return cache[user.id]


def team_members() -> list[User]:
    """Enabled members of the feedback group, by name (candidates for assignment)."""
    group = feedback_group()
    if group is None:
        return []
    return list(
        User.select()
        .join(UserGroupMember)
        .where((UserGroupMember.group == group) & (User.disabled == False))
        .order_by(User.first_name, User.surname)
    )


def uses_feedback_tools(conversation: Conversation) -> bool:
    message_type = current_hooks().message_type(conversation.message_type)
    return message_type is not None and message_type.feedback_tools
