"""Administering users: list and search, create, edit, passwords, disable and enable."""

from __future__ import annotations

import logging

import pytest

from kernel.models import User, UserGroup, UserRole
from kernel.people import SUPERUSER_ROLE, create_user, ensure_role
from tests.conftest import Browser

NEW_USER = {
    "username": "kadi",
    "first_name": "Kadi",
    "surname": "Jalloh",
    "email": "kadi@example.org",
    "password": "long-enough",
    "password_repeat": "long-enough",
}


def uid_of(app, username: str) -> str:
    with app.app_context():
        return User.by_username(username).uid


def page_text(response) -> str:
    return response.get_data(as_text=True)


# --- list and search --------------------------------------------------------------------


def test_list_shows_every_user_with_roles_and_state(app, admin: Browser):
    page = page_text(admin.get("/admin/users/"))
    assert "4 users." in page
    for name in ("Ada Admin", "Ana Banda", "Ben Phiri", "Eve Outsider"):
        assert name in page
    assert SUPERUSER_ROLE in page


def test_search_by_name_or_username_without_javascript(app, admin: Browser):
    page = page_text(admin.get("/admin/users/?q=phiri"))
    assert "1 user matches “phiri”." in page
    assert "Ben Phiri" in page and "Ana Banda" not in page
    assert "Ana Banda" in page_text(admin.get("/admin/users/?q=ana"))


def test_search_as_you_type_answers_only_the_list(app, admin: Browser):
    response = admin.get("/admin/users/?q=eve", headers={"HX-Request": "true"})
    page = page_text(response)
    assert page.lstrip().startswith('<div id="user-list">')
    assert "Eve Outsider" in page and "<html" not in page
    assert "HX-Request" in response.headers["Vary"]


def test_search_with_no_match_says_so(app, admin: Browser):
    assert "No user matches “zzz”." in page_text(admin.get("/admin/users/?q=zzz"))


def test_search_treats_like_wildcards_as_text(app, admin: Browser):
    assert "No user matches “%”." in page_text(admin.get("/admin/users/?q=%25"))


def test_pagination_holds_with_many_users_in_a_constant_number_of_queries(app, admin: Browser):
    with app.app_context():
        role = ensure_role("Data entry", ["F_DATAVALUE_ADD"])
        User.insert_many(
            [
                {
                    "uid": f"U{i:010d}",
                    "username": f"clerk{i:03d}",
                    "first_name": "Clerk",
                    "surname": f"{i:03d}",
                }
                for i in range(120)
            ]
        ).execute()
        from kernel.models import UserRoleMember

        UserRoleMember.insert_many(
            [
                {"user": u.id, "role": role.id}
                for u in User.select().where(User.first_name == "Clerk")
            ]
        ).execute()
    queries = []
    handler = logging.Handler()
    handler.emit = lambda record: queries.append(record)
    logger = logging.getLogger("peewee")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        first = page_text(admin.get("/admin/users/"))
    finally:
        logger.removeHandler(handler)
    assert "124 users." in first and "Page 1 of 3" in first
    assert first.count("Data entry") == 47  # Ada, Ana and Ben sort before the clerks
    # Session user, authorities, count, page, roles of the page: not one query per row.
    assert len(queries) <= 8
    third = page_text(admin.get("/admin/users/?page=3"))
    assert "Page 3 of 3" in third and 'rel="next"' not in third
    assert "Page 3 of 3" in page_text(admin.get("/admin/users/?page=99"))
    assert admin.get("/admin/users/?page=abc").status_code == 400
    assert admin.get("/admin/users/?page=0").status_code == 400


# --- create -----------------------------------------------------------------------------


