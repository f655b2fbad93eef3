"""Per-request plumbing: database connection, current user, sign-in requirement, headers."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, redirect, request, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response

from kernel.api.auth import authenticate_api_request, is_api_request, uses_header_credentials
from kernel.auth import load_current_user
from kernel.db import database
from kernel.plugins import current_hooks

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    # No inline script or style anywhere: htmx is configured through a <meta> tag.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    ),
}


def init_app(app: Flask) -> None:
    app.before_request(_open_connection)
    app.before_request(_require_sign_in)
    # After sign-in, because whether a request needs a CSRF token depends on how it
    # authenticated (see kernel.app, which turns Flask-WTF's own early check off).
    app.before_request(_protect_against_csrf)
    app.teardown_request(_close_connection)
    app.after_request(_add_security_headers)
    app.jinja_env.globals.update(slot=_slot, message_types=lambda: current_hooks().message_types())


def _open_connection() -> None:
    database.connect(reuse_if_open=True)


def _close_connection(_exc: BaseException | None) -> None:
    if not database.is_closed():
        database.close()


def _require_sign_in() -> Response | None:
    view = request.endpoint and _view_function(request.endpoint)
    if is_api_request():
        # The API answers 401 JSON rather than redirecting to a login page.
        authenticate_api_request(anonymous_ok=getattr(view, "is_public", False))
        return None
    user = load_current_user(with_unread_count=getattr(view, "counts_unread", False))
    if user is not None or request.endpoint == "static" or getattr(view, "is_public", False):
        return None
    if request.htmx:
        # A partial request cannot follow a redirect into a page; ask htmx to navigate.
        response = Response(status=401)
        response.headers["HX-Redirect"] = url_for("auth.login")
        return response
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _protect_against_csrf() -> None:
    """Every state change needs the CSRF token, except API calls that carry their own
    credentials (Basic or a token) in a header: a cookie alone never suffices."""
    if not current_app.config.get("WTF_CSRF_ENABLED", True) or uses_header_credentials():
        return
    current_app.extensions["csrf"].protect(apply_exemptions=True)


def _view_function(endpoint: str):
    return current_app.view_functions.get(endpoint)


def _add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if "HX-Request" in request.headers or request.endpoint not in (None, "static"):
        response.vary.add("HX-Request")
    return response


def _slot(name: str, context: dict[str, Any] | None = None) -> Markup:
    """``{{ slot("inbox", {"folder": folder}) }}``: what plugins add at that place."""
    return current_hooks().template_slot(name, g.get("user"), context)
