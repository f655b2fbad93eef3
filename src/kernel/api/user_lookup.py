"""``/api/userLookup``: find users by name for a recipient picker (DHIS2's user lookup).

Every signed-in caller may look users up, as in DHIS2; the answer shows only what the
public view of a user shows, and only enabled users, who can receive messages.
"""

from __future__ import annotations

from flask import Blueprint, request
from werkzeug.wrappers import Response

from kernel.api.envelopes import ApiError, json_response
from kernel.api.openapi import documented, query_parameter
from kernel.models import User

blueprint = Blueprint("api_user_lookup", __name__, url_prefix="/api")

MAX_USERS = 25
MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 100


def _query() -> str:
    query = " ".join((request.args.get("query") or "").split())
    if len(query) < MIN_QUERY_LENGTH:
        raise ApiError(
            400, f"Give a query of at least {MIN_QUERY_LENGTH} characters, e.g. ?query=ana."
        )
    if len(query) > MAX_QUERY_LENGTH:
        raise ApiError(400, f"The query is longer than {MAX_QUERY_LENGTH} characters.")
    if "\x00" in query:
        raise ApiError(400, "The query contains a NUL character (code 0).")
    return query


@blueprint.get("/userLookup")
@documented(
    [
        {
            **query_parameter(
                "query",
                "Every word must occur in the username, first name or surname; "
                f"at least {MIN_QUERY_LENGTH} characters.",
            ),
            "required": True,
        }
    ]
)
def user_lookup() -> Response:
    """Enabled users whose name or username matches the query, at most 25, by name."""
    users = User.search(_query(), MAX_USERS)
    return json_response(
        {
            "users": [
                {
                    "id": user.uid,
                    "username": user.username,
                    "firstName": user.first_name,
                    "surname": user.surname,
                    "displayName": user.display_name,
                }
                for user in users
            ]
        }
    )
