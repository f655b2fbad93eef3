"""Bad metadata is reported per object with DHIS2's error codes, never raised; atomic mode
ALL writes nothing then, NONE writes the valid objects."""

from __future__ import annotations

import pytest

from kernel.metadata import MetadataImportError, import_metadata
from kernel.models import RoleAuthority, User, UserGroup, UserRole
from kernel.people import create_user
from tests.metadata.conftest import (
    ADMINS,
    KADI,
    MUSA,
    TEAM,
    errors_of,
    old_shape_user,
    refs,
    role,
    sample,
    user,
)


def counts(app) -> tuple[int, int, int, int]:
    with app.app_context():
        return (
            User.select().count(),
            UserRole.select().count(),
            RoleAuthority.select().count(),
            UserGroup.select().count(),
        )


@pytest.mark.parametrize(
    "bad_user, code, prop",
    [
        ("not an object", "E4027", None),
        (user("bad-id", "kadi"), "E4014", "id"),
        ({"id": KADI, "firstName": "K", "surname": "T"}, "E4000", "username"),
        (user(KADI, "kadi", firstName=""), "E4000", "firstName"),
        (user(KADI, "kadi", surname="s" * 161), "E4001", "surname"),
        (user(KADI, "k" * 256, firstName="K"), "E4001", "username"),
        (user(KADI, "two words"), "E4049", "username"),
        (user(KADI, "kadi", email="kadi-at-example"), "E4003", "email"),
        (user(KADI, "kadi", password="short"), "E4005", "password"),
        (user(KADI, "kadi", password=12345678), "E4027", "password"),
        (user(KADI, "kadi", firstName=42), "E4027", "firstName"),
        (user(KADI, "kadi", disabled="yes"), "E4027", "disabled"),
        (user(KADI, "kadi", userRoles="ALL"), "E4027", "userRoles"),
        (user(KADI, "kadi", userRoles=[{"name": "x"}]), "E4014", "userRoles"),
        (user(KADI, "kadi", userRoles=refs("roleUnknown")), "E5002", "userRoles"),
        (user(KADI, "kadi", userGroups=refs("groupUnknwn")), "E5002", "userGroups"),
        (
            {"id": KADI, "firstName": "K", "surname": "T", "userCredentials": "x"},
            "E4027",
            "userCredentials",
        ),
    ],
)
def test_each_kind_of_bad_user_is_reported_with_its_code(app, run_import, bad_user, code, prop):
    payload = {"users": [user(MUSA, "musa"), bad_user]}

    report = run_import(payload, atomic_mode="NONE")

    assert report["status"] == "WARNING"
    assert [(e[1], e[3], e[4]) for e in errors_of(report)] == [(1, code, prop)]
    assert report["stats"] == {"created": 1, "updated": 0, "deleted": 0, "ignored": 1, "total": 2}
    message = report["typeReports"][0]["objectReports"][0]["errorReports"][0]["message"]
    assert message and "short" not in message  # a bad password is never echoed


def test_a_duplicate_id_keeps_the_first_object(app, run_import):
    report = run_import({"users": [user(KADI, "kadi"), user(KADI, "kadi2")]}, atomic_mode="NONE")

    assert errors_of(report) == [("User", 1, KADI, "E5004", "id")]
    with app.app_context():
        assert User.get(User.uid == KADI).username == "kadi"


def test_a_username_used_twice_in_the_file_is_refused(app, run_import):
    report = run_import({"users": [user(KADI, "kadi"), user(MUSA, "kadi")]}, atomic_mode="NONE")

    assert errors_of(report) == [("User", 1, MUSA, "E5005", "username")]


def test_a_username_taken_by_another_stored_user_is_refused(app, run_import):
    with app.app_context():
        owner = create_user("kadi", "Kadi", "Stored").uid

    report = run_import({"users": [user(KADI, "kadi")]})

    assert errors_of(report) == [("User", 0, KADI, "E5003", "username")]
    message = report["typeReports"][0]["objectReports"][0]["errorReports"][0]["message"]
    assert owner in message


def test_role_and_group_names_and_codes_must_be_unique(app, people, run_import):
    report = run_import(
        {
            "userRoles": [role(ADMINS, "Same", "ALL"), role("roleOther01", "Same")],
            "userGroups": [
                {"id": TEAM, "name": "District officers"},
                {"id": "groupCode01", "name": "A", "code": "C"},
                {"id": "groupCode02", "name": "B", "code": "C"},
                {"id": "groupNoName", "code": "D"},
            ],
        },
        atomic_mode="NONE",
    )

    assert sorted(errors_of(report)) == [
        ("UserGroup", 0, TEAM, "E5003", "name"),
        ("UserGroup", 2, "groupCode02", "E5005", "code"),
        ("UserGroup", 3, "groupNoName", "E4000", "name"),
        ("UserRole", 1, "roleOther01", "E5005", "name"),
    ]


def test_bad_roles_and_groups_are_reported(app, run_import):
    report = run_import(
        {
            "userRoles": [
                {"id": ADMINS, "name": "Admins", "authorities": "ALL"},
                {"id": "roleLong001", "name": "Long", "authorities": ["A" * 256]},
            ],
            "userGroups": [{"id": TEAM, "name": "Team", "users": refs("userUnknown")}],
        },
        atomic_mode="NONE",
    )

    assert errors_of(report) == [
        ("UserRole", 0, ADMINS, "E4027", "authorities"),
        ("UserRole", 1, "roleLong001", "E4001", "authorities"),
        ("UserGroup", 0, TEAM, "E5002", "users"),
    ]


