"""The dashboard (links and the unread message queue) and the unread badge."""

from __future__ import annotations

from flask import Blueprint, g, make_response, render_template, request
from werkzeug.wrappers import Response

from kernel.auth import counts_unread
from kernel.models import Participant
from kernel.plugins import current_hooks
from kernel.web.sessions import background_poll

blueprint = Blueprint("dashboard", __name__)


@blueprint.get("/")
def index() -> str:
    folders = [message_type.key for message_type in current_hooks().message_types()]
    return render_template("dashboard.html", queue=Participant.unread_queue(g.user, folders))


@blueprint.get("/badge")
@counts_unread
@background_poll
def badge() -> Response:
    """The unread count in the header; polled by htmx, 304 with no body when unchanged."""
    count = g.unread_count
    etag = f"unread-{g.user.id}-{count}"
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304)
    else:
        response = make_response(render_template("partials/badge.html", unread=count))
    response.set_etag(etag, weak=True)
    # Revalidate on every poll: the ETag makes an unchanged answer cost a few bytes.
    response.headers["Cache-Control"] = "private, no-cache"
    return response
