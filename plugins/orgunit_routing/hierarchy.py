"""Changing the hierarchy: creating and moving org units, assigning users, keeping counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from peewee import Value, fn

from kernel.db import database
from plugins.orgunit_routing.models import OrgUnit, UserOrgUnit, subtree_condition

MAX_DEPTH = 10


class HierarchyError(ValueError):
    """The change would break the hierarchy (a cycle, an unknown parent, too deep)."""


def create_org_unit(
    name: str,
    parent: OrgUnit | None = None,
    uid: str | None = None,
    short_name: str | None = None,
    code: str | None = None,
) -> OrgUnit:
    unit = OrgUnit(name=name, short_name=short_name or name[:50], code=code, parent=parent)
    if uid:
        unit.uid = uid
    unit.level = parent.level + 1 if parent else 1
    unit.path = f"{parent.path if parent else ''}/{unit.uid}"
    unit.save(force_insert=True)
    return unit


def move_org_unit(unit: OrgUnit, new_parent: OrgUnit | None) -> None:
    """Re-parent a unit; its whole subtree's paths and levels follow in two statements."""
    if new_parent is not None and (
        new_parent.id == unit.id or new_parent.path.startswith(unit.path + "/")
    ):
        raise HierarchyError(f"{unit.name} cannot be placed under its own sub-unit.")
    # The caller's copy may predate assignment changes made in SQL: read the counts afresh.
    unit.subtree_assignments = OrgUnit.get_by_id(unit.id).subtree_assignments
    old_path, old_level = unit.path, unit.level
    new_path = f"{new_parent.path if new_parent else ''}/{unit.uid}"
    new_level = new_parent.level + 1 if new_parent else 1
    with database.atomic():
        _shift_assignment_counts(unit, -unit.subtree_assignments)
        OrgUnit.update(
            path=Value(new_path).concat(fn.SUBSTR(OrgUnit.path, len(old_path) + 1)),
            level=OrgUnit.level + (new_level - old_level),
        ).where(subtree_condition([old_path])).execute()
        OrgUnit.update(parent=new_parent).where(OrgUnit.id == unit.id).execute()
        unit.path, unit.level, unit.parent = new_path, new_level, new_parent
        _shift_assignment_counts(unit, unit.subtree_assignments)


def _shift_assignment_counts(unit: OrgUnit, delta: int) -> None:
    """Add ``delta`` to the subtree counts of every ancestor of ``unit`` (not itself)."""
    ancestor_uids = unit.path.strip("/").split("/")[:-1]
    if delta and ancestor_uids:
        OrgUnit.update(subtree_assignments=OrgUnit.subtree_assignments + delta).where(
            OrgUnit.uid.in_(ancestor_uids)
        ).execute()


def assign_users(unit: OrgUnit, user_ids: Iterable[int]) -> int:
    """Assign users to a unit; returns how many were new."""
    ids = sorted(set(user_ids))
    if not ids:
        return 0
    with database.atomic():
        existing = {
            row.user_id
            for row in UserOrgUnit.select(UserOrgUnit.user).where(
                (UserOrgUnit.org_unit == unit) & UserOrgUnit.user.in_(ids)
            )
        }
        new = [i for i in ids if i not in existing]
        if new:
            UserOrgUnit.insert_many([{"user": i, "org_unit": unit.id} for i in new]).execute()
            path_uids = unit.path.strip("/").split("/")
            OrgUnit.update(assignments=OrgUnit.assignments + len(new)).where(
                OrgUnit.id == unit.id
            ).execute()
            OrgUnit.update(subtree_assignments=OrgUnit.subtree_assignments + len(new)).where(
                OrgUnit.uid.in_(path_uids)
            ).execute()
    return len(new)


def refresh_assignment_counts() -> None:
    """Recompute every unit's counts from the assignments (after a bulk import)."""
    direct = Counter(
        {
            row.org_unit_id: row.n
            for row in UserOrgUnit.select(
                UserOrgUnit.org_unit, fn.COUNT(UserOrgUnit.id).alias("n")
            ).group_by(UserOrgUnit.org_unit)
        }
    )
    units = list(
        OrgUnit.select(
            OrgUnit.id, OrgUnit.uid, OrgUnit.path, OrgUnit.assignments, OrgUnit.subtree_assignments
        )
    )
    id_by_uid = {u.uid: u.id for u in units}
    subtree: Counter[int] = Counter()
    for unit in units:
        if direct[unit.id]:
            for uid in unit.path.strip("/").split("/"):
                if uid in id_by_uid:
                    subtree[id_by_uid[uid]] += direct[unit.id]
    changed = [
        (direct[unit.id], subtree[unit.id], unit.id)
        for unit in units
        if (direct[unit.id], subtree[unit.id]) != (unit.assignments, unit.subtree_assignments)
    ]
    # One prepared statement for every row that changed: an import touches thousands.
    with database.atomic():
        cursor = database.cursor()
        set_counts = f'"assignments" = {database.param}, "subtree_assignments" = {database.param}'
        sql = f'UPDATE "orgunit_org_unit" SET {set_counts} WHERE "id" = {database.param}'
        for start in range(0, len(changed), 1000):
            cursor.executemany(sql, changed[start : start + 1000])
