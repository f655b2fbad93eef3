"""The session cookie: renewed by what people do, not by what an open tab polls."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin

View = TypeVar("View", bound=Callable)


def background_poll(view: View) -> View:
    """Mark a view that pages poll in the background (the unread badge).

    Its answers neither renew nor resend the session cookie: a tab left open must not keep
    a session alive for ever, and a poll that answers 304 stays a few hundred bytes instead
    of carrying a freshly signed cookie every time.
    """
    view.is_background_poll = True  # type: ignore[attr-defined]
    return view


class SessionCookie(SecureCookieSessionInterface):
    """Flask's signed cookie session, except that background polls leave it alone."""

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        if not session.modified and _is_background_poll(app):
            return False
        return super().should_set_cookie(app, session)


def _is_background_poll(app: Flask) -> bool:
    view = app.view_functions.get(request.endpoint) if request.endpoint else None
    return getattr(view, "is_background_poll", False)
