"""Importing DHIS2 organisationUnits, organisationUnitGroups and users' assignments."""

from __future__ import annotations

from typing import Any

from peewee import JOIN, fn

from kernel.metadata import import_metadata
from kernel.models import User
from plugins.orgunit_routing.models import OrgUnit, OrgUnitGroup, OrgUnitGroupMember, UserOrgUnit

SL, BO, BAD, CHC, KEN = "ImspTQPwCqd", "O6uvpzGd5pu", "TEQlaapDQoK", "DiszpKrYNg8", "kJq2mPyFEHo"


def unit(uid: str, name: str, parent: str | None = None, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"id": uid, "name": name, **extra}
    if parent:
        data["parent"] = {"id": parent}
    return data


def run(app, payload: dict[str, Any], **options: Any) -> dict[str, Any]:
    with app.app_context():
        return import_metadata(payload, **options).to_dict()


def hierarchy(app) -> dict[str, tuple[int, str, str | None]]:
    with app.app_context():
        parent = OrgUnit.alias()
        rows = OrgUnit.select(OrgUnit, parent.uid.alias("parent_uid")).join(
            parent, JOIN.LEFT_OUTER, on=(OrgUnit.parent == parent.id)
        )
        return {u.name: (u.level, u.path, u.parent_uid) for u in rows.objects()}


def errors_of(report: dict[str, Any]) -> list[tuple[str, int, str | None, str]]:
    return [
        (t["klass"], o["index"], o["uid"], e["errorCode"])
        for t in report["typeReports"]
        for o in t["objectReports"]
        for e in o["errorReports"]
    ]


def test_children_may_come_before_their_parents(app):
    report = run(
        app,
        {
            "organisationUnits": [
                unit(CHC, "Bo CHC", BAD),
                unit(BAD, "Badjia", BO),
                unit(BO, "Bo", SL),
                unit(SL, "Sierra Leone", code="SL"),
            ]
        },
    )
    assert report["status"] == "OK" and report["stats"]["created"] == 4
    assert hierarchy(app) == {
        "Sierra Leone": (1, f"/{SL}", None),
        "Bo": (2, f"/{SL}/{BO}", SL),
        "Badjia": (3, f"/{SL}/{BO}/{BAD}", BO),
        "Bo CHC": (4, f"/{SL}/{BO}/{BAD}/{CHC}", BAD),
    }


def test_reimport_updates_names_and_moving_a_unit_moves_its_subtree(app):
    run(
        app,
        {
            "organisationUnits": [
                unit(SL, "Sierra Leone"),
                unit(BO, "Bo", SL),
                unit(KEN, "Kenema", SL),
                unit(BAD, "Badjia", BO),
                unit(CHC, "Badjia CHC", BAD),
            ]
        },
    )
    report = run(app, {"organisationUnits": [unit(BAD, "Badjia chiefdom", KEN)]})
    assert report["status"] == "OK" and report["stats"]["updated"] == 1
    tree = hierarchy(app)
    assert tree["Badjia chiefdom"] == (3, f"/{SL}/{KEN}/{BAD}", KEN)
    assert tree["Badjia CHC"] == (4, f"/{SL}/{KEN}/{BAD}/{CHC}", BAD)
    assert tree["Bo"] == (2, f"/{SL}/{BO}", SL)


def test_cycles_unknown_parents_and_duplicate_ids_are_reported_per_object(app):
    run(app, {"organisationUnits": [unit(SL, "Sierra Leone"), unit(BO, "Bo", SL)]})
    report = run(
        app,
        {
            "organisationUnits": [
                unit(SL, "Sierra Leone", BO),  # Bo is below Sierra Leone: a cycle
                unit(KEN, "Kenema", "NoSuchUnit1"),
                unit(BAD, "Badjia", BAD),
                unit(CHC, "CHC", BAD),  # its parent is refused, so it is too
                unit(BAD, "Badjia again"),
            ]
        },
        atomic_mode="NONE",
    )
    assert sorted(errors_of(report)) == [
        ("OrganisationUnit", 0, SL, "E4030"),
        ("OrganisationUnit", 1, KEN, "E5002"),
        ("OrganisationUnit", 2, BAD, "E4030"),
        ("OrganisationUnit", 3, CHC, "E5002"),
        ("OrganisationUnit", 4, BAD, "E5004"),
    ]
    assert hierarchy(app) == {"Sierra Leone": (1, f"/{SL}", None), "Bo": (2, f"/{SL}/{BO}", SL)}
    # With atomic mode ALL, the error report comes back and nothing changes.
    report = run(app, {"organisationUnits": [unit(SL, "Renamed", BO)]})
    assert report["status"] == "ERROR" and "Sierra Leone" in hierarchy(app)


