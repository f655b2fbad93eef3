"""The API shell: pager, filter and order parsing, fields selection, and JSON errors."""

from __future__ import annotations

import pytest
from flask import Blueprint

from kernel import create_app, hookimpl
from kernel.api.envelopes import ApiError
from kernel.api.fields import parse_fields
from kernel.models import UserGroup
from kernel.people import create_user
from tests.api.conftest import ApiClient, assert_error, basic


@pytest.fixture
def crowd(app, people):
    """Twelve more users, u00 … u11, so lists have pages."""
    with app.app_context():
        for n in range(12):
            create_user(f"u{n:02}", "Crowd", f"Member {n:02}")


def ids(response, key="users") -> list[str]:
    return [item["id"] for item in response.get_json()[key]]


# --- pager --------------------------------------------------------------------------------


def test_pager_counts_pages_and_links_the_next_one(api, crowd):
    response = api("ana").get("/api/users?pageSize=5&page=2&fields=id")
    body = response.get_json()
    assert body["pager"]["page"] == 2
    assert body["pager"]["pageCount"] == 4
    assert body["pager"]["total"] == 16
    assert body["pager"]["pageSize"] == 5
    assert body["pager"]["nextPage"] == "http://localhost/api/users?pageSize=5&fields=id&page=3"
    assert body["pager"]["prevPage"].endswith("page=1")
    assert len(body["users"]) == 5


def test_last_page_has_no_next_page(api, crowd):
    pager = api("ana").get("/api/users?pageSize=5&page=4").get_json()["pager"]
    assert "nextPage" not in pager


def test_pages_never_overlap_and_cover_everyone(api, crowd):
    client = api("ana")
    seen = [
        uid
        for page in (1, 2, 3, 4)
        for uid in ids(client.get(f"/api/users?pageSize=5&page={page}"))
    ]
    assert len(seen) == len(set(seen)) == 16


def test_page_past_the_end_is_empty_not_an_error(api, crowd):
    body = api("ana").get("/api/users?pageSize=5&page=99").get_json()
    assert body["users"] == []
    assert body["pager"]["total"] == 16
    assert body["pager"]["page"] == 99
    assert "nextPage" not in body["pager"]
    assert body["pager"]["prevPage"].endswith("page=4")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("pageSize=0", "pageSize must be a whole number from 1 to 1000, not '0'"),
        ("pageSize=1001", "pageSize must be a whole number from 1 to 1000"),
        ("pageSize=ten", "pageSize must be a whole number"),
        ("pageSize=-5", "pageSize must be a whole number"),
        ("page=0", "page must be a whole number from 1"),
        ("page=1.5", "page must be a whole number"),
        ("paging=maybe", "paging must be true or false"),
    ],
)
def test_bad_paging_parameters_are_a_clear_400(api, query, message):
    assert_error(api("ana").get(f"/api/users?{query}"), 400, message)


def test_page_size_bounds_are_accepted(api, crowd):
    assert len(ids(api("ana").get("/api/users?pageSize=1"))) == 1
    assert len(ids(api("ana").get("/api/users?pageSize=1000"))) == 16


def test_unbounded_list_refuses_paging_false(api):
    assert_error(api("ana").get("/api/users?paging=false"), 400, "paging=false is not allowed")


def test_bounded_list_allows_paging_false_without_a_pager(api, app):
    with app.app_context():
        UserGroup.create(name="Feedback team")
    body = api("ana").get("/api/userGroups?paging=false").get_json()
    assert "pager" not in body
    assert [g["displayName"] for g in body["userGroups"]] == ["District officers", "Feedback team"]


# --- filter -------------------------------------------------------------------------------


