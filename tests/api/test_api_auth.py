"""API authentication: Basic, personal access tokens, the session with CSRF, and refusals."""

from __future__ import annotations

import re
from datetime import timedelta

from kernel.models import ApiToken, LoginFailure, Participant, User
from kernel.models.clock import utcnow
from tests.api.conftest import ApiClient, assert_error, basic


def token_header(token: str) -> dict[str, str]:
    return {"Authorization": f"ApiToken {token}"}


def create_token(browser, name="Backup script", expires="") -> str:
    """Create a token on the profile page as a person would, and read it off the page."""
    browser.get("/profile")
    response = browser.post("/profile/tokens", {"name": name, "expires": expires})
    assert response.status_code == 303
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    match = re.search(r'id="new-token-value" readonly value="([^"]+)"', page)
    assert match, page
    return match.group(1)


# --- anonymous and Basic ------------------------------------------------------------------


def test_anonymous_api_call_is_a_401_envelope_with_a_basic_challenge(app, people):
    response = app.test_client().get("/api/me")
    body = assert_error(response, 401, "Authentication required")
    assert body["httpStatus"] == "Unauthorized"
    assert response.headers["WWW-Authenticate"] == 'Basic realm="Mailroom"'


def test_anonymous_call_to_an_unknown_api_path_is_401_not_a_login_redirect(app, people):
    response = app.test_client().get("/api/nothing/here")
    assert_error(response, 401)
    assert "Location" not in response.headers


def test_basic_credentials_authenticate(app, people):
    response = ApiClient(app, basic("ana")).get("/api/me")
    assert response.status_code == 200
    assert response.get_json()["username"] == "ana"


def test_wrong_basic_password_is_401_and_counts_toward_the_throttle(app, people):
    response = ApiClient(app, basic("ana", "wrong")).get("/api/me")
    assert_error(response, 401, "Wrong username or password")
    assert response.headers["WWW-Authenticate"] == 'Basic realm="Mailroom"'
    assert LoginFailure.select().where(LoginFailure.username == "ana").count() == 1


def test_repeated_basic_failures_throttle_even_the_right_password(app, people):
    wrong = ApiClient(app, basic("ana", "guess"))
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert wrong.get("/api/me").status_code == 401
    response = ApiClient(app, basic("ana")).get("/api/me")
    assert_error(response, 429, "Too many failed sign-in attempts")
    assert response.headers["Retry-After"] == str(app.config["LOGIN_FAILURE_WINDOW_SECONDS"])


def test_basic_failures_and_login_form_failures_share_one_throttle(app, people, browser):
    browser.get("/login")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        browser.post("/login", {"username": "ana", "password": "guess"})
    assert_error(ApiClient(app, basic("ana")).get("/api/me"), 429)


def test_disabled_user_cannot_use_basic(app, people):
    User.update(disabled=True).where(User.username == "ana").execute()
    assert_error(ApiClient(app, basic("ana")).get("/api/me"), 401)


def test_malformed_and_unsupported_authorization_is_401(app, people):
    for header in ("Basic !!!not-base64", "Basic " + "YW5h", "Bearer abc", "Digest x"):
        response = ApiClient(app, {"Authorization": header}).get("/api/me")
        assert_error(response, 401)


def test_basic_credentials_with_characters_outside_ascii_are_401_not_a_500(app, people):
    # Headers arrive as Latin-1 text; base64 refuses such text with its own ValueError.
    for header in ("Basic \xff\xfe", "Basic YW5h\u00e9", "Basic \u00e2\u0080\u00ae"):
        response = ApiClient(app, {"Authorization": header}).get("/api/me")
        assert_error(response, 401, "Malformed Basic credentials.")


def test_basic_credentials_do_not_fall_back_to_the_session(app, people, sign_in):
    ana = sign_in(app, "ana")
    response = ana.client.get("/api/me", headers=basic("ana", "wrong"))
    assert_error(response, 401)


# --- tokens -------------------------------------------------------------------------------


def test_token_created_on_the_profile_page_is_shown_once_and_authenticates(app, people, sign_in):
    ana = sign_in(app, "ana")
    token = create_token(ana)
    assert token.startswith("mrpat_") and len(token) > 40
    again = ana.get("/profile").get_data(as_text=True)
    assert token not in again
    assert "Backup script" in again

    response = ApiClient(app, token_header(token)).get("/api/me")
    assert response.status_code == 200
    assert response.get_json()["username"] == "ana"


def test_only_a_hash_of_the_token_is_stored(app, people, sign_in):
    token = create_token(sign_in(app, "ana"))
    row = ApiToken.get()
    assert row.token_hash != token and token not in row.token_hash
    assert len(row.token_hash) == 64


def test_profile_page_is_never_cached(app, people, sign_in):
    assert sign_in(app, "ana").get("/profile").headers["Cache-Control"] == "no-store"


def test_token_use_is_recorded(app, people, sign_in):
    token = create_token(sign_in(app, "ana"))
    assert ApiToken.get().last_used is None
    ApiClient(app, token_header(token)).get("/api/me")
    assert ApiToken.get().last_used is not None


def test_revoked_token_is_refused(app, people, sign_in):
    ana = sign_in(app, "ana")
    token = create_token(ana)
    uid = ApiToken.get().uid

    confirm = ana.post(f"/profile/tokens/{uid}/revoke")
    assert confirm.status_code == 200
    assert "Revoke the token “Backup script”?" in confirm.get_data(as_text=True)
    assert ApiToken.select().count() == 1

    response = ana.post(f"/profile/tokens/{uid}/revoke", {"confirm": "yes"})
    assert response.status_code == 303
    assert "revoked" in ana.get("/profile").get_data(as_text=True)
    assert_error(ApiClient(app, token_header(token)).get("/api/me"), 401, "revoked or expired")


