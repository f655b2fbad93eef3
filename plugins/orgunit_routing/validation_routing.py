"""Answers ``mailroom_users_in_hierarchy``: who of some users works at an org unit or above
it (validation notifications with "notify users in hierarchy only")."""

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
