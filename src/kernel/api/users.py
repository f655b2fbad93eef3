"""Read-only ``/api/users`` and ``/api/userGroups``: lists with the DHIS2 pager, and one each.

Every signed-in caller may list users and groups, seeing only the public view of a user;
ALL users see the full view (:mod:`kernel.api.people`).
"""

from __future__ import annotations

from flask import Blueprint, request
from werkzeug.wrappers import Response

from kernel.api import people
from kernel.api.context import current_caller
from kernel.api.envelopes import ApiError, json_response
from kernel.api.extensions import extended
from kernel.api.fields import render_one, selection_from
from kernel.api.lists import list_response
from kernel.api.openapi import FIELDS, LIST_PARAMETERS, documented
from kernel.models import User, UserGroup
from kernel.uid import find_by_uid

blueprint = Blueprint("api_users", __name__, url_prefix="/api")

# Groups are few (hundreds nationally), so a client may fetch them all at once.
GROUPS_UNPAGED_LIMIT = 5000


@blueprint.get("/users")
@documented(LIST_PARAMETERS)
def users() -> Response:
    """List users (public fields; e-mail, groups and roles only for ALL)."""
    caller = current_caller()
    schema, properties = extended(
        "users", people.user_schema(caller), people.user_properties(caller), caller
    )
    return list_response(
        "users",
        User.select(),
        User.select(User.id),
        schema=schema,
        properties=properties,
        context=caller,
        default_order=[User.first_name.asc(), User.surname.asc()],
        tiebreak=[User.id.asc()],
    )


@blueprint.get("/users/<uid>")
@documented([FIELDS])
def user(uid: str) -> Response:
    """One user by id."""
    caller = current_caller()
    found = find_by_uid(User, uid)
    if found is None:
        raise ApiError(404, f"User with id {uid} could not be found.")
    schema, _ = extended("users", people.user_schema(caller), [], caller)
    selection = selection_from(request.args, "*")
    return json_response(render_one(found, schema, selection, caller))


@blueprint.get("/userGroups")
@documented(LIST_PARAMETERS)
def user_groups() -> Response:
    """List user groups (members only for ALL)."""
    caller = current_caller()
    schema, properties = extended(
        "userGroups", people.group_schema(caller), people.group_properties(caller), caller
    )
    return list_response(
        "userGroups",
        UserGroup.select(),
        UserGroup.select(UserGroup.id),
        schema=schema,
        properties=properties,
        context=caller,
        default_order=[UserGroup.name.asc()],
        tiebreak=[UserGroup.id.asc()],
        unpaged_limit=GROUPS_UNPAGED_LIMIT,
    )


@blueprint.get("/userGroups/<uid>")
@documented([FIELDS])
def user_group(uid: str) -> Response:
    """One user group by id."""
    caller = current_caller()
    found = find_by_uid(UserGroup, uid)
    if found is None:
        raise ApiError(404, f"UserGroup with id {uid} could not be found.")
    schema, _ = extended("userGroups", people.group_schema(caller), [], caller)
    selection = selection_from(request.args, "*")
    return json_response(render_one(found, schema, selection, caller))