def test_create_a_user_who_can_then_log_in(app, admin: Browser, sign_in):
    with app.app_context():
        role = ensure_role("Messaging user", ["M_dhis-web-messaging"])
        group = UserGroup.get(UserGroup.name == "District officers")
    form = {**NEW_USER, "roles": [role.uid], "groups": [group.uid]}
    response = admin.post("/admin/users/new", form)
    assert response.status_code == 303
    page = page_text(admin.get(response.headers["Location"]))
    assert "Created the user kadi." in page
    with app.app_context():
        kadi = User.by_username("kadi")
        assert (kadi.first_name, kadi.surname, kadi.email) == ("Kadi", "Jalloh", "kadi@example.org")
        assert kadi.authorities() == {"M_dhis-web-messaging"}
        assert UserGroup.get_by_id(group.id).member_count == 3
    assert sign_in(app, "kadi", "long-enough").get("/").status_code == 200


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"username": ""}, "username", "Enter the username."),
        ({"username": "ana"}, "username", "already taken"),
        ({"username": "two words"}, "username", "cannot contain spaces"),
        ({"username": "x" * 256}, "username", "at most 255 characters"),
        ({"first_name": " "}, "first_name", "Enter the first name."),
        ({"surname": "y" * 161}, "surname", "at most 160 characters"),
        ({"email": "not-an-address"}, "email", "e-mail address such as"),
        ({"password": "short", "password_repeat": "short"}, "password", "at least 8"),
        ({"password_repeat": "different"}, "password_repeat", "two passwords differ"),
        ({"roles": ["AAAAAAAAAAA"]}, "roles", "does not exist"),
        ({"groups": ["AAAAAAAAAAA"]}, "groups", "does not exist"),
    ],
)
def test_create_refuses_bad_input_keeps_what_was_typed_and_creates_nothing(
    app, admin: Browser, change, field, message
):
    form = {**NEW_USER, **change}
    response = admin.post("/admin/users/new", form)
    page = page_text(response)
    assert response.status_code == 400
    assert message in page
    assert f'id="field-{field}-error"' in page or f"field-{field}-error" in page
    assert 'href="#field-' + field + '"' in page
    assert 'value="Jalloh"' in page or field == "surname"
    assert "long-enough" not in page  # passwords are never echoed back
    with app.app_context():
        assert User.select().count() == 4


def test_create_form_shows_all_problems_at_once(app, admin: Browser):
    response = admin.post("/admin/users/new", {"username": "ana", "email": "bad"})
    page = page_text(response)
    assert response.status_code == 400
    for field in ("username", "first_name", "surname", "email", "password"):
        assert f'id="field-{field}-error"' in page


# --- edit -------------------------------------------------------------------------------


def test_edit_names_email_roles_and_groups(app, admin: Browser):
    uid = uid_of(app, "ben")
    with app.app_context():
        role = ensure_role("Feedback handler", ["F_MANAGE_TICKETS"])
        team = UserGroup.create(name="Feedback team")
        officers = UserGroup.get(UserGroup.name == "District officers")
    form = {
        "first_name": "Benjamin",
        "surname": "Phiri",
        "email": "ben@example.org",
        "roles": [role.uid],
        "groups": [team.uid],
    }
    response = admin.post(f"/admin/users/{uid}", form)
    assert response.status_code == 303
    assert "Saved the changes to ben." in page_text(admin.get(response.headers["Location"]))
    with app.app_context():
        ben = User.by_username("ben")
        assert (ben.first_name, ben.email) == ("Benjamin", "ben@example.org")
        assert ben.authorities() == {"F_MANAGE_TICKETS"}
        assert UserGroup.get_by_id(team.id).member_count == 1
        assert UserGroup.get_by_id(officers.id).member_count == 1
    page = page_text(admin.get(f"/admin/users/{uid}"))
    assert f'value="{role.uid}" checked' in page and f'value="{team.uid}" checked' in page


