"""DHIS2 metadata import of ``organisationUnits``, ``organisationUnitGroups`` and users'
``organisationUnits`` (their assignments).

The hierarchy is worked out in Python from one read of every stored unit and the file:
parents may come after their children, a moved unit takes its subtree along, and a cycle
or an unknown parent refuses the objects concerned (never the whole import). Rows are then
written in bulk, level by level, so 50,000 units take a few statements per level.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from kernel.db import database
from kernel.metadata import ErrorReport, ImportStrategy, SectionJob
from kernel.metadata import errors as dhis2_errors
from kernel.metadata.steps import (
    Incoming,
    ObjectReader,
    check_unique,
    chunked,
    delete_in,
    delete_named,
    ids_by_uid,
    insert_new,
    insert_rows,
    match_existing,
    read_objects,
    refuse,
    resolve_references,
    rows_to_delete,
    select_in,
    still_in,
)
from kernel.uid import is_valid_uid
from plugins.orgunit_routing.hierarchy import MAX_DEPTH, refresh_assignment_counts
from plugins.orgunit_routing.models import OrgUnit, OrgUnitGroup, OrgUnitGroupMember, UserOrgUnit

UNITS_KLASS = "OrganisationUnit"
GROUPS_KLASS = "OrganisationUnitGroup"
# Once per import: assignment counts follow moved and deleted units.
_REFRESH_KEY = "orgunit_routing.refresh_counts"


def cycle(uid: str | None) -> ErrorReport:
    return ErrorReport(
        f"Organisation unit {uid or '(new)'} would be its own ancestor: its `parent` "
        "chain leads back to it.",
        "E4030",
        error_property="parent",
    )


def too_deep(uid: str | None) -> ErrorReport:
    return ErrorReport(
        f"Organisation unit {uid or '(new)'} would be more than {MAX_DEPTH} levels deep.",
        "E4031",
        error_property="parent",
    )


def has_sub_units(uid: str) -> ErrorReport:
    return ErrorReport(
        f"Organisation unit {uid} has sub-units that are not deleted with it.",
        "E4030",
        error_property="children",
    )


def _refresh_counts_after(job: SectionJob) -> None:
    if not job.shared.get(_REFRESH_KEY):
        job.shared[_REFRESH_KEY] = True
        job.after(refresh_assignment_counts)


def _update_many(sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """One prepared UPDATE for many rows: far cheaper than a query per row."""
    if not rows:
        return
    cursor = database.cursor()
    for chunk in chunked(list(rows), 1000):
        cursor.executemany(sql.replace("?", database.param), chunk)


# --- organisationUnits ------------------------------------------------------------------


def import_units(objects: list[Any], job: SectionJob) -> None:
    items = read_objects(objects, job)
    if job.strategy is ImportStrategy.DELETE:
        _delete_units(items, job)
    else:
        _create_or_update_units(items, job)
    job.advance(len(objects))


def _delete_units(items: list[Incoming], job: SectionJob) -> None:
    ids = rows_to_delete(items, OrgUnit, job)
    doomed = set(ids)
    row_ids = ids_by_uid(OrgUnit, (item.uid for item in still_in(items, job)))
    for item in still_in(items, job):
        item.row_id = row_ids[item.uid]
    # Children that stay block their parent's deletion (checked in Python: the doomed ids
    # may be far more than one statement may bind).
    kept_parents = {
        parent_id
        for child_id, parent_id in select_in([OrgUnit.id, OrgUnit.parent], OrgUnit.parent, ids)
        if child_id not in doomed
    }
    for item in still_in(items, job):
        if item.row_id in kept_parents:
            refuse(job, item, has_sub_units(item.uid))
    # Level by level, deepest first: a parent row may go only once its children have.
    rows = [
        (row.level, row.id)
        for chunk in chunked(ids)
        for row in OrgUnit.select(OrgUnit.id, OrgUnit.level).where(OrgUnit.id.in_(list(chunk)))
    ]
    gone = {item.row_id for item in still_in(items, job)}
    by_level: dict[int, list[int]] = {}
    for level, row_id in rows:
        if row_id in gone:
            by_level.setdefault(level, []).append(row_id)
    for level in sorted(by_level, reverse=True):
        delete_in(OrgUnit.id, by_level[level])
    job.deleted(len(gone))
    _refresh_counts_after(job)


def _read_unit(item: Incoming, job: SectionJob) -> None:
    reader = ObjectReader(item, job)
    item.values = {
        "name": reader.text("name", OrgUnit.name.max_length, required=True),
        "short_name": reader.text("shortName", OrgUnit.short_name.max_length),
        "code": reader.text("code", OrgUnit.code.max_length),
    }
    if "parent" not in item.data:
        item.values["parent"] = ...  # keep the stored parent (a root when new)
        return
    parent = item.data["parent"]
    if parent is None:
        item.values["parent"] = None
        return
    uid = parent.get("id") if isinstance(parent, dict) else None
    if not isinstance(uid, str) or not is_valid_uid(uid):
        reader.refuse(dhis2_errors.bad_uid("parent", uid if uid is not None else parent))
    else:
        item.values["parent"] = uid


class _StoredUnit:
    __slots__ = ("id", "uid", "name", "short_name", "code", "parent_uid", "level", "path")


def _stored_units() -> dict[str, _StoredUnit]:
    """Every stored unit by uid, in one query (the hierarchy is needed whole to place
    moved subtrees and to find cycles)."""
    cursor = database.execute_sql(
        'SELECT u."id", u."uid", u."name", u."short_name", u."code", p."uid", u."level", '
        'u."path" FROM "orgunit_org_unit" u '
        'LEFT JOIN "orgunit_org_unit" p ON p."id" = u."parent_id"'
    )
    stored: dict[str, _StoredUnit] = {}
    for row in cursor.fetchall():
        unit = _StoredUnit()
        (
            unit.id,
            unit.uid,
            unit.name,
            unit.short_name,
            unit.code,
            unit.parent_uid,
            unit.level,
            unit.path,
        ) = row
        stored[unit.uid] = unit
    return stored


def _place(
    items: list[Incoming], stored: dict[str, _StoredUnit], job: SectionJob
) -> dict[str, str | None]:
    """Every unit's parent uid once the file is applied, refusing objects with an unknown
    parent, in a cycle or too deep until the rest forms a tree."""
    while True:
        parent_of: dict[str, str | None] = {uid: unit.parent_uid for uid, unit in stored.items()}
        for item in items:
            wanted = item.values["parent"]
            if wanted is ...:
                wanted = stored[item.uid].parent_uid if item.uid in stored else None
            parent_of[item.uid] = wanted
        by_uid = {item.uid: item for item in items}
        refused = False
        for item in items:
            parent = parent_of[item.uid]
            if parent is not None and parent not in parent_of:
                refuse(
                    job,
                    item,
                    dhis2_errors.invalid_reference(
                        parent, UNITS_KLASS, item.reported_uid, UNITS_KLASS, "parent"
                    ),
                )
                refused = True
        if not refused:
            depth: dict[str, int] = {}
            for item in items:
                trail: list[str] = []
                uid: str | None = item.uid
                while uid is not None and uid not in depth and uid not in trail:
                    trail.append(uid)
                    uid = parent_of.get(uid)
                if uid is not None and uid in trail:
                    # A cycle: refuse every object of the file that is on it.
                    for member in trail[trail.index(uid) :]:
                        if member in by_uid:
                            refuse(job, by_uid[member], cycle(by_uid[member].reported_uid))
                    refused = True
                    break
                base = 0 if uid is None else depth[uid]
                for offset, member in enumerate(reversed(trail), start=1):
                    depth[member] = base + offset
            if not refused:
                for item in items:
                    if depth[item.uid] > MAX_DEPTH:
                        refuse(job, item, too_deep(item.reported_uid))
                        refused = True
        if not refused:
            return parent_of
        items[:] = still_in(items, job)


def _paths(parent_of: dict[str, str | None]) -> dict[str, str]:
    """Each unit's ``/root/…/uid`` path, computed once per unit."""
    paths: dict[str, str] = {}
    for start in parent_of:
        trail: list[str] = []
        uid: str | None = start
        while uid is not None and uid not in paths:
            trail.append(uid)
            uid = parent_of[uid]
        prefix = "" if uid is None else paths[uid]
        for member in reversed(trail):
            prefix = f"{prefix}/{member}"
            paths[member] = prefix
    return paths


