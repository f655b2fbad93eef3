"""A demo hierarchy in the shape of Sierra Leone's: country → regions → districts →
chiefdoms → facilities (a few hundred units), with staff assigned across it."""

from __future__ import annotations

from kernel.models import User
from kernel.people import create_user
from plugins.orgunit_routing.hierarchy import assign_users, create_org_unit
from plugins.orgunit_routing.models import OrgUnit, OrgUnitGroup, OrgUnitGroupMember

REGIONS = {
    "Eastern": ["Kailahun", "Kenema", "Kono"],
    "Northern": ["Bombali", "Kambia", "Koinadugu", "Port Loko", "Tonkolili"],
    "Southern": ["Bo", "Bonthe", "Moyamba", "Pujehun"],
    "Western Area": ["Western Rural", "Western Urban"],
}
CHIEFDOM_SUFFIXES = ["Central", "North", "South", "East"]
FACILITY_KINDS = ["CHC", "CHP", "MCHP", "Clinic", "Hospital"]
# Demo users placed in the hierarchy: username → the unit's name.
PLACEMENTS = {
    "admin": "Sierra Leone",
    "district": "Bo",
    "mariama": "Bo",
    "amina": "Bo Central CHC",
    "ibrahim": "Bo Central CHP",
    "samuel": "Kenema North MCHP",
}


def add_demo_hierarchy(users: dict[str, User]) -> None:
    country = create_org_unit("Sierra Leone", code="SL")
    by_name: dict[str, OrgUnit] = {country.name: country}
    facilities: dict[str, list[OrgUnit]] = {kind: [] for kind in FACILITY_KINDS}
    for region_name, districts in REGIONS.items():
        region = create_org_unit(f"{region_name} Region", parent=country)
        for district_name in districts:
            district = create_org_unit(district_name, parent=region)
            by_name[district_name] = district
            for suffix in CHIEFDOM_SUFFIXES:
                chiefdom = create_org_unit(f"{district_name} {suffix}", parent=district)
                for kind in FACILITY_KINDS:
                    facility = create_org_unit(f"{chiefdom.name} {kind}", parent=chiefdom)
                    by_name[facility.name] = facility
                    facilities[kind].append(facility)
                # One health worker per chiefdom, without a password: they make the
                # org-unit recipients reach real people without adding demo logins.
                worker = create_user(f"chw.{chiefdom.uid.lower()}", "Health worker", chiefdom.name)
                assign_users(facilities["CHC"][-1], [worker.id])
    for kind in ("CHC", "Hospital"):
        group = OrgUnitGroup.create(
            name=f"{kind}s" if kind != "CHC" else "Community health centres"
        )
        OrgUnitGroupMember.insert_many(
            [{"group": group.id, "org_unit": f.id} for f in facilities[kind]]
        ).execute()
    for username, unit_name in PLACEMENTS.items():
        if username in users:
            assign_users(by_name[unit_name], [users[username].id])
