"""system_alerts: messages from the system (DHIS2's SYSTEM and VALIDATION_RESULT types).

Adds the "System" and "Validation" folders; turns every failed background job (built-in
or a plugin's) into a SYSTEM conversation "Job failed: '<job>'" for the "System
notification recipients" group (else the group another plugin names, such as the feedback
group, else the ALL users), adding repeats within a window to the same conversation; and a
daily housekeeping job.
"""

from __future__ import annotations

from datetime import datetime

from huey import crontab

from kernel import hookimpl
from kernel.contributions import Job, MessageType, SettingsField
from kernel.models import UserGroup
from plugins.system_alerts import failures
from plugins.system_alerts.housekeeping import housekeeping


@hookimpl
def mailroom_message_types() -> list[MessageType]:
    return [
        MessageType(
            key="VALIDATION_RESULT",
            label="Validation result",
            folder="Validation",
            feedback_tools=True,
            order=20,
        ),
        MessageType(
            key=failures.SYSTEM, label="System message", folder="System", replyable=False, order=40
        ),
    ]


@hookimpl
def mailroom_settings_fields() -> list[SettingsField]:
    return [
        SettingsField(
            key=failures.RECIPIENTS_SETTING,
            label="System notification recipients",
            section="General",
            help="Who is told when a background job fails. When empty: the feedback "
            "recipients, or else every superuser.",
            choices=lambda: [(g.uid, g.name) for g in UserGroup.select().order_by(UserGroup.name)],
        ),
        SettingsField(
            key=failures.WINDOW_SETTING,
            label="Group repeated job failures for (minutes)",
            section="General",
            help="The same job failing with the same error within this many minutes is added "
            f"to the open conversation instead of starting a new one. Default "
            f"{failures.DEFAULT_WINDOW_MINUTES}.",
            validate=lambda value: (
                None
                if value.isdigit() and int(value) <= 10_080
                else "Enter a whole number of minutes, at most 10080 (a week)."
            ),
        ),
    ]


@hookimpl
def mailroom_jobs() -> list[Job]:
    return [
        Job(
            name="housekeeping",
            run=housekeeping,
            description="Prunes failed-login records older than a day.",
            schedule=crontab(minute="17", hour="3"),
        )
    ]


@hookimpl
def mailroom_job_failed(
    job_name: str, error: str, traceback_text: str, failed_at: datetime
) -> None:
    failures.report_job_failure(job_name, error, traceback_text, failed_at)
