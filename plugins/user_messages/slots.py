"""What this plugin adds to the kernel's pages: "Write message" on the dashboard and above
every inbox folder."""

from __future__ import annotations

from flask import url_for
from markupsafe import Markup


def dashboard_entry() -> Markup:
    return Markup('<li><a href="{}">Write message</a></li>').format(
        url_for("user_messages.compose")
    )


def inbox_entry() -> Markup:
    return Markup('<p class="folder-actions"><a class="button" href="{}">{}</a></p>').format(
        url_for("user_messages.compose"), "Write message"
    )
