"""Importing DHIS2 users, roles and groups: both user shapes, passwords that sign in,
authorities, memberships, and re-imports that update."""

from __future__ import annotations

import json

from kernel.models import User, UserGroup, UserRole
from kernel.people import create_user
from tests.metadata.conftest import (
    ADMINS,
    KADI,
    MESSAGING,
    MUSA,
    PASSWORD,
    TEAM,
    old_shape_user,
    refs,
    role,
    sample,
    user,
)


def test_a_dhis2_file_creates_roles_users_and_groups(app, run_import):
    report = run_import(sample())

    assert report["status"] == "OK"
    assert report["stats"] == {"created": 5, "updated": 0, "deleted": 0, "ignored": 0, "total": 5}
    assert [t["klass"] for t in report["typeReports"]] == ["UserRole", "User", "UserGroup"]
    assert json.loads(json.dumps(report)) == report  # the API sends it as it is
    with app.app_context():
        kadi = User.get(User.uid == KADI)
        assert (kadi.username, kadi.first_name, kadi.email) == ("kadi", "Kadi", "kadi@example.org")
        musa = User.get(User.uid == MUSA)  # the older userCredentials shape
        assert musa.username == "musa" and musa.authorities() == {"M_dhis-web-messaging"}
        assert UserRole.get(UserRole.uid == ADMINS).authority_names() == ["ALL"]


def test_imported_passwords_sign_in_through_the_login_page(app, run_import, sign_in):
    run_import(sample())

    assert sign_in(app, "kadi", PASSWORD).get("/").status_code == 200
    assert sign_in(app, "musa", "Musa-pass-1").get("/").status_code == 200
    with app.app_context():
        assert User.get(User.uid == KADI).password_hash.startswith("$argon2")


def test_an_imported_all_role_makes_a_superuser(app, run_import, sign_in):
    run_import(sample())

    assert sign_in(app, "kadi", PASSWORD).get("/admin/").status_code == 200
    assert sign_in(app, "musa", "Musa-pass-1").get("/admin/").status_code == 403


def test_users_without_password_are_imported_but_cannot_sign_in(app, run_import, sign_in):
    report = run_import({"users": [user(KADI, "kadi")]})

    assert report["status"] == "OK"
    with app.app_context():
        assert User.get(User.uid == KADI).password_hash is None
    assert sign_in(app, "kadi", "anything-at-all").get("/").status_code == 302


def test_group_membership_from_both_sides_keeps_member_counts(app, run_import):
    payload = sample()
    # Kadi names the group (created later in the same file); the group names Musa.
    payload["users"][0]["userGroups"] = refs(TEAM)

    run_import(payload)

    with app.app_context():
        team = UserGroup.get(UserGroup.uid == TEAM)
        assert (team.name, team.code, team.member_count) == ("Feedback team", "FB", 2)
        assert team.member_ids() == {User.get(User.uid == u).id for u in (KADI, MUSA)}


def test_a_user_can_join_a_stored_group_without_the_groups_list(app, people, run_import):
    with app.app_context():
        officers = UserGroup.get(UserGroup.name == "District officers")

    run_import({"users": [user(KADI, "kadi", userGroups=refs(officers.uid))]})

    with app.app_context():
        assert UserGroup.get_by_id(officers.id).member_count == 3


