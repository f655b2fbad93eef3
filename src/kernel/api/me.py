"""``/api/me`` (the caller, with groups, roles and authorities) and ``/api/me/dashboard``."""

from __future__ import annotations

from flask import Blueprint, request
from werkzeug.wrappers import Response

from kernel.api import people
from kernel.api.context import current_caller
from kernel.api.envelopes import json_response
from kernel.api.extensions import extended
from kernel.api.fields import render_one, selection_from
from kernel.api.openapi import FIELDS, documented
from kernel.models import Participant

blueprint = Blueprint("api_me", __name__, url_prefix="/api")

ME_FIELDS = (
    "id,username,firstName,surname,name,displayName,email,created,lastLogin,"
    "authorities,userGroups[id,name],userRoles[id,name]"
)


@blueprint.get("/me")
@documented([FIELDS])
def me() -> Response:
    """The signed-in user: names, e-mail, authorities, user groups and roles."""
    caller = current_caller()
    # Everyone may see all of their own record, so the full view whatever the authorities.
    schema, _ = extended("users", people.FULL_USER, [], caller)
    selection = selection_from(request.args, ME_FIELDS)
    return json_response(render_one(caller.user, schema, selection, caller))


@blueprint.get("/me/dashboard")
def dashboard() -> Response:
    """Unread counts for the header bar's badge."""
    body = {
        "unreadMessageConversations": Participant.unread_count(current_caller().user),
        # Mailroom has no interpretations; DHIS2 clients expect the key.
        "unreadInterpretations": 0,
    }
    return json_response(body, headers={"Cache-Control": "no-store"})
