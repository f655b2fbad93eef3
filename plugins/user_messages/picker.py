"""The recipient picker shared by "Write message" and "Add participants": reading picked
``kind:uid`` values, searching as the user types, and naming what was picked."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kernel.contributions import RecipientKind, RecipientOption, RecipientSelection
from kernel.models import User
from kernel.plugins import current_hooks
from plugins.user_messages.recipients import USER

TO_USER = "to_user"
MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 100
SEARCH_LIMIT = 10
# DHIS2 uids are 11 letters and digits; other kinds may use codes, so allow a little more.
_PICK_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


@dataclass(frozen=True)
class Pick:
    """One chosen recipient: a kind and the uid of a user, group, org unit, …"""

    kind: str
    uid: str

    @property
    def value(self) -> str:
        return f"{self.kind}:{self.uid}"


def parse_pick(value: str, kinds: Mapping[str, RecipientKind]) -> Pick | None:
    """``"user:abc"`` as a Pick, or None when malformed or of a kind no plugin declares."""
    kind, colon, uid = value.strip().partition(":")
    if not colon or kind not in kinds or not _PICK_ID.match(uid):
        return None
    return Pick(kind, uid)


def read_picks(
    values: Iterable[str], kinds: Mapping[str, RecipientKind]
) -> tuple[list[Pick], list[str]]:
    """The picks in the order given, without repeats, and the values that are no pick."""
    picks: list[Pick] = []
    unknown: list[str] = []
    for value in values:
        if not value.strip():
            continue
        pick = parse_pick(value, kinds)
        if pick is None:
            unknown.append(value.strip()[:80])
        elif pick not in picks:
            picks.append(pick)
    return picks, unknown


def selection_of(picks: Iterable[Pick], options: Mapping | None = None) -> RecipientSelection:
    ids: dict[str, list[str]] = {}
    for pick in picks:
        ids.setdefault(pick.kind, []).append(pick.uid)
    return RecipientSelection(ids=ids, options=dict(options or {}))


def named(picks: list[Pick], kinds: Mapping[str, RecipientKind]) -> list[RecipientOption]:
    """Every pick by name, in the order chosen; a pick no plugin names shows its uid."""
    if not picks:
        return []
    described = {
        (option.kind, option.id): option
        for option in current_hooks().describe_recipients(selection_of(picks))
    }
    return [
        described.get((p.kind, p.uid))
        or RecipientOption(kind=p.kind, id=p.uid, label=f"{kinds[p.kind].label} {p.uid}")
        for p in picks
    ]


def to_user_kinds(kinds: Mapping[str, RecipientKind]) -> dict[str, RecipientKind]:
    """The kinds the "To user" field offers: users, groups, and third parties' alike."""
    return {key: kind for key, kind in kinds.items() if kind.field == TO_USER}


def clean_query(query: str) -> str:
    """What was typed, without control characters (PostgreSQL refuses NUL), trimmed."""
    return "".join(ch for ch in query if ch.isprintable()).strip()[:MAX_QUERY_LENGTH]


@dataclass
class Hits:
    """What the search under a "To user" box shows, and what its live region announces."""

    query: str
    options: list[RecipientOption]
    note: str


def find_hits(
    query: str, user: User, kinds: Mapping[str, RecipientKind], chosen: Iterable[Pick] = ()
) -> Hits | None:
    """Users, groups and third-party "To user" kinds matching ``query``, minus those chosen
    and the searching user.

    None for an empty query (nothing to show); no search below two characters.
    """
    query = clean_query(query)
    if not query:
        return None
    if len(query) < MIN_QUERY_LENGTH:
        return Hits(query, [], f"Type at least {MIN_QUERY_LENGTH} characters to search.")
    wanted = to_user_kinds(kinds)
    # Writing to oneself reaches nobody, so the sender is never offered.
    taken = {(p.kind, p.uid) for p in chosen} | {(USER, user.uid)}
    found = [
        hit
        for hit in current_hooks().search_recipients(query, user, limit=SEARCH_LIMIT)
        if hit.kind in wanted
    ]
    options = [hit for hit in found if (hit.kind, hit.id) not in taken]
    if found and not options:
        return Hits(query, [], f"Everyone matching “{query}” is already chosen.")
    if not options:
        return Hits(query, [], f"No users or user groups match “{query}”.")
    count = f"{len(options)} match" + ("es" if len(options) != 1 else "")
    return Hits(query, options, f"{count} for “{query}”.")
