"""Answers the validation-routing hooks: who of some users works at an org unit or above
it (``mailroom_users_in_hierarchy``, "notify users in hierarchy only"), and who works at
its parent (``mailroom_users_at_parent_org_unit``, "notify parent organisation unit only")."""

from __future__ import annotations

from kernel import hookimpl
from plugins.orgunit_routing.models import OrgUnit, UserOrgUnit


@hookimpl
def mailroom_users_in_hierarchy(org_unit_uid: str, user_ids: set[int]) -> set[int]:
    unit = OrgUnit.by_uid(org_unit_uid)
    if unit is None or not user_ids:
        return set()
    # The path lists the unit's own uid and its ancestors': one query over the assignments.
    uids = unit.path.strip("/").split("/")
    rows = (
        UserOrgUnit.select(UserOrgUnit.user)
        .join(OrgUnit)
        .where(OrgUnit.uid.in_(uids) & UserOrgUnit.user.in_(list(user_ids)))
    )
    return {row.user_id for row in rows}


@hookimpl
def mailroom_users_at_parent_org_unit(org_unit_uid: str, user_ids: set[int]) -> set[int]:
    if not user_ids:
        return set()
    # The unit's parent_id (kept with its path on every move) leads straight to the parent's
    # assignments: one query, through the uid's unique index and the assignments' org unit
    # index. A root's parent is NULL and an unknown uid matches no row: both answer nobody.
    unit = OrgUnit.alias()
    rows = (
        UserOrgUnit.select(UserOrgUnit.user)
        .join(unit, on=(UserOrgUnit.org_unit == unit.parent))
        .where((unit.uid == org_unit_uid) & UserOrgUnit.user.in_(list(user_ids)))
    )
    return {row.user_id for row in rows}
