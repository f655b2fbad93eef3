"""Signing in and out: the session, the current user, and throttling of failed logins."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from flask import current_app, g, session

from kernel.models import LoginFailure, Participant, User
from kernel.models.clock import utcnow
from kernel.passwords import verify_password

View = TypeVar("View", bound=Callable)


def public(view: View) -> View:
    """Mark a view as reachable without signing in; every other view requires a user."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def counts_unread(view: View) -> View:
    """Mark a view that needs the user's unread count: the user and the count are loaded
    in one statement, saving a round trip on the badge, which every open page polls."""
    view.counts_unread = True  # type: ignore[attr-defined]
    return view


class LoginThrottled(Exception):
    pass


def _recent_failures(username: str) -> int:
    window = timedelta(seconds=current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"])
    return (
        LoginFailure.select()
        .where((LoginFailure.username == username) & (LoginFailure.at > utcnow() - window))
        .count()
    )


def authenticate(username: str, password: str, remote_addr: str | None) -> User | None:
    """The user for these credentials, or None; raises LoginThrottled after too many failures.

    Failures are counted per username in the database, so every server process sees them.
    """
    if "\x00" in username or "\x00" in password:
        # No account has one, and PostgreSQL cannot even store it in the failure log.
        return None
    if _recent_failures(username) >= current_app.config["LOGIN_MAX_FAILURES"]:
        raise LoginThrottled()
    user = User.by_username(username)
    if user is None or user.disabled or not verify_password(user.password_hash, password):
        LoginFailure.create(username=username[:255], remote_addr=remote_addr)
        return None
    LoginFailure.delete().where(LoginFailure.username == username).execute()
    User.update(last_login=utcnow()).where(User.id == user.id).execute()
    return user


def log_in(user: User) -> None:
    # A fresh session on login, so a session id planted before login is worthless.
    session.clear()
    session["user_id"] = user.id
    session.permanent = True


def log_out() -> None:
    session.clear()


def load_current_user(with_unread_count: bool = False) -> User | None:
    """The signed-in user (in ``g.user``), or None; with ``with_unread_count`` their
    unread count too, from the same statement (in ``g.unread_count``)."""
    user_id = session.get("user_id")
    user = None
    if isinstance(user_id, int):
        sql, params = _user_statement(with_unread_count, user_id)
        user = next(iter(User.raw(sql, *params)), None)
    if user is not None and user.disabled:
        session.clear()
        user = None
    g.user = user
    if user is not None and with_unread_count:
        g.unread_count = user.unread_count
    return user


# Compiling the user's statement with peewee took a quarter of a badge poll, on every
# request; it differs only by the id, so it is compiled once per database kind with a
# stand-in id that is then replaced in the parameters.
_STAND_IN_ID = -7_301_954_112
_COMPILED: dict[tuple[type, bool], tuple[str, list]] = {}


def _user_statement(with_unread_count: bool, user_id: int) -> tuple[str, list]:
    key = (type(User._meta.database.obj), with_unread_count)
    if key not in _COMPILED:
        columns = [User]
        if with_unread_count:
            count = Participant.unread_count_of(_STAND_IN_ID).alias("unread_count")
            columns.append(count)
        query = User.select(*columns).where(User.id == _STAND_IN_ID).limit(1)
        _COMPILED[key] = query.sql()
    sql, params = _COMPILED[key]
    return sql, [user_id if value == _STAND_IN_ID else value for value in params]
