"""A URL naming a malformed uid names nothing: 404 on every page and API endpoint, without
looking it up. With a NUL character such a lookup was a 500 on PostgreSQL, which refuses
NUL in text, while SQLite answered 404."""

from __future__ import annotations

import pytest

from kernel.models import ApiToken, Message
from tests.api.conftest import ApiClient, assert_error, basic

MALFORMED = ["a%00bcdefghij", "%00", "x" * 300]

PAGES = [
    ("GET", "/conversations/{}"),
    ("POST", "/conversations/{}/reply"),
    ("POST", "/conversations/{}/state"),
    ("POST", "/conversations/{}/actions/priority"),
    ("GET", "/messages/PRIVATE/{}/add-participants"),
    ("GET", "/orgunits/{}"),
    ("GET", "/orgunits/{}/children"),
    ("GET", "/validation/rules/{}"),
    ("POST", "/validation/rules/{}"),
    ("GET", "/validation/templates/{}"),
    ("POST", "/validation/templates/{}"),
    ("POST", "/profile/tokens/{}/revoke"),
]
ENDPOINTS = [
    ("/api/users/{}", "User with id"),
    ("/api/userGroups/{}", "UserGroup with id"),
    ("/api/organisationUnits/{}", "OrganisationUnit with id"),
    ("/api/organisationUnitGroups/{}", "OrganisationUnitGroup with id"),
]


@pytest.mark.parametrize("uid", MALFORMED, ids=["nul-inside", "nul", "long"])
@pytest.mark.parametrize(("method", "url"), PAGES)
def test_a_page_naming_a_malformed_uid_is_404_and_changes_nothing(
    app, people, sign_in, method, url, uid
):
    admin = sign_in(app, "admin")
    admin.get("/profile")
    with app.app_context():
        ApiToken.issue(people["admin"], "Backup script")
        before = (Message.select().count(), ApiToken.select().count())
    if method == "GET":
        response = admin.get(url.format(uid))
    else:
        response = admin.post(url.format(uid), {"text": "Hello", "action": "followup"})
    assert response.status_code == 404
    assert "There is nothing at this address" in response.get_data(as_text=True)
    with app.app_context():
        assert (Message.select().count(), ApiToken.select().count()) == before


@pytest.mark.parametrize("uid", MALFORMED, ids=["nul-inside", "nul", "long"])
@pytest.mark.parametrize(("url", "message"), ENDPOINTS)
def test_an_api_object_named_by_a_malformed_uid_is_404(app, people, url, message, uid):
    response = ApiClient(app, basic("admin")).get(url.format(uid))
    assert_error(response, 404, message, "could not be found")
