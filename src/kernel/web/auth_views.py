"""Login and logout pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from kernel.auth import LoginThrottled, authenticate, log_in, log_out, public

blueprint = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the login form cannot redirect users elsewhere."""
    if not target:
        return url_for("dashboard.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("dashboard.index")
    return target


@blueprint.route("/login", methods=["GET", "POST"])
@public
def login() -> Response | tuple[str, int] | str:
    next_url = request.values.get("next")
    if request.method == "GET":
        if g.get("user"):
            return redirect(_safe_next(next_url))
        return render_template("login.html", next=next_url, username="")
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    if not username or not password:
        return render_template(
            "login.html",
            next=next_url,
            username=username,
            error="Enter your username and password.",
        ), 400
    try:
        user = authenticate(username, password, request.remote_addr)
    except LoginThrottled:
        return render_template(
            "login.html",
            next=next_url,
            username=username,
            error="Too many failed sign-in attempts for this user. Wait 15 minutes and try again.",
        ), 429
    if user is None:
        return render_template(
            "login.html", next=next_url, username=username, error="Wrong username or password."
        ), 401
    log_in(user)
    return redirect(_safe_next(next_url), code=303)


@blueprint.post("/logout")
@public
def logout() -> Response:
    log_out()
    return redirect(url_for("auth.login"), code=303)
