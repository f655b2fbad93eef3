"""Reading what clients send: JSON text (every API body goes through :func:`parse_json`),
JSON bodies of conversation ids, and the ``user`` parameter.

Everything is checked before anything changes, and every problem is a 400 saying what
was expected.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from flask import request

from kernel.access import is_superuser
from kernel.api.envelopes import ApiError
from kernel.json_text import JsonTextError, load_json_text
from kernel.models import User
from kernel.uid import find_by_uid, is_valid_uid

MAX_IDS = 1000
# A thousand quoted uids take about 15 kB; anything much larger is not a list of ids.
MAX_BODY_BYTES = 64 * 1024
EXAMPLE = '["a1B2c3D4e5F", "b2C3d4E5f6G"]'


def parse_json(raw: bytes | str) -> object:
    """JSON text as Python values, if every string in it is text a database can store.

    :raises ApiError: 400 for malformed JSON, nesting too deep to parse, or a string holding
        half of a UTF-16 surrogate pair (``"\\ud800"``); see :mod:`kernel.json_text`.
    """
    try:
        return load_json_text(raw)
    except JsonTextError as error:
        raise ApiError(400, f"The body {error}.") from None


def check_uids(values: Iterable[object], what: str = "conversation id") -> list[str]:
    """The values if every one is a DHIS2 uid; duplicates are dropped, order kept.

    :raises ApiError: 400 naming the first value that is not a uid, or when there are
        none or more than 1000.
    """
    uids: dict[str, None] = {}  # a dict keeps the order and drops repeats
    for value in values:
        if not isinstance(value, str) or not is_valid_uid(value):
            raise ApiError(
                400,
                f"{json.dumps(value)} is not a valid {what}: ids are 11 letters or digits "
                "starting with a letter.",
            )
        uids[value] = None
    if not uids:
        raise ApiError(400, f"Name at least one {what}.")
    if len(uids) > MAX_IDS:
        raise ApiError(400, f"Name at most {MAX_IDS} {what}s at once.")
    return list(uids)


def uid_array_body() -> list[str]:
    """The request body as a JSON array of conversation uids, e.g. ``["a1B2c3D4e5F"]``.

    :raises ApiError: 400 for an empty, malformed or wrongly shaped body.
    :raises RequestEntityTooLarge: (413) for a body over 64 kB, before it is read.
    """
    request.max_content_length = MAX_BODY_BYTES
    raw = request.get_data(cache=True, as_text=True)
    if not raw.strip():
        raise ApiError(400, f"Send a JSON array of conversation ids, e.g. {EXAMPLE}.")
    data = parse_json(raw)
    if not isinstance(data, list):
        raise ApiError(400, f"The body must be a JSON array of conversation ids, e.g. {EXAMPLE}.")
    return check_uids(data)


def acting_for(caller: User, *names: str) -> User:
    """The user whose own state a call changes: the caller, or (for ALL users only) the
    user named by the first of ``names`` present in the query string.

    DHIS2 lets any participant change another participant's state this way; Mailroom
    does not.

    :raises ApiError: 403 when a non-ALL caller names someone else, 404 for an unknown user.
    """
    uid = next((request.args[name] for name in names if request.args.get(name)), None)
    if uid is None or uid == caller.uid:
        return caller
    if not is_superuser(caller):
        raise ApiError(403, "You may only change your own copies of conversations.")
    target = find_by_uid(User, uid)
    if target is None:
        raise ApiError(404, f"No user with uid: {uid}")
    return target


def json_body(max_bytes: int, example: str) -> object:
    """The request body parsed as JSON, refused unread when over ``max_bytes``.

    :param example: a short example of what the endpoint expects, for the error message.
    :raises ApiError: 400 for an empty or malformed body (see :func:`parse_json`).
    :raises RequestEntityTooLarge: (413) for a body over ``max_bytes``, before it is read.
    """
    request.max_content_length = max_bytes
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise ApiError(400, f"Send a JSON body, e.g. {example}.")
    return parse_json(raw)


def json_object_body(max_bytes: int, example: str) -> dict:
    """The request body as a JSON object (see :func:`json_body`).

    :raises ApiError: 400 when the body is not a JSON object.
    """
    data = json_body(max_bytes, example)
    if not isinstance(data, dict):
        raise ApiError(400, f"The body must be a JSON object, e.g. {example}.")
    return data