def test_atomic_all_writes_nothing_when_one_object_is_wrong(app, people, run_import):
    before = counts(app)
    payload = sample()
    payload["users"].append(user("userBad0001", "bad", userRoles=refs("roleUnknown")))

    report = run_import(payload)  # ALL is the default, as in DHIS2

    assert report["status"] == "ERROR"
    assert report["stats"] == {"created": 0, "updated": 0, "deleted": 0, "ignored": 6, "total": 6}
    assert errors_of(report) == [("User", 2, "userBad0001", "E5002", "userRoles")]
    assert counts(app) == before


def test_atomic_all_leaves_stored_objects_unchanged_too(app, run_import):
    run_import(sample())
    before = counts(app)
    payload = sample()
    payload["users"][0]["firstName"] = "Changed"
    payload["userGroups"][0]["users"] = []
    payload["users"].append("garbage")

    assert run_import(payload)["status"] == "ERROR"

    assert counts(app) == before
    with app.app_context():
        assert User.get(User.uid == KADI).first_name == "Kadi"
        assert UserGroup.get(UserGroup.uid == TEAM).member_count == 1


def test_atomic_none_writes_the_valid_objects_and_warns(app, run_import):
    payload = sample()
    payload["users"][1] = old_shape_user(MUSA, "musa", userRoles=refs("roleUnknown"))

    report = run_import(payload, atomic_mode="NONE")

    assert report["status"] == "WARNING"
    assert report["stats"] == {"created": 3, "updated": 0, "deleted": 0, "ignored": 2, "total": 5}
    # The group names only Musa, who was refused: it is refused too, as its reference is bad.
    assert errors_of(report) == [
        ("User", 1, MUSA, "E5002", "userRoles"),
        ("UserGroup", 0, TEAM, "E5002", "users"),
    ]
    with app.app_context():
        assert User.get_or_none(User.uid == KADI) is not None
        assert User.get_or_none(User.uid == MUSA) is None
        assert UserGroup.get_or_none(UserGroup.uid == TEAM) is None


def test_create_strategy_refuses_existing_objects(app, run_import):
    run_import(sample())

    report = run_import(sample(), import_strategy="CREATE", atomic_mode="NONE")

    assert report["stats"]["ignored"] == 5
    assert {e[3] for e in errors_of(report)} == {"E5000"}


def test_update_strategy_refuses_new_objects(app, run_import):
    run_import({"userRoles": [role(ADMINS, "Administrators", "ALL")]})

    report = run_import(sample(), import_strategy="UPDATE", atomic_mode="NONE")

    assert report["stats"]["updated"] == 1
    assert ("UserRole", 1, "roleMsgUser", "E5001", "id") in errors_of(report)
    assert (
        run_import(
            {"users": [{"username": "x", "firstName": "X", "surname": "Y"}]},
            import_strategy="UPDATE",
        )["status"]
        == "ERROR"
    )


def test_delete_strategy_deletes_by_id_and_keeps_member_counts(app, run_import):
    payload = sample()
    payload["users"][0]["userGroups"] = refs(TEAM)
    run_import(payload)

    report = run_import(
        {"users": [{"id": MUSA}], "userRoles": [{"id": "roleUnknown"}]},
        import_strategy="DELETE",
        atomic_mode="NONE",
    )

    assert report["stats"] == {"created": 0, "updated": 0, "deleted": 1, "ignored": 1, "total": 2}
    assert errors_of(report) == [("UserRole", 0, "roleUnknown", "E5001", "id")]
    with app.app_context():
        assert User.get_or_none(User.uid == MUSA) is None
        assert UserGroup.get(UserGroup.uid == TEAM).member_count == 1
    report = run_import(sample(), import_strategy="DELETE")
    assert report["status"] == "ERROR"  # Musa is gone already: E5001, nothing deleted
    assert counts(app)[0] == 1
    del payload["users"][1]
    assert run_import(payload, import_strategy="delete")["stats"]["deleted"] == 4
    assert counts(app) == (0, 0, 0, 0)


def test_dhis2_older_strategy_names_are_accepted(app, run_import):
    assert run_import(sample(), import_strategy="NEW_AND_UPDATES")["status"] == "OK"
    assert run_import(sample(), import_strategy="UPDATES")["stats"]["updated"] == 5


@pytest.mark.parametrize(
    "payload, options, message",
    [
        ([], {}, "must be a JSON object"),
        ("users", {}, "must be a JSON object"),
        ({"users": {"id": KADI}}, {}, '"users" must be a list'),
        (sample(), {"import_strategy": "MERGE"}, "Unknown import strategy"),
        (sample(), {"atomic_mode": "SOME"}, "Unknown atomic mode"),
    ],
)
def test_a_payload_or_options_that_cannot_be_imported_at_all_raise_a_clear_error(
    app, payload, options, message
):
    with app.app_context(), pytest.raises(MetadataImportError, match=message):
        import_metadata(payload, **options)
    assert counts(app) == (0, 0, 0, 0)


def test_keys_no_section_knows_are_ignored(app, run_import):
    report = run_import({"system": {}, "dataElements": "not imported here", "date": "x"})

    assert report == {"status": "OK", "stats": report["stats"], "typeReports": []}
    assert report["stats"]["total"] == 0


def test_text_with_nul_characters_is_refused_not_a_crash(app, run_import):
    report = run_import(
        {
            "userRoles": [role(ADMINS, "Admins", "A\x00L")],
            "users": [user(KADI, "ka\x00di", firstName="Kadi")],
        },
        atomic_mode="NONE",
    )

    assert [e[3:] for e in errors_of(report)] == [
        ("E4027", "authorities"),
        ("E4027", "username"),
    ]
