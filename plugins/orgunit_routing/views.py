"""The org-unit browser (ALL users) and the tree partial the compose field opens level by
level (any signed-in user: org unit names are not secret, as in DHIS2)."""

from __future__ import annotations

from flask import Blueprint, abort, g, make_response, render_template, request
from peewee import JOIN, fn
from werkzeug.wrappers import Response

from kernel.access import is_superuser
from kernel.models import User
from kernel.web.paging import page_number
from kernel.web.render import page_or_block
from plugins.orgunit_routing.models import OrgUnit, OrgUnitGroup, OrgUnitGroupMember, UserOrgUnit

blueprint = Blueprint("orgunits", __name__, template_folder="templates")

CHILDREN_SHOWN = 200
USERS_PER_PAGE = 50


def _require_superuser() -> None:
    if not is_superuser(g.user):
        abort(403)


def _unit(uid: str) -> OrgUnit:
    unit = OrgUnit.by_uid(uid)
    if unit is None:
        abort(404)
    return unit


def children_of(parent: OrgUnit | None, limit: int = CHILDREN_SHOWN) -> tuple[list[OrgUnit], int]:
    """Children in name order (at most ``limit``) and how many there are in all."""
    condition = OrgUnit.parent.is_null() if parent is None else OrgUnit.parent == parent
    total = OrgUnit.select().where(condition).count()
    # Whether each child has children of its own, in the same query: the tree shows a
    # toggle only where there is something to open.
    child = OrgUnit.alias("child")
    rows = list(
        OrgUnit.select(OrgUnit, fn.COUNT(child.id).alias("child_count"))
        .join(child, JOIN.LEFT_OUTER, on=(child.parent == OrgUnit.id))
        .where(condition)
        .group_by(OrgUnit.id)
        .order_by(OrgUnit.name)
        .limit(limit)
    )
    return rows, total


@blueprint.get("/orgunits")
def browse() -> str:
    _require_superuser()
    roots, total = children_of(None)
    return render_template(
        "orgunit_routing/browse.html", children=roots, total=total, mode="browse"
    )


@blueprint.get("/orgunits/<uid>")
def detail(uid: str) -> str:
    _require_superuser()
    unit = _unit(uid)
    page = page_number(request.args)
    users = list(
        User.select()
        .join(UserOrgUnit)
        .where(UserOrgUnit.org_unit == unit)
        .order_by(User.first_name, User.surname, User.id)
        .paginate(page, USERS_PER_PAGE)
    )
    groups = list(
        OrgUnitGroup.select().join(OrgUnitGroupMember).where(OrgUnitGroupMember.org_unit == unit)
    )
    children, total = children_of(unit)
    return render_template(
        "orgunit_routing/detail.html",
        unit=unit,
        ancestors=unit.ancestors(),
        children=children,
        total=total,
        users=users,
        page=page,
        has_more_users=unit.assignments > page * USERS_PER_PAGE,
        groups=groups,
        mode="browse",
    )


@blueprint.get("/orgunits/<uid>/children")
def children(uid: str) -> str:
    """One level of the tree, for the browser (``mode=browse``) or the compose field."""
    mode = request.args.get("mode", "pick")
    if mode not in ("browse", "pick"):
        abort(400, "Unknown tree mode.")
    if mode == "browse":
        _require_superuser()
    unit = _unit(uid)
    rows, total = children_of(unit)
    return page_or_block(
        "orgunit_routing/children.html",
        "children",
        parent=unit,
        children=rows,
        total=total,
        mode=mode,
    )


@blueprint.get("/orgunits/compose-search")
def compose_search() -> str:
    """Matches for the compose page's "To org unit" box, as the user types (htmx)."""
    from plugins.orgunit_routing.compose import QUERY_KEY, find_hits

    chosen = []
    for value in request.args.getlist("recipient"):
        kind, _, uid = value.partition(":")
        chosen.append((kind, uid))
    return render_template(
        "orgunit_routing/compose_hits.html", hits=find_hits(request.args.get(QUERY_KEY, ""), chosen)
    )


@blueprint.get("/orgunits/reach")
def reach() -> Response:
    """How many people the compose form's recipients reach: a count, never the list."""
    from plugins.orgunit_routing.compose import reach_note, selection_from

    try:
        selection = selection_from(request.args)
    except ValueError as error:
        return make_response(str(error), 400, {"Content-Type": "text/plain; charset=utf-8"})
    note = reach_note(selection, g.user)
    return make_response(note, 200, {"Content-Type": "text/plain; charset=utf-8"})
