"""Job failures as SYSTEM messages, one conversation per repeating failure."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from flask import current_app

from kernel.models import Conversation, Setting, User, UserGroup, UserGroupMember
from kernel.models.users import RoleAuthority, UserRoleMember
from kernel.plugins import current_hooks
from kernel.system_messages import add_system_reply, send_system_message

RECIPIENTS_SETTING = "system_alerts.recipients"
WINDOW_SETTING = "system_alerts.repeat_window_minutes"
DEFAULT_WINDOW_MINUTES = 60
SYSTEM = "SYSTEM"


def system_recipients() -> set[int]:
    """The "System notification recipients" group; else whoever a plugin names (the
    feedback group, as DHIS2 does); else every ALL user. Disabled users are skipped."""
    uid = Setting.read(RECIPIENTS_SETTING)
    group = UserGroup.get_or_none(UserGroup.uid == uid) if uid else None
    if group is not None:
        ids = {m.user_id for m in UserGroupMember.select().where(UserGroupMember.group == group)}
    else:
        ids = current_hooks().fallback_recipients("system") or superuser_ids()
    enabled = User.select(User.id).where(User.id.in_(list(ids)) & (User.disabled == False))
    return {u.id for u in enabled}


def superuser_ids() -> set[int]:
    rows = (
        UserRoleMember.select(UserRoleMember.user)
        .join(RoleAuthority, on=(RoleAuthority.role == UserRoleMember.role))
        .where(RoleAuthority.authority == "ALL")
    )
    return {r.user_id for r in rows}


def repeat_window() -> timedelta:
    raw = Setting.read(WINDOW_SETTING)
    minutes = int(raw) if raw and str(raw).isdigit() else DEFAULT_WINDOW_MINUTES
    return timedelta(minutes=minutes)


def failure_key(job_name: str, error: str) -> str:
    """Same job, same error → same key; the time goes into the conversation, not the key."""
    digest = hashlib.sha256(f"{job_name}\n{error}".encode()).hexdigest()[:24]
    return f"job-failure:{digest}"


def describe(job_name: str, error: str, traceback_text: str, failed_at: datetime) -> str:
    return (
        f"Job failed: '{job_name}'\n\n"
        f"System title: {current_app.config.get('SYSTEM_TITLE', 'Mailroom')}\n"
        f"Time: {failed_at.isoformat(timespec='seconds')} UTC\n"
        f"Message: {error}\n\n"
        f"Cause:\n{traceback_text}"
    )


def report_job_failure(job_name: str, error: str, traceback_text: str, failed_at: datetime) -> None:
    """A new SYSTEM conversation, or a new message in the one about the same failure if it
    happened again within the repeat window (so a failing job does not flood inboxes)."""
    key = failure_key(job_name, error)
    text = describe(job_name, error, traceback_text, failed_at)
    recent = (
        Conversation.select()
        .where(
            (Conversation.message_type == SYSTEM)
            & Conversation.ext_message_id.startswith(key)
            & (Conversation.last_message >= failed_at - repeat_window())
        )
        .order_by(Conversation.last_message.desc())
        .first()
    )
    if recent is not None:
        add_system_reply(recent, text)
        return
    recipients = system_recipients()
    if not recipients:
        current_app.logger.error("job %s failed and nobody can be told: %s", job_name, error)
        return
    # ext_message_id must be unique per conversation: the key plus the first failure time.
    send_system_message(
        subject=f"Job failed: '{job_name}'",
        text=text,
        recipient_ids=recipients,
        ext_message_id=f"{key}:{failed_at:%Y%m%dT%H%M%S%f}",
    )