def test_groups_and_user_assignments_are_imported_and_counted(app, people):
    payload = {
        "organisationUnits": [unit(BO, "Bo", SL), unit(SL, "Sierra Leone"), unit(CHC, "CHC", BO)],
        "organisationUnitGroups": [
            {"id": KEN, "name": "Facilities", "organisationUnits": [{"id": CHC}]}
        ],
        "users": [
            {
                "id": "userKadi001",
                "username": "kadi",
                "firstName": "Kadi",
                "surname": "Sesay",
                "organisationUnits": [{"id": CHC}, {"id": BO}],
            }
        ],
    }
    report = run(app, payload)
    assert report["status"] == "OK", report
    with app.app_context():
        kadi = User.get(User.username == "kadi")
        assert {a.org_unit.uid for a in UserOrgUnit.select().where(UserOrgUnit.user == kadi)} == {
            CHC,
            BO,
        }
        counts = {u.uid: (u.assignments, u.subtree_assignments) for u in OrgUnit.select()}
        assert counts == {SL: (0, 2), BO: (1, 2), CHC: (1, 1)}
        group = OrgUnitGroup.get(OrgUnitGroup.uid == KEN)
        members = OrgUnitGroupMember.select().where(OrgUnitGroupMember.group == group)
        assert [m.org_unit.uid for m in members] == [CHC]

    # Re-importing Kadi with one unit replaces the assignments and the counts follow.
    payload["users"][0]["organisationUnits"] = [{"id": SL}]
    run(app, {"users": payload["users"]})
    with app.app_context():
        counts = {u.uid: (u.assignments, u.subtree_assignments) for u in OrgUnit.select()}
        assert counts == {SL: (1, 1), BO: (0, 0), CHC: (0, 0)}


def test_a_user_with_an_unknown_org_unit_is_refused(app):
    report = run(
        app,
        {
            "users": [
                {
                    "id": "userKadi001",
                    "username": "kadi",
                    "firstName": "Kadi",
                    "surname": "Sesay",
                    "organisationUnits": [{"id": "NoSuchUnit1"}],
                }
            ]
        },
    )
    assert report["status"] == "ERROR"
    assert errors_of(report) == [("User", 0, "userKadi001", "E5002")]


def test_deleting_units_deepest_first_and_refusing_parents_of_kept_units(app):
    run(
        app,
        {"organisationUnits": [unit(SL, "Sierra Leone"), unit(BO, "Bo", SL), unit(CHC, "C", BO)]},
    )
    report = run(
        app,
        {"organisationUnits": [{"id": SL}, {"id": CHC}]},
        import_strategy="DELETE",
        atomic_mode="NONE",
    )
    assert errors_of(report) == [("OrganisationUnit", 0, SL, "E4030")]
    assert set(hierarchy(app)) == {"Sierra Leone", "Bo"}
    report = run(app, {"organisationUnits": [{"id": SL}, {"id": BO}]}, import_strategy="DELETE")
    assert report["stats"]["deleted"] == 2 and hierarchy(app) == {}


def test_a_generated_hierarchy_imports_in_bulk_with_correct_paths(app):
    from bench.orgunits import org_units
    from tests.api.conftest import counting_queries

    payload = org_units(3000)
    with counting_queries(app) as queries:
        report = run(app, payload)
    assert report["status"] == "OK" and report["stats"]["created"] == 3001
    # Level by level, 100 rows an INSERT: statements grow with chunks, not with units.
    assert len(queries) < 200
    with app.app_context():
        levels = {
            level: count
            for level, count in OrgUnit.select(OrgUnit.level, fn.COUNT(OrgUnit.id))
            .group_by(OrgUnit.level)
            .tuples()
        }
        assert levels == {1: 1, 2: 10, 3: 100, 4: 1000, 5: 1889}
        facility = OrgUnit.get(OrgUnit.level == 5)
        assert facility.path == f"{facility.parent.path}/{facility.uid}"
        members = OrgUnitGroupMember.select().count()
        assert members == len(payload["organisationUnitGroups"][0]["organisationUnits"])
