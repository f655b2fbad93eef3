"""Read-only ``/api/organisationUnits`` and ``/api/organisationUnitGroups`` in DHIS2's
shapes, with the kernel's pager, filters and field selection.

Any signed-in caller may read them: org unit names are not secret, as in DHIS2.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import Blueprint, request, url_for
from werkzeug.wrappers import Response

from kernel.api.context import current_caller
from kernel.api.envelopes import ApiError, json_response
from kernel.api.fields import Field, Schema, render_one, selection_from
from kernel.api.lists import list_response
from kernel.api.openapi import FIELDS, LIST_PARAMETERS, documented
from kernel.api.query import INTEGER, ApiProperty
from kernel.uid import find_by_uid
from plugins.orgunit_routing.models import OrgUnit, OrgUnitGroup, OrgUnitGroupMember

blueprint = Blueprint("orgunit_api", __name__, url_prefix="/api")

GROUPS_UNPAGED_LIMIT = 5000
_IDENTIFIABLE = ("id", "name", "displayName", "code", "href")


def _reference_fields(href_endpoint: str) -> dict[str, Field]:
    return {
        "id": Field(lambda o, c: o.uid),
        "name": Field(lambda o, c: o.name),
        "displayName": Field(lambda o, c: o.name),
        "code": Field(lambda o, c: o.code),
        "href": Field(lambda o, c: url_for(href_endpoint, uid=o.uid, _external=True)),
    }


def _schema(fields: dict[str, Field]) -> Schema:
    identifiable = tuple(name for name in _IDENTIFIABLE if name in fields)
    return Schema(
        fields=fields,
        reference=("id",),
        presets={":identifiable": identifiable, ":nameable": identifiable},
    )


UNIT_REFERENCE = _schema(_reference_fields("orgunit_api.organisation_unit"))
GROUP_REFERENCE = _schema(_reference_fields("orgunit_api.organisation_unit_group"))


# --- batch loaders: one query per level, whatever the number of units ---------------------


def _prefetch_parents(units: list[OrgUnit], caller: Any) -> None:
    ids = {u.parent_id for u in units if u.parent_id}
    parents = {p.id: p for p in OrgUnit.select().where(OrgUnit.id.in_(list(ids)))} if ids else {}
    for unit in units:
        unit._api_parent = parents.get(unit.parent_id)


def _prefetch_children(units: list[OrgUnit], caller: Any) -> None:
    by_parent: dict[int, list[OrgUnit]] = defaultdict(list)
    if units:
        rows = (
            OrgUnit.select()
            .where(OrgUnit.parent.in_([u.id for u in units]))
            .order_by(OrgUnit.name, OrgUnit.id)
        )
        for row in rows:
            by_parent[row.parent_id].append(row)
    for unit in units:
        unit._api_children = by_parent[unit.id]


def _prefetch_unit_groups(units: list[OrgUnit], caller: Any) -> None:
    by_unit: dict[int, list[OrgUnitGroup]] = defaultdict(list)
    if units:
        rows = (
            OrgUnitGroupMember.select(OrgUnitGroupMember.org_unit, OrgUnitGroup)
            .join(OrgUnitGroup)
            .where(OrgUnitGroupMember.org_unit.in_([u.id for u in units]))
            .order_by(OrgUnitGroup.name)
        )
        for row in rows:
            by_unit[row.org_unit_id].append(row.group)
    for unit in units:
        unit._api_groups = by_unit[unit.id]


def _prefetch_members(groups: list[OrgUnitGroup], caller: Any) -> None:
    by_group: dict[int, list[OrgUnit]] = defaultdict(list)
    if groups:
        rows = (
            OrgUnitGroupMember.select(OrgUnitGroupMember.group, OrgUnit)
            .join(OrgUnit)
            .where(OrgUnitGroupMember.group.in_([g.id for g in groups]))
            .order_by(OrgUnit.name, OrgUnit.id)
        )
        for row in rows:
            by_group[row.group_id].append(row.org_unit)
    for group in groups:
        group._api_members = by_group[group.id]


UNIT = _schema(
    {
        **_reference_fields("orgunit_api.organisation_unit"),
        "shortName": Field(lambda u, c: u.short_name),
        "displayShortName": Field(lambda u, c: u.short_name),
        "level": Field(lambda u, c: u.level),
        "path": Field(lambda u, c: u.path),
        "parent": Field(
            lambda u, c: u._api_parent, nested=UNIT_REFERENCE, prefetch=_prefetch_parents
        ),
        "children": Field(
            lambda u, c: u._api_children,
            nested=UNIT_REFERENCE,
            many=True,
            prefetch=_prefetch_children,
        ),
        "organisationUnitGroups": Field(
            lambda u, c: u._api_groups,
            nested=GROUP_REFERENCE,
            many=True,
            prefetch=_prefetch_unit_groups,
        ),
    }
)

GROUP = _schema(
    {
        **_reference_fields("orgunit_api.organisation_unit_group"),
        "organisationUnits": Field(
            lambda g, c: g._api_members,
            nested=UNIT_REFERENCE,
            many=True,
            prefetch=_prefetch_members,
        ),
    }
)

_Parent = OrgUnit.alias("parent_unit")


def _under_parent(condition: Any) -> Any:
    return OrgUnit.parent.in_(_Parent.select(_Parent.id).where(condition))


UNIT_PROPERTIES = [
    ApiProperty("id", OrgUnit.uid),
    ApiProperty("name", OrgUnit.name),
    ApiProperty("displayName", OrgUnit.name),
    ApiProperty("shortName", OrgUnit.short_name, nullable=True),
    ApiProperty("code", OrgUnit.code, nullable=True),
    ApiProperty("level", OrgUnit.level, type=INTEGER),
    ApiProperty("path", OrgUnit.path),
    ApiProperty("parent.id", _Parent.uid, through=_under_parent, orderable=False),
]

GROUP_PROPERTIES = [
    ApiProperty("id", OrgUnitGroup.uid),
    ApiProperty("name", OrgUnitGroup.name),
    ApiProperty("displayName", OrgUnitGroup.name),
    ApiProperty("code", OrgUnitGroup.code, nullable=True),
]


@blueprint.get("/organisationUnits")
@documented(LIST_PARAMETERS)
def organisation_units() -> Response:
    """List org units (``filter=level:eq:2``, ``parent.id:eq:…``, ``displayName:token:…``)."""
    return list_response(
        "organisationUnits",
        OrgUnit.select(),
        OrgUnit.select(OrgUnit.id),
        schema=UNIT,
        properties=UNIT_PROPERTIES,
        context=current_caller(),
        default_order=[OrgUnit.name.asc()],
        tiebreak=[OrgUnit.id.asc()],
    )


@blueprint.get("/organisationUnits/<uid>")
@documented([FIELDS])
def organisation_unit(uid: str) -> Response:
    """One org unit by id."""
    found = OrgUnit.by_uid(uid)
    if found is None:
        raise ApiError(404, f"OrganisationUnit with id {uid} could not be found.")
    selection = selection_from(request.args, "*")
    return json_response(render_one(found, UNIT, selection, current_caller()))


@blueprint.get("/organisationUnitGroups")
@documented(LIST_PARAMETERS)
def organisation_unit_groups() -> Response:
    """List org unit groups."""
    return list_response(
        "organisationUnitGroups",
        OrgUnitGroup.select(),
        OrgUnitGroup.select(OrgUnitGroup.id),
        schema=GROUP,
        properties=GROUP_PROPERTIES,
        context=current_caller(),
        default_order=[OrgUnitGroup.name.asc()],
        tiebreak=[OrgUnitGroup.id.asc()],
        unpaged_limit=GROUPS_UNPAGED_LIMIT,
    )


@blueprint.get("/organisationUnitGroups/<uid>")
@documented([FIELDS])
def organisation_unit_group(uid: str) -> Response:
    """One org unit group by id, with its org units."""
    found = find_by_uid(OrgUnitGroup, uid)
    if found is None:
        raise ApiError(404, f"OrganisationUnitGroup with id {uid} could not be found.")
    selection = selection_from(request.args, "*")
    return json_response(render_one(found, GROUP, selection, current_caller()))
