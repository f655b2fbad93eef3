"""GET /api/userLookup and POST /api/metadata."""

from __future__ import annotations

import pytest

from kernel.models import User, UserGroup, UserRole
from kernel.people import create_user, set_disabled
from tests.api.conftest import assert_error
from tests.conftest import PASSWORD
from tests.metadata.conftest import ADMINS, KADI, MUSA, TEAM, refs, role, sample, user

# --- userLookup ---------------------------------------------------------------------------


def test_user_lookup_finds_enabled_users_by_name_in_dhis2_shape(app, api, people):
    with app.app_context():
        set_disabled(people["eve"], True)
    response = api("ana").get("/api/userLookup?query=phi")
    assert response.status_code == 200
    assert response.get_json() == {
        "users": [
            {
                "id": people["ben"].uid,
                "username": "ben",
                "firstName": "Ben",
                "surname": "Phiri",
                "displayName": "Ben Phiri",
            }
        ]
    }
    assert api("ana").get("/api/userLookup?query=outsider").get_json() == {"users": []}


def test_user_lookup_answers_at_most_25(app, api, people):
    with app.app_context():
        for n in range(30):
            create_user(f"nurse{n:02}", "Nurse", f"Number {n:02}")
    users = api("ana").get("/api/userLookup?query=nurse").get_json()["users"]
    assert len(users) == 25
    assert users[0]["username"] == "nurse00"


@pytest.mark.parametrize(
    "query, message",
    [("", "at least 2 characters"), ("a", "at least 2"), ("x" * 101, "longer than 100")],
)
def test_user_lookup_needs_a_real_query(api, people, query, message):
    assert_error(api("ana").get(f"/api/userLookup?query={query}"), 400, message)


def test_user_lookup_needs_credentials(app):
    assert_error(app.test_client().get("/api/userLookup?query=ben"), 401)


# --- metadata -----------------------------------------------------------------------------


def post_metadata(client, payload, query: str = ""):
    return client.post(f"/api/metadata{query}", payload)


def test_metadata_import_answers_the_dhis2_report(app, api, people):
    response = post_metadata(api("admin"), sample())
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert (body["httpStatus"], body["httpStatusCode"], body["status"]) == ("OK", 200, "OK")
    report = body["response"]
    assert report["status"] == "OK"
    assert report["stats"] == {"created": 5, "updated": 0, "deleted": 0, "ignored": 0, "total": 5}
    assert [t["klass"] for t in report["typeReports"]] == ["UserRole", "User", "UserGroup"]
    with app.app_context():
        assert User.get(User.uid == KADI).username == "kadi"
        team = UserGroup.get(UserGroup.uid == TEAM)
        assert team.member_ids() == {User.get(User.uid == MUSA).id}


def test_metadata_import_is_for_all_and_f_metadata_import(app, api, people):
    assert_error(post_metadata(api("ana"), sample()), 403, "F_METADATA_IMPORT")
    with app.app_context():
        assert not User.select().where(User.uid == KADI).exists()
        importers = UserRole.create(name="Importers")
        importers.grant(["F_METADATA_IMPORT"])
        create_user("imp", "Imp", "Orter", password=PASSWORD, roles=[importers])
    assert post_metadata(api("imp"), sample()).status_code == 200


def test_an_error_with_atomic_all_is_a_409_and_writes_nothing(app, api, people):
    payload = sample()
    payload["users"].append(user("userBad0001", "has space"))
    response = post_metadata(api("admin"), payload)
    body = assert_error(response, 409, "see full details in import report")
    report = body["response"]
    assert report["status"] == "ERROR"
    assert report["stats"]["ignored"] == 6 and report["stats"]["created"] == 0
    (refused,) = [o for t in report["typeReports"] for o in t["objectReports"]]
    assert refused["uid"] == "userBad0001"
    assert refused["errorReports"][0]["errorCode"] == "E4049"
    with app.app_context():
        assert not User.select().where(User.uid == KADI).exists()


def test_atomic_mode_none_writes_the_valid_objects_with_a_warning(app, api, people):
    payload = sample()
    payload["users"].append(user("userBad0001", "has space"))
    response = post_metadata(api("admin"), payload, "?atomicMode=NONE")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == body["response"]["status"] == "WARNING"
    assert body["response"]["stats"]["created"] == 5
    assert body["response"]["stats"]["ignored"] == 1
    with app.app_context():
        assert User.select().where(User.uid == KADI).exists()


def test_import_strategy_is_passed_on(app, api, people):
    assert post_metadata(api("admin"), sample()).status_code == 200
    response = post_metadata(
        api("admin"), {"userRoles": [role(ADMINS, "Admins")]}, "?importStrategy=UPDATE"
    )
    assert response.get_json()["response"]["stats"]["updated"] == 1
    response = post_metadata(
        api("admin"),
        {"users": [user("userNew0001", "newbie", userRoles=refs(ADMINS))]},
        "?importStrategy=UPDATE",
    )
    assert response.status_code == 409


@pytest.mark.parametrize(
    "payload, query, message",
    [
        (sample(), "?importStrategy=MERGE", "MERGE"),
        (sample(), "?atomicMode=SOME", "SOME"),
        ({"users": {"id": KADI}}, "", '"users" must be a list'),
        (["users"], "", "must be a JSON object"),
    ],
)
def test_bad_metadata_requests_are_a_400_and_write_nothing(
    app, api, people, payload, query, message
):
    assert_error(post_metadata(api("admin"), payload, query), 400, message)
    with app.app_context():
        assert User.select().count() == 4


def test_a_metadata_body_over_the_cap_is_refused_unread(api, people, monkeypatch):
    from kernel.api import metadata

    assert metadata.MAX_METADATA_BYTES == 50 * 1024 * 1024
    monkeypatch.setattr(metadata, "MAX_METADATA_BYTES", 1024)
    response = post_metadata(api("admin"), {"users": [user(KADI, "k" * 2000)]})
    assert_error(response, 413)
    assert post_metadata(api("admin"), {"users": [user(KADI, "kadi")]}).status_code == 200