def test_edit_refuses_bad_input_and_changes_nothing(app, admin: Browser):
    uid = uid_of(app, "ben")
    for form, message in [
        ({"first_name": "", "surname": "Phiri"}, "Enter the first name."),
        ({"first_name": "Ben", "surname": "Phiri", "email": "x@"}, "e-mail address such as"),
        ({"first_name": "Ben", "surname": "Phiri", "roles": ["AAAAAAAAAAA"]}, "does not exist"),
    ]:
        response = admin.post(f"/admin/users/{uid}", form)
        assert response.status_code == 400 and message in page_text(response)
    with app.app_context():
        ben = User.by_username("ben")
        assert ben.email is None and ben.group_ids()


def test_an_administrator_cannot_take_all_from_themselves(app, admin: Browser):
    uid = uid_of(app, "admin")
    response = admin.post(f"/admin/users/{uid}", {"first_name": "Ada", "surname": "Admin"})
    assert response.status_code == 400
    assert "Keep a role with the authority ALL" in page_text(response)
    assert admin.get("/admin/").status_code == 200


# --- password, disable, enable -----------------------------------------------------------


def test_set_password_then_the_user_logs_in_with_it(app, admin: Browser, sign_in):
    uid = uid_of(app, "eve")
    form = {"password": "brand-new-pass", "password_repeat": "brand-new-pass"}
    response = admin.post(f"/admin/users/{uid}/password", form)
    assert response.status_code == 303
    assert "Set a new password for eve." in page_text(admin.get(response.headers["Location"]))
    assert sign_in(app, "eve", "brand-new-pass").get("/").status_code == 200


def test_set_password_refuses_short_or_mismatched_passwords(app, admin: Browser, sign_in):
    uid = uid_of(app, "eve")
    for form, message in [
        ({"password": "short", "password_repeat": "short"}, "at least 8"),
        ({"password": "x" * 257, "password_repeat": "x" * 257}, "at most 256"),
        ({"password": "long-enough", "password_repeat": "long-enougH"}, "differ"),
    ]:
        response = admin.post(f"/admin/users/{uid}/password", form)
        assert response.status_code == 400 and message in page_text(response)
    assert sign_in(app, "eve").get("/").status_code == 200  # old password still works


def test_disable_asks_first_then_signs_the_user_out(app, admin: Browser, sign_in):
    eve = sign_in(app, "eve")
    uid = uid_of(app, "eve")
    confirmation = page_text(admin.get(f"/admin/users/{uid}/disable"))
    assert "Disable Eve Outsider?" in confirmation
    assert f'action="/admin/users/{uid}/disable"' in confirmation
    with app.app_context():
        assert not User.by_username("eve").disabled
    response = admin.post(f"/admin/users/{uid}/disable")
    assert response.status_code == 303
    assert "Disabled eve" in page_text(admin.get(response.headers["Location"]))
    assert eve.get("/").status_code == 302  # signed out on the next request
    assert sign_in(app, "eve").get("/").status_code == 302  # and cannot sign in
    assert "Disabled" in page_text(admin.get("/admin/users/?q=eve"))

    assert "Enable Eve Outsider?" in page_text(admin.get(f"/admin/users/{uid}/enable"))
    assert admin.post(f"/admin/users/{uid}/enable").status_code == 303
    assert sign_in(app, "eve").get("/").status_code == 200


def test_an_administrator_cannot_disable_themselves(app, admin: Browser):
    uid = uid_of(app, "admin")
    assert "Disable account" not in page_text(admin.get(f"/admin/users/{uid}"))
    response = admin.post(f"/admin/users/{uid}/disable")
    assert response.status_code == 400
    assert "cannot disable your own account" in page_text(response)
    with app.app_context():
        assert not User.by_username("admin").disabled


def test_a_user_without_password_is_shown_as_unable_to_sign_in(app, admin: Browser):
    with app.app_context():
        uid = create_user("imported", "Imp", "Orted").uid
    assert "cannot sign in until one is set" in page_text(admin.get(f"/admin/users/{uid}"))


def test_roles_offered_on_the_form_come_from_the_roles_page(app, admin: Browser):
    with app.app_context():
        names = [role.name for role in UserRole.by_name()]
    page = page_text(admin.get("/admin/users/new"))
    for name in names:
        assert name in page