def test_expired_token_is_refused(app, people, sign_in):
    token = create_token(sign_in(app, "ana"))
    ApiToken.update(expires=utcnow() - timedelta(seconds=1)).execute()
    response = ApiClient(app, token_header(token)).get("/api/me")
    assert_error(response, 401, "revoked or expired")
    assert response.headers["WWW-Authenticate"] == 'Basic realm="Mailroom"'


def test_token_with_an_expiry_date_works_until_the_end_of_that_day(app, people, sign_in):
    today = utcnow().date()
    token = create_token(sign_in(app, "ana"), expires=today.isoformat())
    assert ApiToken.get().expires.date() == today + timedelta(days=1)
    assert ApiClient(app, token_header(token)).get("/api/me").status_code == 200


def test_token_of_a_disabled_user_is_refused(app, people, sign_in):
    token = create_token(sign_in(app, "ana"))
    User.update(disabled=True).where(User.username == "ana").execute()
    assert_error(ApiClient(app, token_header(token)).get("/api/me"), 401)


def test_unknown_token_is_refused(app, people):
    assert_error(ApiClient(app, token_header("mrpat_made-up")).get("/api/me"), 401)
    assert_error(ApiClient(app, {"Authorization": "ApiToken "}).get("/api/me"), 401)


def test_token_form_rejects_bad_input_and_creates_nothing(app, people, sign_in):
    ana = sign_in(app, "ana")
    ana.get("/profile")
    cases = [
        ({"name": "", "expires": ""}, "Name the token"),
        ({"name": "x" * 101, "expires": ""}, "at most 100 characters"),
        ({"name": "Old", "expires": "2001-01-01"}, "in the past"),
        ({"name": "Bad", "expires": "31/12/2099"}, "YYYY-MM-DD"),
        ({"name": "Forever", "expires": "9999-12-31"}, "before 9999-12-31"),
        ({"name": "Backup\x00", "expires": ""}, "contains a NUL character"),
    ]
    for form, message in cases:
        response = ana.post("/profile/tokens", form)
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    assert ApiToken.select().count() == 0


def test_token_form_needs_the_csrf_token(app, people, sign_in):
    ana = sign_in(app, "ana")
    response = ana.post("/profile/tokens", {"name": "x"}, csrf=False)
    assert response.status_code == 400
    assert ApiToken.select().count() == 0


def test_nobody_can_revoke_someone_elses_token(app, people, sign_in):
    create_token(sign_in(app, "ana"))
    uid = ApiToken.get().uid
    ben = sign_in(app, "ben")
    ben.get("/profile")
    assert ben.post(f"/profile/tokens/{uid}/revoke", {"confirm": "yes"}).status_code == 404
    assert ApiToken.select().count() == 1


def test_profile_shows_name_username_and_groups(app, people, sign_in):
    page = sign_in(app, "ana").get("/profile").get_data(as_text=True)
    assert "Ana Banda" in page and "ana" in page and "District officers" in page
    assert "You have no API tokens." in page


def test_profile_requires_sign_in(app, people):
    response = app.test_client().get("/profile")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


# --- session and CSRF ---------------------------------------------------------------------


def test_session_cookie_authenticates_api_reads(app, people, sign_in):
    ana = sign_in(app, "ana")
    assert ana.client.get("/api/me").get_json()["username"] == "ana"


def test_session_authenticated_api_write_needs_the_csrf_header(app, people, sign_in, converse):
    conversation = converse()
    ben = sign_in(app, "ben")
    response = ben.client.post("/api/messageConversations/read", json=[conversation.uid])
    assert_error(response, 403, "CSRF", "X-CSRFToken")
    assert Participant.get(Participant.user == people["ben"].id).read is False

    response = ben.client.post(
        "/api/messageConversations/read",
        json=[conversation.uid],
        headers={"X-CSRFToken": ben.csrf},
    )
    assert response.status_code == 200
    assert response.get_json() == {"markedRead": [conversation.uid]}


def test_basic_and_token_writes_need_no_csrf_token(app, people, sign_in, converse):
    first, second = converse(subject="One"), converse(subject="Two")
    response = ApiClient(app, basic("ben")).post("/api/messageConversations/read", [first.uid])
    assert response.get_json() == {"markedRead": [first.uid]}
    token = create_token(sign_in(app, "ben"))
    response = ApiClient(app, token_header(token)).post(
        "/api/messageConversations/read", [second.uid]
    )
    assert response.get_json() == {"markedRead": [second.uid]}


def test_writes_from_another_sites_page_are_refused_whatever_the_credentials(app, people, converse):
    conversation = converse()
    client = ApiClient(app, basic("ben"))
    for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
        response = client.post(
            "/api/messageConversations/read", [conversation.uid], headers=headers
        )
        assert_error(response, 403, "Cross-site")
    assert Participant.get(Participant.user == people["ben"].id).read is False
    same_site = client.post(
        "/api/messageConversations/read", [conversation.uid], headers={"Origin": "http://localhost"}
    )
    assert same_site.status_code == 200


def test_disabled_user_loses_api_access_through_the_session(app, people, sign_in):
    ana = sign_in(app, "ana")
    assert ana.client.get("/api/me").status_code == 200
    User.update(disabled=True).where(User.username == "ana").execute()
    assert_error(ana.client.get("/api/me"), 401)
