"""``mailroom send-notice``: a notice from the system to every member of a user group."""

from __future__ import annotations

import click
from flask import current_app

from kernel import messaging
from kernel.models import Setting, UserGroup
from mailroom_notices.models import FOOTER_SETTING, NOTICE, members_to_notify


@click.command("send-notice")
@click.option("--group", "group_name", required=True, help="Name of the user group to notify.")
@click.option("--subject", required=True, help="The notice's subject.")
@click.option("--text", required=True, help="The notice itself; the footer setting is added.")
def send_notice(group_name: str, subject: str, text: str) -> None:
    """Send a notice from the system to every member of a user group."""
    group = UserGroup.get_or_none(UserGroup.name == group_name)
    if group is None:
        raise click.BadParameter(
            f"There is no user group named {group_name!r}.", param_hint="--group"
        )
    recipient_ids = members_to_notify(group)
    if not recipient_ids:
        raise click.BadParameter(
            f"The user group {group_name!r} has no members who can sign in.", param_hint="--group"
        )
    footer = Setting.read(FOOTER_SETTING)
    if footer:
        text = f"{text}\n\n{footer}"
    try:
        messaging.check_subject_and_text(subject, text, current_app.config)
        conversation = messaging.start_conversation(
            sender=None,
            recipient_ids=recipient_ids,
            subject=subject,
            text=text,
            message_type=NOTICE,
        )
    except messaging.SendError as error:
        raise click.ClickException(error.message) from error
    members = "1 member" if len(recipient_ids) == 1 else f"{len(recipient_ids)} members"
    click.echo(f"Sent notice {conversation.uid} to {members} of {group.name}.")