def usernames(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return sorted(u["username"] for u in response.get_json()["users"])


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (["username:eq:ana"], ["ana"]),
        (["username:!eq:ana", "surname:ne:Outsider"], ["admin", "ben"]),
        (["username:in:[ana,ben]"], ["ana", "ben"]),
        (["username:!in:[ana,ben,admin]"], ["eve"]),
        (["firstName:ilike:AN"], ["ana"]),
        (["firstName:like:An"], ["ana"]),
        (["firstName:like:AN"], []),
        (["firstName:$ilike:a"], ["admin", "ana"]),
        (["firstName:$like:A"], ["admin", "ana"]),
        (["surname:like$:der"], ["eve"]),
        (["surname:ilike$:DER"], ["eve"]),
        (["displayName:token:banda an"], ["ana"]),
        (["displayName:!token:a"], ["ben", "eve"]),
        (["username:ieq:ANA"], ["ana"]),
        (["username:gt:b"], ["ben", "eve"]),
        (["firstName:ilike:100%"], []),
        (["firstName:ilike:_"], []),
    ],
)
def test_filter_operators(api, filters, expected):
    query = "&".join(f"filter={f}" for f in filters)
    assert usernames(api("ana").get(f"/api/users?fields=username&{query}")) == expected


def test_filters_are_anded_unless_root_junction_is_or(api):
    both = "filter=username:eq:ana&filter=username:eq:ben"
    assert usernames(api("ana").get(f"/api/users?fields=username&{both}")) == []
    assert usernames(api("ana").get(f"/api/users?fields=username&{both}&rootJunction=OR")) == [
        "ana",
        "ben",
    ]


def test_filter_value_may_contain_colons(api):
    assert usernames(api("ana").get("/api/users?filter=displayName:eq:Ana:Banda")) == []


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("filter=email:eq:x", 400, "Unknown property 'email'"),
        ("filter=password_hash:eq:x", 400, "Unknown property 'password_hash'"),
        ("filter=username:regex:x", 400, "Operator 'regex' is not supported for username"),
        ("filter=username", 400, "use property:operator:value"),
        ("filter=username:eq", 400, "needs a value"),
        ("filter=:eq:x", 400, "use property:operator:value"),
        ("filter=username:in:[]", 400, "needs a list of values"),
        ("filter=displayName:token:%20", 400, "at least one word"),
        ("rootJunction=XOR&filter=username:eq:ana", 400, "rootJunction must be AND or OR"),
        ("order=password_hash:asc", 400, "Cannot order by 'password_hash'"),
        ("order=username:sideways", 400, "Order direction 'sideways' is unknown"),
    ],
)
def test_bad_filter_and_order_are_a_clear_400(api, query, status, message):
    assert_error(api("ana").get(f"/api/users?{query}"), status, message)


def test_too_many_filters_are_refused(api):
    query = "&".join("filter=username:eq:ana" for _ in range(31))
    assert_error(api("ana").get(f"/api/users?{query}"), 400, "at most 30 filters")


def test_typed_filters_check_their_values(api, converse):
    converse()
    client = api("ben")
    for query, message in [
        ("filter=read:eq:yes", "must be true or false"),
        ("filter=messageCount:gt:many", "must be a whole number"),
        ("filter=messageCount:eq:" + "9" * 40, "is out of range"),
        ("filter=lastMessage:gt:yesterday", "must be a date or time"),
        ("filter=lastMessage:gt:0001-01-01T00:00:00%2B14:00", "must be a date or time"),
        ("filter=status:eq:DONE", "not a valid status; use one of NONE, OPEN"),
        ("filter=read:like:true", "Operator 'like' is not supported for read"),
        ("filter=subject:eq:a%00b", "value for subject contains a NUL character"),
        ("filter=id:in:[abc,d%00]", "value for id contains a NUL character"),
        ("filter=messageType:!eq:%00", "value for messageType contains a NUL character"),
    ]:
        assert_error(client.get(f"/api/messageConversations?{query}"), 400, message)


# --- order --------------------------------------------------------------------------------


def test_order_by_several_properties_and_directions(api, crowd):
    client = api("ana")
    response = client.get("/api/users?fields=username&order=firstName:desc,username:asc&pageSize=3")
    assert [u["username"] for u in response.get_json()["users"]] == ["eve", "u00", "u01"]
    response = client.get("/api/users?fields=username&order=surname:idesc&pageSize=2")
    assert [u["username"] for u in response.get_json()["users"]] == ["ben", "eve"]


