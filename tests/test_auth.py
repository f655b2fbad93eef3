"""Signing in and out, throttling, CSRF, and the headers every response carries."""

from __future__ import annotations

from kernel.models import LoginFailure
from tests.conftest import Browser


def test_anonymous_user_is_sent_to_login_with_the_page_to_return_to(app):
    response = app.test_client().get("/messages")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/messages"


def test_anonymous_htmx_request_is_told_to_navigate_to_login(app):
    response = app.test_client().get("/badge", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/login"


def test_login_then_return_to_the_page_asked_for(browser, people):
    browser.get("/login?next=/messages")
    response = browser.post(
        "/login", {"username": "ana", "password": "district", "next": "/messages"}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/messages"


def test_login_never_redirects_off_site(browser, people):
    browser.get("/login")
    response = browser.post(
        "/login", {"username": "ana", "password": "district", "next": "https://evil.example/x"}
    )
    assert response.headers["Location"] == "/"


def test_wrong_password_is_refused_with_a_clear_message(browser, people):
    browser.get("/login")
    response = browser.post("/login", {"username": "ana", "password": "wrong"})
    assert response.status_code == 401
    assert "Wrong username or password." in response.get_data(as_text=True)
    assert browser.get("/").status_code == 302


def test_unknown_user_gets_the_same_message_as_a_wrong_password(browser, people):
    browser.get("/login")
    response = browser.post("/login", {"username": "nobody", "password": "district"})
    assert response.status_code == 401
    assert "Wrong username or password." in response.get_data(as_text=True)


def test_empty_login_form_is_a_400_with_a_message(browser, people):
    browser.get("/login")
    response = browser.post("/login", {"username": "", "password": ""})
    assert response.status_code == 400
    assert "Enter your username and password." in response.get_data(as_text=True)


def test_disabled_user_cannot_log_in(browser, people):
    people["ana"].disabled = True
    people["ana"].save()
    browser.get("/login")
    assert browser.post("/login", {"username": "ana", "password": "district"}).status_code == 401


def test_disabled_user_loses_an_open_session(browser, people):
    browser.login("ana")
    assert browser.get("/").status_code == 200
    from kernel.models import User

    User.update(disabled=True).where(User.username == "ana").execute()
    assert browser.get("/").status_code == 302


def test_repeated_failures_throttle_login_even_with_the_right_password(app, browser, people):
    browser.get("/login")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        browser.post("/login", {"username": "ana", "password": "guess"})
    response = browser.post("/login", {"username": "ana", "password": "district"})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.get_data(as_text=True)
    assert browser.get("/").status_code == 302


def test_successful_login_clears_earlier_failures(browser, people):
    browser.get("/login")
    browser.post("/login", {"username": "ana", "password": "guess"})
    browser.post("/login", {"username": "ana", "password": "district"})
    assert LoginFailure.select().where(LoginFailure.username == "ana").count() == 0


def test_logout_ends_the_session(browser, people):
    browser.login("ana")
    response = browser.post("/logout")
    assert response.status_code == 303
    assert browser.get("/").status_code == 302


def test_form_without_csrf_token_is_rejected_and_changes_nothing(app, people):
    browser = Browser(app.test_client())
    browser.get("/login")
    response = browser.post("/login", {"username": "ana", "password": "district"}, csrf=False)
    assert response.status_code == 400
    assert "did not come from this site" in response.get_data(as_text=True)
    assert browser.get("/").status_code == 302


def test_logout_without_csrf_token_is_rejected(browser, people):
    browser.login("ana")
    assert browser.post("/logout", csrf=False).status_code == 400
    assert browser.get("/").status_code == 200


def test_htmx_requests_carry_the_csrf_token_in_a_header(browser, people):
    browser.login("ana")
    page = browser.get("/").get_data(as_text=True)
    assert f'hx-headers=\'{{"X-CSRFToken": "{browser.csrf}"}}\'' in page
    response = browser.client.post(
        "/logout", headers={"HX-Request": "true", "X-CSRFToken": browser.csrf}
    )
    assert response.status_code == 303


def test_passwords_are_stored_as_argon2_hashes(people):
    assert people["ana"].password_hash.startswith("$argon2id$")
    assert "district" not in people["ana"].password_hash


def test_every_page_carries_security_headers(app):
    response = app.test_client().get("/login")
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert response.headers["Set-Cookie"].count("HttpOnly") == 1


def test_htmx_is_served_by_the_app_itself(app):
    response = app.test_client().get("/assets/htmx-2.0.3.min.js")
    assert response.status_code == 200
    assert b"htmx" in response.data[:2000]
    assert "immutable" in response.headers["Cache-Control"]
    page = app.test_client().get("/login").get_data(as_text=True)
    assert '<script src="/assets/htmx-2.0.3.min.js" defer></script>' in page
    assert "https://" not in page.split("<body")[0]


def test_nul_character_in_a_login_is_a_wrong_login_not_a_server_error(browser, people):
    browser.get("/login")
    response = browser.post("/login", {"username": "ana\x00", "password": "district"})
    assert response.status_code == 401
    assert "Wrong username or password." in response.get_data(as_text=True)
