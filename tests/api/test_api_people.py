"""/api/me, /api/me/dashboard, /api/system/info, /api/users and /api/userGroups."""

from __future__ import annotations

from datetime import datetime

from kernel.models import UserGroup
from tests.api.conftest import assert_error, counting_queries


def test_me_describes_the_caller_with_groups_and_authorities(api, people):
    body = api("admin").get("/api/me").get_json()
    assert body["id"] == people["admin"].uid
    assert body["username"] == "admin"
    assert (body["firstName"], body["surname"], body["displayName"]) == (
        "Ada",
        "Admin",
        "Ada Admin",
    )
    assert body["authorities"] == ["ALL"]
    assert body["userRoles"] == [{"id": body["userRoles"][0]["id"], "name": "Mailroom superuser"}]
    ana = api("ana").get("/api/me").get_json()
    assert ana["authorities"] == []
    group = UserGroup.get(UserGroup.name == "District officers")
    assert ana["userGroups"] == [{"id": group.uid, "name": "District officers"}]


def test_me_shows_the_callers_own_email(api, app, people):
    people["ana"].email = "ana@example.org"
    people["ana"].save()
    assert api("ana").get("/api/me?fields=email").get_json() == {"email": "ana@example.org"}


def test_me_fields_as_the_messaging_app_asks(api, people):
    body = api("ana").get("/api/me?fields=id,authorities,userGroups[id]").get_json()
    assert set(body) == {"id", "authorities", "userGroups"}
    assert set(body["userGroups"][0]) == {"id"}


def test_dashboard_counts_unread_conversations_and_is_never_cached(api, converse):
    converse(subject="One")
    converse(subject="Two")
    response = api("ben").get("/api/me/dashboard")
    assert response.get_json() == {"unreadMessageConversations": 2, "unreadInterpretations": 0}
    assert response.headers["Cache-Control"] == "no-store"
    assert api("ana").get("/api/me/dashboard").get_json()["unreadMessageConversations"] == 0


def test_system_info(api):
    body = api("ana").get("/api/system/info").get_json()
    assert body["systemName"] == "Mailroom"
    assert body["version"]
    assert body["contextPath"] == "http://localhost"
    server_date = datetime.fromisoformat(body["serverDate"])
    assert abs((server_date - datetime.utcnow()).total_seconds()) < 60


def test_users_list_shows_only_public_fields_to_ordinary_users(api, people):
    people["ben"].email = "ben@example.org"
    people["ben"].save()
    client = api("ana")
    for url in (
        "/api/users?fields=*",
        "/api/users?fields=:all,email,disabled,userGroups,authorities,password_hash",
        f"/api/users/{people['ben'].uid}?fields=*,email",
    ):
        body = client.get(url).get_json()
        users = body.get("users", [body])
        assert users
        for user in users:
            assert set(user) <= {
                "id",
                "username",
                "firstName",
                "surname",
                "name",
                "displayName",
                "href",
            }
    assert "ben@example.org" not in client.get("/api/users?fields=*").get_data(as_text=True)


def test_ordinary_users_cannot_filter_or_order_by_hidden_fields(api, people):
    client = api("ana")
    assert_error(client.get("/api/users?filter=email:like:@"), 400, "Unknown property 'email'")
    assert_error(
        client.get("/api/users?filter=userGroups.id:eq:x"), 400, "Unknown property 'userGroups.id'"
    )
    assert_error(client.get("/api/users?order=email:asc"), 400, "Cannot order by 'email'")


def test_all_users_see_and_filter_everything(api, people):
    people["ben"].email = "ben@example.org"
    people["ben"].save()
    group = UserGroup.get(UserGroup.name == "District officers")
    client = api("admin")
    body = client.get(
        f"/api/users?fields=username,email,userGroups[name]&filter=userGroups.id:eq:{group.uid}"
        "&order=username:asc"
    ).get_json()
    assert body["users"] == [
        {"username": "ana", "userGroups": [{"name": "District officers"}]},
        {
            "username": "ben",
            "email": "ben@example.org",
            "userGroups": [{"name": "District officers"}],
        },
    ]
    found = client.get("/api/users?filter=email:eq:ben@example.org&fields=username").get_json()
    assert found["users"] == [{"username": "ben"}]


def test_one_user_by_id_and_unknown_ids(api, people):
    client = api("ana")
    body = client.get(f"/api/users/{people['ben'].uid}?fields=id,displayName").get_json()
    assert body == {"id": people["ben"].uid, "displayName": "Ben Phiri"}
    assert_error(client.get("/api/users/abcdefghijk"), 404, "User with id abcdefghijk")
    assert_error(client.get("/api/users/not-a-uid"), 404)


def test_user_groups_list_and_members_only_for_all(api, people):
    group = UserGroup.get(UserGroup.name == "District officers")
    ana = api("ana")
    listed = ana.get("/api/userGroups?fields=id,displayName,users").get_json()["userGroups"]
    assert listed == [{"id": group.uid, "displayName": "District officers"}]
    one = api("admin").get(f"/api/userGroups/{group.uid}?fields=name,users[username]").get_json()
    assert one == {"name": "District officers", "users": [{"username": "ana"}, {"username": "ben"}]}
    assert_error(ana.get("/api/userGroups/abcdefghijk"), 404, "UserGroup with id abcdefghijk")
    assert (
        ana.get("/api/userGroups?filter=displayName:token:district").get_json()["pager"]["total"]
        == 1
    )


def test_user_list_costs_a_fixed_number_of_queries(api, app, people):
    client = api("admin")
    fields = "/api/users?fields=id,userGroups[name],userRoles[name],authorities"
    client.get(fields)  # warm up: sign-in queries are not the list's
    with counting_queries(app) as few:
        client.get(fields + "&pageSize=2")
    with counting_queries(app) as many:
        client.get(fields + "&pageSize=50")
    assert len(few) == len(many)
