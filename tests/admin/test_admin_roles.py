"""Administering user roles and their authorities; ALL makes a superuser."""

from __future__ import annotations

import pytest

from kernel.models import User, UserRole
from kernel.people import SUPERUSER_ROLE, ensure_role
from tests.conftest import Browser


def page_text(response) -> str:
    return response.get_data(as_text=True)


def test_roles_list_shows_authorities_and_user_counts(app, admin: Browser):
    with app.app_context():
        ensure_role("Messaging user", ["M_dhis-web-messaging", "F_SEND_EMAIL"])
    page = page_text(admin.get("/admin/roles/"))
    assert SUPERUSER_ROLE in page and "ALL" in page
    assert "F_SEND_EMAIL, M_dhis-web-messaging" in page
    assert "<td>1</td>" in page and "<td>0</td>" in page


def test_create_a_role_with_authorities_one_per_line(app, admin: Browser):
    form = {
        "name": "Feedback handler",
        "authorities": "F_MANAGE_TICKETS\r\n\r\n  M_dhis-web-messaging \nF_MANAGE_TICKETS",
    }
    response = admin.post("/admin/roles/new", form)
    assert response.status_code == 303
    assert "Created the role Feedback handler." in page_text(
        admin.get(response.headers["Location"])
    )
    with app.app_context():
        role = UserRole.get(UserRole.name == "Feedback handler")
        assert role.authority_names() == ["F_MANAGE_TICKETS", "M_dhis-web-messaging"]


def test_a_role_with_all_makes_its_users_administrators(app, admin: Browser, sign_in):
    admin.post("/admin/roles/new", {"name": "Administrators", "authorities": "ALL"})
    with app.app_context():
        role = UserRole.get(UserRole.name == "Administrators")
        ben = User.by_username("ben")
    ben_browser = sign_in(app, "ben")
    assert ben_browser.get("/admin/").status_code == 403
    admin.post(
        f"/admin/users/{ben.uid}", {"first_name": "Ben", "surname": "Phiri", "roles": [role.uid]}
    )
    assert ben_browser.get("/admin/").status_code == 200


@pytest.mark.parametrize(
    "form, field, message",
    [
        ({"name": "", "authorities": "ALL"}, "name", "Enter the role name."),
        ({"name": SUPERUSER_ROLE, "authorities": ""}, "name", "already a role named"),
        ({"name": "r" * 231}, "name", "at most 230 characters"),
        ({"name": "Spaces", "authorities": "F_USER ADD"}, "authorities", "single words"),
        ({"name": "Long", "authorities": "A" * 256}, "authorities", "at most 255"),
        ({"name": "NUL", "authorities": "F_USER\x00ADD"}, "authorities", "single words"),
    ],
)
def test_create_role_refuses_bad_input_and_creates_nothing(
    app, admin: Browser, form, field, message
):
    response = admin.post("/admin/roles/new", form)
    page = page_text(response)
    assert response.status_code == 400
    assert message in page and f'id="field-{field}-error"' in page
    with app.app_context():
        assert UserRole.select().count() == 1


def test_edit_a_role_renames_it_and_replaces_its_authorities(app, admin: Browser):
    with app.app_context():
        role = ensure_role("Messaging user", ["M_dhis-web-messaging"])
    page = page_text(admin.get(f"/admin/roles/{role.uid}"))
    assert "M_dhis-web-messaging</textarea>" in page
    response = admin.post(
        f"/admin/roles/{role.uid}", {"name": "Messenger", "authorities": "F_SEND_EMAIL"}
    )
    assert response.status_code == 303
    with app.app_context():
        changed = UserRole.get_by_id(role.id)
        assert changed.name == "Messenger" and changed.authority_names() == ["F_SEND_EMAIL"]


def test_edit_role_refuses_a_control_character_in_an_authority(app, admin: Browser):
    # NUL reached PostgreSQL, which refuses it: a 500 there, stored on SQLite.
    with app.app_context():
        role = ensure_role("Messaging user", ["M_dhis-web-messaging"])
    response = admin.post(f"/admin/roles/{role.uid}", {"name": "M", "authorities": "F_A\x00B"})
    assert response.status_code == 400
    assert "single words" in page_text(response)
    with app.app_context():
        assert UserRole.get_by_id(role.id).authority_names() == ["M_dhis-web-messaging"]


def test_edit_role_keeps_typed_values_on_error(app, admin: Browser):
    with app.app_context():
        role = ensure_role("Messaging user", ["M_dhis-web-messaging"])
    response = admin.post(
        f"/admin/roles/{role.uid}", {"name": SUPERUSER_ROLE, "authorities": "F_ONE\nF_TWO"}
    )
    page = page_text(response)
    assert response.status_code == 400
    assert "F_ONE\nF_TWO</textarea>" in page
    with app.app_context():
        assert UserRole.get_by_id(role.id).name == "Messaging user"


def test_an_administrator_cannot_take_all_from_their_only_all_role(app, admin: Browser):
    with app.app_context():
        role = UserRole.get(UserRole.name == SUPERUSER_ROLE)
    response = admin.post(
        f"/admin/roles/{role.uid}", {"name": SUPERUSER_ROLE, "authorities": "F_X"}
    )
    assert response.status_code == 400
    assert "keep ALL" in page_text(response)
    assert admin.get("/admin/").status_code == 200
    # With another ALL role, taking ALL from this one is fine.
    with app.app_context():
        other = ensure_role("Root", ["ALL"])
        from kernel.models import UserRoleMember

        UserRoleMember.create(user=User.by_username("admin"), role=other)
    response = admin.post(
        f"/admin/roles/{role.uid}", {"name": SUPERUSER_ROLE, "authorities": "F_X"}
    )
    assert response.status_code == 303
