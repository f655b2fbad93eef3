"""The kernel's own hook implementations: fallbacks and the filters every folder has.

Registered like any plugin, under the name ``kernel``.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from kernel.contributions import InboxFilter, MetadataSection, MigrationSource
from kernel.hookimpl import hookimpl
from kernel.models import Participant

_LINK = re.compile(r"\bhttps?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")


@hookimpl(trylast=True)
def mailroom_render_message_text(text: str) -> Markup:
    """Plain text, escaped, with http(s) links made clickable (and opened without referrer)."""
    escaped = str(escape(text))
    # Links are found in the escaped text, so the URL is already safe inside an attribute.
    linked = _LINK.sub(
        lambda m: f'<a href="{m.group(0)}" rel="noopener noreferrer nofollow">{m.group(0)}</a>',
        escaped,
    )
    return Markup(linked)


@hookimpl
def mailroom_migrations() -> MigrationSource:
    from pathlib import Path

    return MigrationSource(name="kernel", directory=Path(__file__).parent / "migrations")


@hookimpl
def mailroom_inbox_filters() -> list[InboxFilter]:
    return [
        InboxFilter(
            key="read",
            label="Read state",
            choices=[("unread", "Unread only"), ("read", "Read only")],
            apply=lambda value: Participant.read == (value == "read"),
        ),
        InboxFilter(
            key="followup",
            label="Follow-up",
            choices=[("yes", "Marked for follow-up")],
            apply=lambda value: Participant.follow_up == True,
        ),
    ]


@hookimpl
def mailroom_metadata_sections() -> list[MetadataSection]:
    from kernel.metadata.importer import KERNEL_SECTIONS

    return KERNEL_SECTIONS
