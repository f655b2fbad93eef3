"""system_alerts: messages from the system (DHIS2's SYSTEM and VALIDATION_RESULT types).

Adds the "System" and "Validation" folders; turns every failed background job (built-in
or a plugin's) into a SYSTEM conversation "Job failed: '<job>'" for the "System
notification recipients" group (else the group another plugin names, such as the feedback
group, else the ALL users), adding repeats within a window to the same conversation; and a
daily housekeeping job.

Validation (DHIS2's VALIDATION_RESULTS_NOTIFICATION): validation rules with an importance
and notification templates (pages for ALL users, metadata lists ``validationRules`` and
``validationNotificationTemplates``); results stored through ``POST /api/validationResults``
or ``mailroom import-validation-results``; and the ``validation-notifications`` job (daily
at 07:00 and on demand) that turns each unsent result into VALIDATION_RESULT conversations
whose priority is the rule's importance.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask import Blueprint, url_for
from huey import crontab
from markupsafe import Markup

from kernel import hookimpl
from kernel.access import is_superuser
from kernel.contributions import Job, MessageType, MetadataSection, MigrationSource, SettingsField
from kernel.models import User, UserGroup
from plugins.system_alerts import failures
from plugins.system_alerts.housekeeping import housekeeping
from plugins.system_alerts.notifications import send_validation_notifications


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
        ),
        Job(
            name="validation-notifications",
            run=send_validation_notifications,
            description="Sends each validation result not notified yet, once.",
            schedule=crontab(minute="0", hour="7"),
        ),
    ]


@hookimpl
def mailroom_migrations() -> MigrationSource:
    return MigrationSource(name="system_alerts", directory=Path(__file__).parent / "migrations")


@hookimpl
def mailroom_blueprints() -> list[Blueprint]:
    from plugins.system_alerts.api import blueprint as api
    from plugins.system_alerts.views import blueprint as pages

    return [api, pages]


@hookimpl
def mailroom_cli_commands() -> list[click.Command]:
    from plugins.system_alerts.commands import import_validation_results

    return [import_validation_results]


@hookimpl
def mailroom_metadata_sections() -> list[MetadataSection]:
    from plugins.system_alerts import metadata

    return metadata.sections()


@hookimpl
def mailroom_job_failed(
    job_name: str, error: str, traceback_text: str, failed_at: datetime
) -> None:
    failures.report_job_failure(job_name, error, traceback_text, failed_at)


@hookimpl
def mailroom_template_slot(slot: str, user: User | None) -> Markup | None:
    if slot == "navigation" and user is not None and is_superuser(user):
        return Markup('<li><a href="{}">Validation rules</a></li>').format(
            url_for("validation.index")
        )
    return None
