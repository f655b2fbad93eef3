"""The "To org unit" field of the compose page (the ``compose`` slot) and its live count.

The field posts what the compose page already understands: each chosen unit or group as
``recipient=orgUnit:<uid>`` (``orgUnitGroup:<uid>``), the Add and Remove buttons as
``add=``/``remove=``, and the "include sub-units" checkbox as the ``include_subunits``
option. Its own search box (``org_unit_q``) and button are options the page ignores and
hands back to this slot, so searching works without JavaScript.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app, render_template
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from kernel.contributions import RecipientOption, RecipientSelection
from kernel.messaging import SendError, check_recipient_count, resolve_selection
from kernel.models import User
from kernel.plugins import current_hooks
from plugins.orgunit_routing.models import OrgUnit, OrgUnitGroup
from plugins.orgunit_routing.recipients import (
    INCLUDE_SUBUNITS,
    ORG_UNIT,
    ORG_UNIT_GROUP,
    include_subunits,
)

QUERY_KEY = "org_unit_q"
SEARCH_KEY = "org_unit_search"
MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 100
SEARCH_LIMIT = 10
GROUPS_SHOWN = 20
OWN_KINDS = (ORG_UNIT, ORG_UNIT_GROUP)
# As the compose page reads picks: DHIS2 uids, or codes of other kinds.
_PICK_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


@dataclass
class OrgUnitHits:
    query: str
    options: list[RecipientOption]
    note: str


def clean_query(text: str) -> str:
    # PostgreSQL refuses NUL; control characters never belong in a name.
    return "".join(ch for ch in text if ch.isprintable()).strip()[:MAX_QUERY_LENGTH]


def find_hits(query: str, chosen: Iterable[tuple[str, str]] = ()) -> OrgUnitHits | None:
    """Org units (that reach somebody) and org unit groups matching ``query``."""
    query = clean_query(query)
    if not query:
        return None
    if len(query) < MIN_QUERY_LENGTH:
        return OrgUnitHits(query, [], f"Type at least {MIN_QUERY_LENGTH} characters to search.")
    taken = set(chosen)
    units = [
        RecipientOption(
            kind=ORG_UNIT, id=u.uid, label=u.name, description=f"org unit, level {u.level}"
        )
        for u in OrgUnit.search(query, SEARCH_LIMIT)
    ]
    groups = [
        RecipientOption(kind=ORG_UNIT_GROUP, id=g.uid, label=g.name, description="org unit group")
        for g in OrgUnitGroup.search(query, SEARCH_LIMIT)
    ]
    options = [o for o in units + groups if (o.kind, o.id) not in taken]
    if not options:
        return OrgUnitHits(query, [], f"No org units or org unit groups match “{query}”.")
    count = f"{len(options)} match" + ("es" if len(options) != 1 else "")
    return OrgUnitHits(query, options, f"{count} for “{query}”.")


def selection_from(values: MultiDict) -> RecipientSelection:
    """The recipients and options of the compose form, as its Send button would read them.

    :raises ValueError: for a value that is no ``kind:uid`` of a declared kind.
    """
    kinds = {kind.key for kind in current_hooks().recipient_kinds()}
    ids: dict[str, list[str]] = {}
    for value in values.getlist("recipient"):
        kind, colon, uid = value.strip().partition(":")
        if not colon or kind not in kinds or not _PICK_ID.match(uid):
            raise ValueError(f"Unknown recipient “{value[:80]}”.")
        if uid not in ids.setdefault(kind, []):
            ids[kind].append(uid)
    cap = current_app.config.get("MAX_RECIPIENTS")
    if cap and sum(len(v) for v in ids.values()) > cap:
        raise ValueError(f"At most {cap:,} recipients may be chosen.")
    options = {INCLUDE_SUBUNITS: values.get(INCLUDE_SUBUNITS, "")}
    return RecipientSelection(ids=ids, options=options)


def reach_note(selection: RecipientSelection, user: User) -> str:
    """“Reaches N people”, or why the selection cannot be counted."""
    if selection.is_empty():
        return "Choose recipients to see how many people they reach."
    try:
        reached = resolve_selection(selection) - {user.id}
        check_recipient_count(len(reached), current_app.config)
    except SendError as error:
        return error.message
    if not reached:
        return "Reaches nobody: no active users are assigned there."
    return f"Reaches {len(reached):,} {'person' if len(reached) == 1 else 'people'}."


def render_field(user: User, context: Mapping[str, Any]) -> Markup:
    """The field as the user left it: chosen units and groups, search hits, the count."""
    from plugins.orgunit_routing.views import children_of

    values: MultiDict = context.get("values") or MultiDict()
    chosen = [r for r in context.get("recipients", []) if r.kind in OWN_KINDS]
    query = clean_query(values.get(QUERY_KEY, ""))
    hits = find_hits(query, ((r.kind, r.id) for r in chosen))
    roots, total = children_of(None)
    groups = list(OrgUnitGroup.select().order_by(OrgUnitGroup.name).limit(GROUPS_SHOWN + 1))
    # Every chosen recipient, as the page will show it (an Add just made included).
    ids: dict[str, list[str]] = {}
    for r in context.get("recipients", []):
        ids.setdefault(r.kind, []).append(r.id)
    selection = RecipientSelection(
        ids=ids, options={INCLUDE_SUBUNITS: values.get(INCLUDE_SUBUNITS, "")}
    )
    note = reach_note(selection, user) if chosen else None
    return Markup(
        render_template(
            "orgunit_routing/compose_field.html",
            chosen=chosen,
            query=query,
            hits=hits,
            children=roots,
            total=total,
            parent=None,
            mode="pick",
            groups=groups[:GROUPS_SHOWN],
            more_groups=len(groups) > GROUPS_SHOWN,
            taken={(r.kind, r.id) for r in chosen},
            include_subunits=include_subunits(selection),
            reach=note,
        )
    )