def test_reimport_updates_by_id_and_replaces_roles_and_members(app, run_import, sign_in):
    run_import(sample())
    changed = sample()
    changed["userRoles"][1]["authorities"] = ["M_dhis-web-messaging", "F_SEND_EMAIL"]
    kadi = changed["users"][0]
    kadi.update(firstName="Kadiatu", email="kadiatu@example.org", userRoles=refs(MESSAGING))
    kadi["password"] = "Changed-pass-1"
    changed["userGroups"][0].update(name="Feedback handlers", users=refs(KADI))

    report = run_import(changed)

    assert report["status"] == "OK"
    assert report["stats"] == {"created": 0, "updated": 5, "deleted": 0, "ignored": 0, "total": 5}
    with app.app_context():
        stored = User.get(User.uid == KADI)
        assert (stored.first_name, stored.email) == ("Kadiatu", "kadiatu@example.org")
        assert stored.authorities() == {"M_dhis-web-messaging", "F_SEND_EMAIL"}
        team = UserGroup.get(UserGroup.uid == TEAM)
        assert team.name == "Feedback handlers"
        assert team.member_ids() == {stored.id} and team.member_count == 1
        assert User.select().count() == 2
    assert sign_in(app, "kadi", "Changed-pass-1").get("/").status_code == 200
    assert sign_in(app, "kadi", PASSWORD).get("/").status_code == 302


def test_reimport_without_password_keeps_the_password(app, run_import, sign_in):
    run_import(sample())
    again = sample()
    del again["users"][0]["password"]

    run_import(again)

    assert sign_in(app, "kadi", PASSWORD).get("/").status_code == 200


def test_absent_lists_leave_roles_and_groups_as_they_are(app, run_import):
    payload = sample()
    payload["users"][0]["userGroups"] = refs(TEAM)
    run_import(payload)

    run_import({"users": [user(KADI, "kadi", firstName="Kay")]})

    with app.app_context():
        kadi = User.get(User.uid == KADI)
        assert kadi.first_name == "Kay"
        assert kadi.authorities() == {"ALL"}
        assert UserGroup.get(UserGroup.uid == TEAM).member_count == 2


def test_disabled_users_are_imported_disabled(app, run_import, sign_in):
    run_import(
        {
            "users": [
                user(KADI, "kadi", password=PASSWORD, disabled=True),
                old_shape_user(MUSA, "musa", password="Musa-pass-1", disabled=True),
            ]
        }
    )

    with app.app_context():
        assert User.get(User.uid == KADI).disabled and User.get(User.uid == MUSA).disabled
    assert sign_in(app, "kadi", PASSWORD).get("/").status_code == 302


def test_objects_without_id_are_created_with_a_new_one(app, run_import):
    payload = {
        "userRoles": [{"name": "Clerks", "authorities": []}],
        "users": [{"username": "x1", "firstName": "X", "surname": "Y"}],
    }

    report = run_import(payload)

    assert report["stats"]["created"] == 2
    with app.app_context():
        assert len(User.by_username("x1").uid) == 11


def test_legacy_user_authority_groups_are_roles(app, run_import):
    legacy = old_shape_user(MUSA, "musa")
    legacy["userCredentials"]["userAuthorityGroups"] = refs(MESSAGING)

    run_import({"userRoles": [role(MESSAGING, "Messaging user", "M_x")], "users": [legacy]})

    with app.app_context():
        assert User.get(User.uid == MUSA).authorities() == {"M_x"}


def test_a_dhis2_superuser_role_does_not_clash_with_mailroom_s_own(app, run_import):
    with app.app_context():
        create_user("admin", "Ada", "Admin", password="long-enough", superuser=True)

    report = run_import({"userRoles": [role("yrB6vc5Ip3r", "Superuser", "ALL")]})

    assert report["status"] == "OK"


def test_a_users_group_list_replaces_their_memberships_of_groups_not_in_the_file(
    app, people, run_import
):
    with app.app_context():
        officers = UserGroup.get(UserGroup.name == "District officers")
        ana = User.by_username("ana")
    ana_json = user(ana.uid, "ana", firstName="Ana", surname="Banda")

    run_import({"users": [{**ana_json, "userGroups": []}]})

    with app.app_context():
        refreshed = UserGroup.get_by_id(officers.id)
        assert ana.id not in refreshed.member_ids() and refreshed.member_count == 1
    run_import({"users": [{**ana_json, "userGroups": refs(officers.uid)}]})
    with app.app_context():
        assert UserGroup.get_by_id(officers.id).member_count == 2
