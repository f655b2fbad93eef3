"""Who is calling the Web API: HTTP Basic, a personal access token, or the browser session.

``Authorization: Basic …`` checks the password like the login form does, so failures count
toward the same per-user throttle. ``Authorization: ApiToken <token>`` looks up a personal
access token. Without an ``Authorization`` header the session cookie is used, and then
state-changing calls need the CSRF token (checked in :mod:`kernel.web.requests`), exactly
like the pages' forms. Every refusal is a 401 JSON envelope with ``WWW-Authenticate``.
"""

from __future__ import annotations

import base64
from urllib.parse import urlsplit

from flask import current_app, g, request

from kernel.api.envelopes import ApiError
from kernel.auth import LoginThrottled, authenticate, load_current_user
from kernel.models import ApiToken, User

API_PREFIX = "/api"
CHALLENGE = {"WWW-Authenticate": 'Basic realm="Mailroom"'}
# Requests whose credentials a browser does not attach by itself.
HEADER_CREDENTIALS = ("basic", "token")
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def is_api_request() -> bool:
    """True for every path under ``/api``, plugin routes included."""
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, message, CHALLENGE)


def _basic_user(credentials: str) -> User:
    try:
        decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
    except ValueError:
        # binascii.Error and UnicodeDecodeError are ValueErrors, and so is the refusal of a
        # header holding characters outside ASCII (headers arrive decoded as Latin-1).
        raise _unauthorized("Malformed Basic credentials.") from None
    username, colon, password = decoded.partition(":")
    if not colon or not username or not password:
        raise _unauthorized("Basic credentials need a username and a password.")
    try:
        user = authenticate(username, password, request.remote_addr)
    except LoginThrottled:
        window = current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"]
        raise ApiError(
            429,
            "Too many failed sign-in attempts for this user. "
            f"Wait {window // 60} minutes and try again.",
            {"Retry-After": str(window)},
        ) from None
    if user is None:
        raise _unauthorized("Wrong username or password, or the account is disabled.")
    return user


def _token_user(token: str) -> User:
    user = ApiToken.owner_of(token.strip()) if token.strip() else None
    if user is None:
        raise _unauthorized("The API token is unknown, revoked or expired.")
    return user


def authenticate_api_request(anonymous_ok: bool = False) -> None:
    """Set ``g.user`` and ``g.api_auth`` (``basic``, ``token`` or ``session``) for an API call.

    :param anonymous_ok: the view is public (``kernel.auth.public``); credentials that are
        sent are still checked.

    :raises ApiError: 401 without valid credentials, 429 when Basic logins are throttled,
        403 for a state-changing call from another site's page.
    """
    _refuse_cross_site_writes()
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, credentials = header.partition(" ")
        if scheme.lower() == "basic":
            g.user, g.api_auth = _basic_user(credentials), "basic"
        elif scheme.lower() == "apitoken":
            g.user, g.api_auth = _token_user(credentials), "token"
        else:
            raise _unauthorized(
                f"Unsupported authorization scheme '{scheme}'; use Basic or ApiToken."
            )
        return
    user = load_current_user()
    if user is None and not anonymous_ok:
        raise _unauthorized("Authentication required: use Basic credentials or an API token.")
    g.api_auth = "session" if user is not None else None


def _refuse_cross_site_writes() -> None:
    # Browsers replay remembered Basic credentials on requests other sites trigger, and such
    # requests are exempt from CSRF tokens; a page elsewhere has no business writing here.
    if request.method not in UNSAFE_METHODS:
        return
    origin = request.headers.get("Origin")
    if request.headers.get("Sec-Fetch-Site") == "cross-site" or (
        origin and urlsplit(origin).netloc != request.host
    ):
        raise ApiError(403, "Cross-site requests may not change anything through the API.")


def uses_header_credentials() -> bool:
    """True when the call authenticated with Basic or a token, which need no CSRF token."""
    return g.get("api_auth") in HEADER_CREDENTIALS