# --- fields -------------------------------------------------------------------------------


def test_fields_select_rename_nothing_and_ignore_unknown_names(api, people):
    body = api("ana").get("/api/me?fields=id,displayName,nonsense").get_json()
    assert body == {"id": people["ana"].uid, "displayName": "Ana Banda"}


def test_fields_star_exclusion_and_presets(api, people):
    client = api("ana")
    star = client.get("/api/me?fields=*,!userRoles,!authorities").get_json()
    assert "userRoles" not in star and "authorities" not in star
    assert star["userGroups"] == [{"id": star["userGroups"][0]["id"]}]
    identifiable = client.get("/api/me?fields=:identifiable").get_json()
    assert set(identifiable) == {"id", "name", "displayName", "created", "href"}


def test_fields_nest_objects(api, people):
    body = api("ana").get("/api/me?fields=userGroups[name,displayName]").get_json()
    assert body == {
        "userGroups": [{"name": "District officers", "displayName": "District officers"}]
    }


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ("id,userGroups[name", "is never closed"),
        ("id]", "unbalanced"),
        ("a" * 2001, "longer than 2000"),
        ("a[" * 8 + "]" * 8, "at most 6 levels"),
    ],
)
def test_malformed_fields_are_a_clear_400(api, fields, message):
    assert_error(api("ana").get(f"/api/me?fields={fields}"), 400, message)


def test_parse_fields_understands_nesting_and_exclusions():
    parsed = parse_fields("id,messages[text,sender(id,displayName)],!read")
    assert parsed.excluded == {"read"}
    (first, _), (second, messages) = parsed.items
    assert (first, second) == ("id", "messages")
    assert [name for name, _ in messages.items] == ["text", "sender"]
    assert [name for name, _ in messages.items[1][1].items] == ["id", "displayName"]


# --- errors are JSON ----------------------------------------------------------------------


def test_unknown_endpoint_is_a_json_404(api):
    assert_error(api("ana").get("/api/nothingHere"), 404, "no API endpoint at /api/nothingHere")


def test_wrong_method_is_a_json_405_with_allow(api):
    response = api("ana").delete("/api/me")
    assert_error(response, 405, "Request method 'DELETE' is not supported")
    assert "GET" in response.headers["Allow"]


def test_unexpected_failure_in_a_plugin_api_route_is_a_json_500(make_app, people):
    blueprint = Blueprint("broken", __name__, url_prefix="/api")

    @blueprint.get("/broken")
    def broken():
        raise RuntimeError("bug")

    class Broken:
        @hookimpl
        def mailroom_blueprints(self):
            return [blueprint]

    app = make_app(extra_plugins=[Broken()])
    response = ApiClient(app, basic("ana")).get("/api/broken")
    body = assert_error(response, 500, "the error has been logged")
    assert "bug" not in body["message"]


def test_api_error_raised_by_a_plugin_route_becomes_its_envelope(make_app, people):
    blueprint = Blueprint("teapot", __name__, url_prefix="/api")

    @blueprint.get("/teapot")
    def teapot():
        raise ApiError(409, "The pot is already brewing.")

    class Teapot:
        @hookimpl
        def mailroom_blueprints(self):
            return [blueprint]

    app = make_app(extra_plugins=[Teapot()])
    body = assert_error(ApiClient(app, basic("ana")).get("/api/teapot"), 409, "already brewing")
    assert body["httpStatus"] == "Conflict"


def test_database_outage_is_a_json_503(tmp_path):
    app = create_app(
        {
            "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/mailroom",
            "INSTANCE_PATH": tmp_path,
            "PLUGINS": [],
        }
    )
    response = app.test_client().get("/api/me", headers=basic("ana"))
    assert_error(response, 503, "database cannot be reached")


def test_html_pages_still_get_html_errors(app, people, sign_in):
    response = sign_in(app, "ana").get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
