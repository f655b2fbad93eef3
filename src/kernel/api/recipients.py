"""Reading recipients from a DHIS2 JSON body: one list per declared recipient kind.

DHIS2 names its lists ``users``, ``userGroups`` and ``organisationUnits``; here every
:class:`~kernel.contributions.RecipientKind` a plugin declares brings its own list under
its ``api_field``, so a third-party kind is accepted with no code in the API. Whatever
else the body holds as a plain value (``includeSubunits``, …) becomes a selection option,
under its own name and in snake case, for the plugins' resolvers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from kernel.api.envelopes import ApiError
from kernel.contributions import RecipientKind, RecipientSelection
from kernel.uid import is_valid_uid

# Keys of a message body that are never recipient options.
MESSAGE_KEYS = frozenset({"subject", "text", "attachments"})
_CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])([A-Z])")


def snake_case(name: str) -> str:
    """``includeSubunits`` → ``include_subunits``."""
    return _CAMEL_HUMP.sub(r"_\1", name).lower()


def _uids(value: object, api_field: str) -> list[str]:
    if not isinstance(value, list):
        raise ApiError(400, f'"{api_field}" must be a list of objects like {{"id": "<uid>"}}.')
    uids: dict[str, None] = {}
    for item in value:
        uid = item.get("id") if isinstance(item, dict) else item
        if not isinstance(uid, str) or not is_valid_uid(uid):
            raise ApiError(
                400,
                f'"{api_field}" holds {json.dumps(item)[:80]}, which is not {{"id": "<uid>"}} '
                "with an id of 11 letters or digits starting with a letter.",
            )
        uids[uid] = None
    return list(uids)


def _looks_like_recipients(value: object) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(item, dict) and "id" in item for item in value)
    )


def selection_from_body(
    body: Mapping[str, Any],
    kinds: Iterable[RecipientKind],
    extra_options: Mapping[str, Any] | None = None,
) -> RecipientSelection:
    """The recipients named in ``body``, one list per kind's ``api_field``.

    :param body: the parsed JSON object.
    :param kinds: the declared recipient kinds (``current_hooks().recipient_kinds()``).
    :param extra_options: further options (the query string); the body's win.
    :raises ApiError: 400 for a list that is not of ``{"id": "<uid>"}`` objects; 409 for a
        list of recipients no enabled plugin knows (``organisationUnits`` without
        orgunit_routing), since sending to fewer people than asked would go unnoticed.
    """
    by_field = {kind.api_field: kind for kind in kinds}
    ids: dict[str, list[str]] = {}
    options: dict[str, Any] = {}
    for source in (extra_options or {}, body):
        for key, value in source.items():
            if key in MESSAGE_KEYS or key in by_field:
                continue
            if isinstance(value, str | bool | int | float):
                options[key] = value
                options[snake_case(key)] = value
    for key, value in body.items():
        if key in by_field:
            if value is not None:
                uids = _uids(value, key)
                if uids:
                    ids[by_field[key].key] = uids
        elif key not in MESSAGE_KEYS and _looks_like_recipients(value):
            accepted = ", ".join(sorted(by_field)) or "none"
            raise ApiError(
                409,
                f'"{key}" are not recipients on this server; it accepts: {accepted}.',
            )
    return RecipientSelection(ids=ids, options=options)


def picked_count(selection: RecipientSelection) -> int:
    """How many uids the selection names, over all kinds."""
    return sum(len(uids) for uids in selection.ids.values())
