"""Administering user groups: list with member counts, create, rename, members."""

from __future__ import annotations

import pytest

from kernel.models import User, UserGroup
from tests.conftest import Browser


def group(app, name: str = "District officers") -> UserGroup:
    with app.app_context():
        return UserGroup.get(UserGroup.name == name)


def uid_of(app, username: str) -> str:
    with app.app_context():
        return User.by_username(username).uid


def page_text(response) -> str:
    return response.get_data(as_text=True)


def test_list_shows_groups_with_member_counts(app, admin: Browser):
    with app.app_context():
        UserGroup.create(name="Empty group", code="EMPTY")
    page = page_text(admin.get("/admin/groups/"))
    assert "2 groups." in page
    assert "District officers</a></th>\n        <td>–</td>\n        <td>2</td>" in page
    assert "EMPTY" in page


def test_group_search_with_and_without_htmx(app, admin: Browser):
    with app.app_context():
        UserGroup.create(name="Facility staff")
    assert "Facility staff" not in page_text(admin.get("/admin/groups/?q=district"))
    partial = page_text(admin.get("/admin/groups/?q=staff", headers={"HX-Request": "true"}))
    assert partial.lstrip().startswith('<div id="group-list">') and "Facility staff" in partial
    assert "No group matches “nothing”." in page_text(admin.get("/admin/groups/?q=nothing"))


def test_empty_state_when_there_are_no_groups(app, admin: Browser):
    with app.app_context():
        UserGroup.delete().execute()
    assert "There are no user groups yet." in page_text(admin.get("/admin/groups/"))


def test_create_a_group_then_add_its_first_member(app, admin: Browser):
    response = admin.post("/admin/groups/new", {"name": "Feedback team", "code": "FB"})
    assert response.status_code == 303
    page = page_text(admin.get(response.headers["Location"]))
    assert "Created the group Feedback team." in page
    assert "This group has no members yet" in page
    with app.app_context():
        assert UserGroup.get(UserGroup.name == "Feedback team").code == "FB"


@pytest.mark.parametrize(
    "form, field, message",
    [
        ({"name": ""}, "name", "Enter the group name."),
        ({"name": "District officers"}, "name", "already a group named"),
        ({"name": "n" * 231}, "name", "at most 230 characters"),
        ({"name": "Other", "code": "c" * 51}, "code", "at most 50 characters"),
    ],
)
def test_create_group_refuses_bad_input_and_creates_nothing(
    app, admin: Browser, form, field, message
):
    response = admin.post("/admin/groups/new", form)
    page = page_text(response)
    assert response.status_code == 400
    assert message in page and f'id="field-{field}-error"' in page
    assert f'value="{form["name"]}"' in page
    with app.app_context():
        assert UserGroup.select().count() == 1


def test_duplicate_code_is_refused(app, admin: Browser):
    with app.app_context():
        UserGroup.create(name="Coded", code="C1")
    response = admin.post("/admin/groups/new", {"name": "Another", "code": "C1"})
    assert response.status_code == 400 and "already has the code" in page_text(response)


def test_rename_a_group_keeps_its_members(app, admin: Browser):
    uid = group(app).uid
    assert 'value="District officers"' in page_text(admin.get(f"/admin/groups/{uid}"))
    response = admin.post(f"/admin/groups/{uid}", {"name": "District health officers"})
    assert response.status_code == 303
    assert "Saved the group District health officers." in page_text(
        admin.get(response.headers["Location"])
    )
    with app.app_context():
        renamed = UserGroup.get(UserGroup.uid == uid)
        assert renamed.name == "District health officers" and renamed.member_count == 2


def test_rename_refuses_a_name_taken_by_another_group(app, admin: Browser):
    with app.app_context():
        UserGroup.create(name="Facility staff")
    uid = group(app).uid
    response = admin.post(f"/admin/groups/{uid}", {"name": "Facility staff"})
    assert response.status_code == 400
    assert group(app).name == "District officers"
    # Saving a group under its own name is fine.
    assert admin.post(f"/admin/groups/{uid}", {"name": "District officers"}).status_code == 303


def test_members_page_lists_members_and_finds_people_to_add(app, admin: Browser):
    uid = group(app).uid
    page = page_text(admin.get(f"/admin/groups/{uid}/members"))
    assert "2 members." in page and "Ana Banda" in page and "Ben Phiri" in page
    found = page_text(admin.get(f"/admin/groups/{uid}/members?find=eve"))
    assert "Eve Outsider" in found
    partial = page_text(
        admin.get(
            f"/admin/groups/{uid}/members?find=an",
            headers={"HX-Request": "true", "HX-Target": "candidates"},
        )
    )
    assert partial.lstrip().startswith('<div id="candidates">')
    # Ana is a member already, so she is not offered; nor is anyone for one letter.
    assert "Ana Banda" not in partial
    assert "Eve Outsider" not in page_text(admin.get(f"/admin/groups/{uid}/members?find=e"))
    assert "Nobody outside the group matches" in page_text(
        admin.get(f"/admin/groups/{uid}/members?find=zz")
    )
    members = page_text(
        admin.get(f"/admin/groups/{uid}/members?q=ben", headers={"HX-Request": "true"})
    )
    assert members.lstrip().startswith('<div id="member-list">')
    assert "Ben Phiri" in members and "Ana Banda" not in members


def test_add_a_member_updates_the_member_count(app, admin: Browser):
    uid = group(app).uid
    response = admin.post(f"/admin/groups/{uid}/members/add", {"user": uid_of(app, "eve")})
    assert response.status_code == 303
    assert "Added Eve Outsider to District officers." in page_text(
        admin.get(response.headers["Location"])
    )
    assert group(app).member_count == 3
    assert "3 members." in page_text(admin.get(f"/admin/groups/{uid}/members"))


def test_add_refuses_unknown_or_missing_users(app, admin: Browser):
    uid = group(app).uid
    for form in ({"user": "AAAAAAAAAAA"}, {}):
        response = admin.post(f"/admin/groups/{uid}/members/add", form)
        assert response.status_code == 400
        assert "Choose a user to add" in page_text(response)
    assert group(app).member_count == 2


def test_remove_a_member_after_confirmation(app, admin: Browser):
    uid, ana = group(app).uid, uid_of(app, "ana")
    confirmation = page_text(admin.get(f"/admin/groups/{uid}/members/remove?user={ana}"))
    assert "Remove Ana Banda from District officers?" in confirmation
    assert f'name="user" value="{ana}"' in confirmation
    assert group(app).member_count == 2
    response = admin.post(f"/admin/groups/{uid}/members/remove", {"user": ana})
    assert response.status_code == 303
    assert "Removed Ana Banda from District officers." in page_text(
        admin.get(response.headers["Location"])
    )
    with app.app_context():
        refreshed = UserGroup.get(UserGroup.uid == uid)
        assert refreshed.member_count == 1
        assert User.by_username("ana").id not in refreshed.member_ids()


def test_remove_refuses_someone_who_is_not_a_member(app, admin: Browser):
    uid = group(app).uid
    for user in (uid_of(app, "eve"), "AAAAAAAAAAA", ""):
        response = admin.post(f"/admin/groups/{uid}/members/remove", {"user": user})
        assert response.status_code == 400
        assert "not a member of this group" in page_text(response)
    assert group(app).member_count == 2
