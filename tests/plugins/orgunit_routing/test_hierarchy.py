"""Paths, levels, moves and assignment counts."""

from __future__ import annotations

import pytest

from plugins.orgunit_routing.hierarchy import (
    HierarchyError,
    assign_users,
    move_org_unit,
    refresh_assignment_counts,
)
from plugins.orgunit_routing.models import OrgUnit


def fresh(unit: OrgUnit) -> OrgUnit:
    return OrgUnit.get_by_id(unit.id)


def test_paths_and_levels_follow_the_parents(tree):
    assert tree["chc"].path == "/SierraLeone/BoDistrict1/BoCentral01/BoCentralCH"
    assert tree["chc"].level == 4
    assert [a.name for a in tree["chc"].ancestors()] == ["Sierra Leone", "Bo", "Bo Central"]


def test_assignment_counts_roll_up_to_every_ancestor(tree):
    assert fresh(tree["country"]).subtree_assignments == 4
    assert fresh(tree["bo"]).assignments == 1
    assert fresh(tree["bo"]).subtree_assignments == 3
    assert fresh(tree["chiefdom"]).assignments == 0
    assert fresh(tree["chiefdom"]).subtree_assignments == 2


def test_assigning_twice_counts_once(tree, people):
    assert assign_users(tree["bo"], [people["ana"].id]) == 0
    assert fresh(tree["bo"]).assignments == 1


def test_moving_a_unit_moves_its_subtree_paths_levels_and_counts(app, tree):
    with app.app_context():
        move_org_unit(tree["chiefdom"], tree["kenema"])
    chc = fresh(tree["chc"])
    assert chc.path == "/SierraLeone/KenemaDist1/BoCentral01/BoCentralCH"
    assert chc.level == 4
    assert fresh(tree["chiefdom"]).parent_id == tree["kenema"].id
    assert fresh(tree["bo"]).subtree_assignments == 1
    assert fresh(tree["kenema"]).subtree_assignments == 3
    assert fresh(tree["country"]).subtree_assignments == 4


def test_moving_a_unit_to_the_top_level(app, tree):
    with app.app_context():
        move_org_unit(tree["chiefdom"], None)
    assert fresh(tree["chc"]).path == "/BoCentral01/BoCentralCH"
    assert fresh(tree["chc"]).level == 2
    assert fresh(tree["chiefdom"]).level == 1


def test_moving_a_unit_under_itself_is_refused(app, tree):
    with app.app_context(), pytest.raises(HierarchyError, match="own sub-unit"):
        move_org_unit(tree["bo"], tree["chc"])
    assert fresh(tree["chc"]).path == "/SierraLeone/BoDistrict1/BoCentral01/BoCentralCH"


def test_refresh_recomputes_counts_from_assignments(app, tree):
    with app.app_context():
        OrgUnit.update(assignments=99, subtree_assignments=99).execute()
        refresh_assignment_counts()
    assert fresh(tree["country"]).subtree_assignments == 4
    assert fresh(tree["chc"]).assignments == 2
