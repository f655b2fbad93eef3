"""Only users with the authority ALL reach the administration pages: every page and every
form, checked on the server."""

from __future__ import annotations

import pytest

from kernel.models import User, UserGroup, UserRole
from tests.conftest import Browser


def admin_urls(app) -> list[tuple[str, str]]:
    """(method, url) for every administration route, with real uids filled in."""
    with app.app_context():
        ids = {
            "admin.users": User.by_username("ben").uid,
            "admin.groups": UserGroup.get().uid,
            "admin.roles": UserRole.get().uid,
        }
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin"):
            continue
        area = rule.endpoint.rsplit(".", 1)[0]
        url = rule.rule.replace("<uid>", ids.get(area, ""))
        for method in sorted(rule.methods & {"GET", "POST"}):
            urls.append((method, url))
    return urls


def test_every_admin_route_is_covered(app, people):
    urls = admin_urls(app)
    # Users, groups and roles pages, each with GET and POST forms.
    assert len([u for u in urls if u[0] == "POST"]) >= 9
    assert ("GET", "/admin/") in urls


def test_a_user_without_all_gets_403_on_every_admin_page_and_form(app, ana: Browser):
    with app.app_context():
        before = (User.select().count(), UserGroup.select().count(), UserRole.select().count())
    for method, url in admin_urls(app):
        if method == "GET":
            response = ana.get(url)
        else:
            response = ana.post(
                url,
                {
                    "username": "mallory",
                    "first_name": "M",
                    "surname": "X",
                    "name": "Hijacked",
                    "authorities": "ALL",
                    "password": "long-enough",
                    "password_repeat": "long-enough",
                },
            )
        assert response.status_code == 403, (method, url)
        assert "You do not have access to this page." in response.get_data(as_text=True)
    with app.app_context():
        after = (User.select().count(), UserGroup.select().count(), UserRole.select().count())
        assert after == before
        assert not User.by_username("ben").disabled


def test_htmx_requests_from_a_user_without_all_are_refused_too(app, ana: Browser):
    response = ana.get("/admin/users/?q=a", headers={"HX-Request": "true"})
    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(app, people):
    browser = Browser(app.test_client())
    for method, url in admin_urls(app):
        response = browser.get(url) if method == "GET" else browser.post(url, {})
        assert response.status_code == 302, (method, url)
        assert "/login" in response.headers["Location"]


def test_an_administrator_reaches_every_admin_page(app, admin: Browser):
    for method, url in admin_urls(app):
        if method == "GET" and "remove" not in url:
            assert admin.get(url).status_code == 200, url


def test_a_form_posted_without_csrf_token_is_refused_and_changes_nothing(app, admin: Browser):
    response = admin.post(
        "/admin/groups/new", {"name": "Forged"}, csrf=False, headers={"Referer": "x"}
    )
    assert response.status_code == 400
    with app.app_context():
        assert UserGroup.get_or_none(UserGroup.name == "Forged") is None


@pytest.mark.parametrize("username, shown", [("admin", True), ("ana", False)])
def test_administration_link_in_the_header_only_for_all(app, people, sign_in, username, shown):
    page = sign_in(app, username).get("/").get_data(as_text=True)
    assert ('href="/admin/">Administration</a>' in page) is shown


def test_unknown_uids_in_admin_urls_are_404(app, admin: Browser):
    for url in (
        "/admin/users/AAAAAAAAAAA",
        "/admin/users/AAAAAAAAAAA/password",
        "/admin/groups/AAAAAAAAAAA/members",
        "/admin/roles/AAAAAAAAAAA",
    ):
        assert admin.get(url).status_code == 404, url


def test_nul_characters_and_malformed_uids_never_reach_the_database(app, admin: Browser):
    # PostgreSQL refuses NUL in text; these must not become 500s on either database.
    response = admin.post("/admin/groups/new", {"name": "Night\x00shift"})
    assert response.status_code == 303
    with app.app_context():
        assert UserGroup.get_or_none(UserGroup.name == "Nightshift") is not None
    assert admin.get("/admin/users/?q=a%00b").status_code == 200
    assert admin.get("/admin/users/ab%00cdefghi").status_code == 404
    with app.app_context():
        uid = UserGroup.get(UserGroup.name == "District officers").uid
    response = admin.post(f"/admin/groups/{uid}/members/remove", {"user": "x\x00"})
    assert response.status_code == 400
    response = admin.post(f"/admin/groups/{uid}/members/add", {"user": "x\x00"})
    assert response.status_code == 400
