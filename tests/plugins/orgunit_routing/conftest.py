"""A small hierarchy: Sierra Leone → Bo → Bo Central → Bo Central CHC, and Kenema."""

from __future__ import annotations

import pytest

from plugins.orgunit_routing.hierarchy import assign_users, create_org_unit
from plugins.orgunit_routing.models import OrgUnitGroup, OrgUnitGroupMember


@pytest.fixture
def tree(app, people):
    with app.app_context():
        country = create_org_unit("Sierra Leone", uid="SierraLeone")
        bo = create_org_unit("Bo", parent=country, uid="BoDistrict1")
        chiefdom = create_org_unit("Bo Central", parent=bo, uid="BoCentral01")
        chc = create_org_unit("Bo Central CHC", parent=chiefdom, uid="BoCentralCH")
        kenema = create_org_unit("Kenema", parent=country, uid="KenemaDist1")
        assign_users(bo, [people["ana"].id])
        assign_users(chc, [people["ben"].id, people["eve"].id])
        assign_users(kenema, [people["eve"].id])
        group = OrgUnitGroup.create(name="Community health centres", uid="CHCgroup001")
        OrgUnitGroupMember.create(group=group, org_unit=chc)
        return {
            "country": country,
            "bo": bo,
            "chiefdom": chiefdom,
            "chc": chc,
            "kenema": kenema,
            "group": group,
        }
