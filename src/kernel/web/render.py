"""One URL, two representations: the whole page, or one block of it for htmx."""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from jinja2_fragments.flask import render_block


def wants_partial() -> bool:
    """True for htmx requests that swap part of a page: not boosted navigation, and not
    htmx restoring a pushed URL (back button), which needs the whole page."""
    htmx = request.htmx
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def page_or_block(template: str, block: str, **context: Any) -> str:
    if wants_partial():
        return render_block(template, block, **context)
    return render_template(template, **context)
