"""The profile page: who the user is, and their personal access tokens for the Web API.

A new token is shown once, on the page the creation redirects to; only its hash is kept.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response

from kernel.models import ApiToken, UserGroup, UserGroupMember
from kernel.models.clock import utcnow
from kernel.uid import find_by_uid

blueprint = Blueprint("profile", __name__)

MAX_NAME_LENGTH = 100
MAX_TOKENS_PER_USER = 50
# Where the new token waits for the next page view; popped there, so it shows once.
NEW_TOKEN_KEY = "new_api_token"


def _groups() -> list[UserGroup]:
    return list(
        UserGroup.select()
        .join(UserGroupMember)
        .where(UserGroupMember.user == g.user)
        .order_by(UserGroup.name)
    )


def _page(status: int = 200, **context) -> Response:
    response = make_response(
        render_template(
            "profile.html",
            groups=_groups(),
            tokens=ApiToken.owned_by(g.user),
            today=utcnow().date().isoformat(),
            new_token=session.pop(NEW_TOKEN_KEY, None),
            errors=context.pop("errors", {}),
            **context,
        ),
        status,
    )
    # The page can hold a token in clear: keep it out of every cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.get("/profile")
def show() -> Response:
    return _page()


def _expiry(raw: str) -> tuple[datetime | None, str | None]:
    """The moment a token expires (the end of the chosen UTC day), or an error."""
    if not raw:
        return None, None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return None, "Enter the expiry date as YYYY-MM-DD, or leave it empty."
    if day < utcnow().date():
        return None, "The expiry date is in the past."
    if day == date.max:  # the end of that day is past the calendar
        return None, "Choose an expiry date before 9999-12-31, or leave it empty."
    return datetime.combine(day + timedelta(days=1), time()), None


@blueprint.post("/profile/tokens")
def create_token() -> Response:
    name = request.form.get("name", "").strip()
    raw_expiry = request.form.get("expires", "").strip()
    errors = {}
    if not name:
        errors["name"] = "Name the token after what will use it, e.g. “Backup script”."
    elif len(name) > MAX_NAME_LENGTH:
        errors["name"] = f"Use at most {MAX_NAME_LENGTH} characters."
    elif "\x00" in name:
        # PostgreSQL cannot store it (SQLite can): refused alike on both.
        errors["name"] = "The name contains a NUL character (code 0), which cannot be stored."
    expires, expiry_error = _expiry(raw_expiry)
    if expiry_error:
        errors["expires"] = expiry_error
    if len(ApiToken.owned_by(g.user)) >= MAX_TOKENS_PER_USER:
        errors["name"] = f"You have {MAX_TOKENS_PER_USER} tokens; revoke one first."
    if errors:
        return _page(400, errors=errors, form={"name": name, "expires": raw_expiry})
    _, token = ApiToken.issue(g.user, name, expires)
    session[NEW_TOKEN_KEY] = {"name": name, "token": token}
    return redirect(url_for(".show", _anchor="new-token"), code=303)


@blueprint.post("/profile/tokens/<uid>/revoke")
def revoke_token(uid: str) -> Response | str:
    token = find_by_uid(ApiToken, uid, ApiToken.owner == g.user)
    if token is None:
        abort(404)
    if request.form.get("confirm") != "yes":
        return render_template("confirm_revoke_token.html", token=token)
    ApiToken.delete().where(ApiToken.id == token.id).execute()
    flash(f"Token “{token.name}” revoked: programs using it can no longer sign in.")
    return redirect(url_for(".show"), code=303)