def _create_or_update_units(items: list[Incoming], job: SectionJob) -> None:
    for item in items:
        _read_unit(item, job)
    items = match_existing(still_in(items, job), OrgUnit, job)
    items = check_unique(items, "code", OrgUnit.code, job)
    stored = _stored_units()
    parent_of = _place(items, stored, job)
    paths = _paths(parent_of)
    new = [item for item in items if item.row_id is None]
    changed_values = [item for item in items if item.row_id is not None]

    # New units level by level, so that each parent's row id is known before its children.
    row_ids = {uid: unit.id for uid, unit in stored.items()}
    by_level: dict[int, list[Incoming]] = {}
    for item in new:
        by_level.setdefault(paths[item.uid].count("/"), []).append(item)
    for level in sorted(by_level):
        batch = by_level[level]
        insert_new(
            OrgUnit,
            batch,
            lambda item, level=level: {
                "name": item.values["name"],
                "short_name": item.values["short_name"] or item.values["name"][:50],
                "code": item.values["code"],
                "parent": row_ids[parent_of[item.uid]] if parent_of[item.uid] else None,
                "level": level,
                "path": paths[item.uid],
            },
        )
        row_ids.update({item.uid: item.row_id for item in batch})

    # Stored units: new names from the file; new places for moved units and their subtrees.
    updates = []
    for item in changed_values:
        unit = stored[item.uid]
        name = item.values["name"]
        short_name = item.values["short_name"] if "shortName" in item.data else unit.short_name
        code = item.values["code"] if "code" in item.data else unit.code
        if (name, short_name, code) != (unit.name, unit.short_name, unit.code):
            updates.append((name, short_name, code, unit.id))
    _update_many(
        'UPDATE "orgunit_org_unit" SET "name"=?, "short_name"=?, "code"=? WHERE "id"=?', updates
    )
    moves = []
    for uid, unit in stored.items():
        if paths[uid] != unit.path or parent_of[uid] != unit.parent_uid:
            parent = parent_of[uid]
            moves.append(
                (row_ids[parent] if parent else None, paths[uid].count("/"), paths[uid], unit.id)
            )
    if moves:
        # Paths are unique: clear the moved ones first so that a swap never collides.
        _update_many(
            'UPDATE "orgunit_org_unit" SET "path"=? WHERE "id"=?',
            [(f"#{m[3]}", m[3]) for m in moves],
        )
        _update_many(
            'UPDATE "orgunit_org_unit" SET "parent_id"=?, "level"=?, "path"=? WHERE "id"=?', moves
        )
        _refresh_counts_after(job)
    job.created(len(new))
    job.updated(len(changed_values))


