"""mailroom_notices: one-way notices from the system to everyone in a user group.

Adds the NOTICE message type (the "Notices" folder: nobody composes or replies to a
notice), the ``mailroom send-notice`` command, a footer setting added to every notice, a
dashboard entry with the reader's latest notice, and a "Sent notices" page and API list
for administrators, fed by the ``mailroom_conversation_created`` event; notices in
``/api/messageConversations`` gain a ``recipientCount`` field.

The example plugin of the plugin author guide, ``docs/plugins.md``.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Blueprint, render_template
from markupsafe import Markup

from kernel import hookimpl
from kernel.access import has_authority
from kernel.contributions import ApiField, MessageType, MigrationSource, SettingsField
from kernel.models import Conversation, User
from mailroom_notices import api, cli, views
from mailroom_notices.models import FOOTER_SETTING, NOTICE, SentNotice, latest_notice_for


@hookimpl
def mailroom_message_types() -> list[MessageType]:
    return [
        MessageType(
            key=NOTICE,
            label="Notice",
            folder="Notices",
            composable=False,
            replyable=False,
            order=50,
        )
    ]


@hookimpl
def mailroom_migrations() -> MigrationSource:
    return MigrationSource(name="notices", directory=Path(__file__).parent / "migrations")


@hookimpl
def mailroom_blueprints() -> list[Blueprint]:
    return [views.blueprint, api.blueprint]


@hookimpl
def mailroom_api_fields(resource: str) -> list[ApiField] | None:
    if resource == "messageConversations":
        return [api.RECIPIENT_COUNT]
    return None


@hookimpl
def mailroom_settings_fields() -> list[SettingsField]:
    return [
        SettingsField(
            key=FOOTER_SETTING,
            label="Footer",
            section="Notices",
            help="Added at the end of every notice, e.g. whom to contact with questions.",
        )
    ]


@hookimpl
def mailroom_cli_commands() -> list[click.Command]:
    return [cli.send_notice]


@hookimpl
def mailroom_template_slot(slot: str, user: User | None) -> Markup | None:
    if slot != "dashboard" or user is None:
        return None
    # render_template returns a plain str, which the kernel would escape: mark it as HTML.
    return Markup(
        render_template(
            "mailroom_notices/dashboard_entry.html",
            latest=latest_notice_for(user),
            may_see_sent=has_authority(user, views.SENT_NOTICES_AUTHORITY),
        )
    )


@hookimpl
def mailroom_conversation_created(conversation: Conversation, recipient_ids: set[int]) -> None:
    # Recorded from the event, so a notice is logged however it was started.
    if conversation.message_type == NOTICE:
        SentNotice.create(conversation=conversation, recipient_count=len(recipient_ids))
