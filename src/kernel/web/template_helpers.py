"""Jinja filters and globals shared by every page."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, g
from markupsafe import Markup, escape

from kernel.access import is_superuser
from kernel.models import Participant


def when(moment: datetime | None) -> Markup:
    """A UTC time as a machine-readable <time> with a short human form."""
    if moment is None:
        return Markup("")
    return Markup('<time datetime="{}Z">{}</time>').format(
        moment.isoformat(timespec="seconds"), moment.strftime("%d %b %Y, %H:%M UTC")
    )


def enum_label(value: str | None) -> str:
    """DHIS2 enum names as people read them: SOLVED → Solved, NONE → –."""
    if not value or value == "NONE":
        return "–"
    return str(escape(value.replace("_", " ").capitalize()))


def unread_count() -> int:
    user = g.get("user")
    return Participant.unread_count(user) if user else 0


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(when=when, enum_label=enum_label)
    app.jinja_env.globals.update(unread_count=unread_count, is_superuser=is_superuser)