# --- organisationUnitGroups -------------------------------------------------------------


def import_groups(objects: list[Any], job: SectionJob) -> None:
    items = read_objects(objects, job)
    if job.strategy is ImportStrategy.DELETE:
        delete_named(items, OrgUnitGroup, job)
        job.advance(len(objects))
        return
    for item in items:
        reader = ObjectReader(item, job)
        item.values = {
            "name": reader.text("name", OrgUnitGroup.name.max_length, required=True),
            "code": reader.text("code", OrgUnitGroup.code.max_length),
            "organisationUnits": reader.references("organisationUnits"),
        }
    items = match_existing(still_in(items, job), OrgUnitGroup, job)
    items = check_unique(items, "name", OrgUnitGroup.name, job)
    items = check_unique(items, "code", OrgUnitGroup.code, job)
    units = resolve_references(items, "organisationUnits", OrgUnit, UNITS_KLASS, job)
    items = still_in(items, job)
    new = [item for item in items if item.row_id is None]
    stored = [item for item in items if item.row_id is not None]
    insert_new(
        OrgUnitGroup, new, lambda item: {"name": item.values["name"], "code": item.values["code"]}
    )
    for item in stored:  # groups number in the hundreds: one statement each is fine
        changes = {"name": item.values["name"]}
        if "code" in item.data:
            changes["code"] = item.values["code"]
        OrgUnitGroup.update(**changes).where(OrgUnitGroup.id == item.row_id).execute()
    listed = [item for item in items if item.values["organisationUnits"] is not None]
    delete_in(OrgUnitGroupMember.group, [item.row_id for item in listed])
    insert_rows(
        [OrgUnitGroupMember.group, OrgUnitGroupMember.org_unit],
        ((item.row_id, units[uid]) for item in listed for uid in item.values["organisationUnits"]),
    )
    job.created(len(new))
    job.updated(len(stored))
    job.advance(len(objects))


# --- users' organisationUnits -----------------------------------------------------------


def _referenced(values: Iterable[Any]) -> Iterable[str]:
    for refs in values:
        if isinstance(refs, list):
            for ref in refs:
                if isinstance(ref, dict) and isinstance(ref.get("id"), str):
                    yield ref["id"]


def check_user_units(values: dict[int, Any]) -> dict[int, ErrorReport]:
    """Each user's ``organisationUnits`` must be a list of references to stored units
    (the file's own units are stored by then: their list runs before users)."""
    known = ids_by_uid(OrgUnit, _referenced(values.values()))
    problems: dict[int, ErrorReport] = {}
    for index, refs in values.items():
        if not isinstance(refs, list):
            problems[index] = dhis2_errors.bad_value(
                "organisationUnits", refs, 'a list of {"id": …}'
            )
            continue
        for ref in refs:
            uid = ref.get("id") if isinstance(ref, dict) else None
            if not isinstance(uid, str) or not is_valid_uid(uid):
                problems[index] = dhis2_errors.bad_uid("organisationUnits", uid or ref)
                break
            if uid not in known:
                problems[index] = dhis2_errors.invalid_reference(
                    uid, UNITS_KLASS, None, "User", "organisationUnits"
                )
                break
    return problems


def save_user_units(values: dict[int, Any]) -> None:
    """Replace the assignments of the users the file lists with ``organisationUnits``."""
    known = ids_by_uid(OrgUnit, _referenced(values.values()))
    delete_in(UserOrgUnit.user, list(values))
    insert_rows(
        [UserOrgUnit.user, UserOrgUnit.org_unit],
        {
            (user_id, known[uid])
            for user_id, refs in values.items()
            for uid in dict.fromkeys(_referenced([refs]))
        },
    )
    refresh_assignment_counts()
