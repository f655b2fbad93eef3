"""The example plugin, mailroom_notices, seen the way its users see it."""

from __future__ import annotations

import base64
import re

import mailroom_notices
import pytest
from click.testing import CliRunner, Result
from flask import Flask

from kernel.cli import main as mailroom_cli
from kernel.models import UserGroup

FOOTER = "Questions? Call the district office."


@pytest.fixture
def app(make_app) -> Flask:
    """Mailroom with its installed plugins and the notices plugin."""
    return make_app(extra_plugins=[mailroom_notices])


def send_notice(app: Flask, *args: str) -> Result:
    return CliRunner().invoke(mailroom_cli, ["send-notice", *args], obj={"app": app})


def notify_officers(
    app: Flask, subject: str = "Generator fuel", text: str = "Fuel arrives Friday."
) -> Result:
    result = send_notice(app, "--group", "District officers", "--subject", subject, "--text", text)
    assert result.exit_code == 0, result.output
    return result


def latest_notice_uid(browser) -> str:
    """The newest notice's uid, read from its link in the reader's Notices folder."""
    folder = browser.get("/messages/NOTICE").get_data(as_text=True)
    return re.search(r'href="/conversations/(\w+)"', folder).group(1)


def test_notices_folder_is_offered_to_a_signed_in_user(app, people, sign_in):
    ana = sign_in(app, "ana")

    response = ana.get("/messages/NOTICE")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<h1 id="folder-heading">Notices</h1>' in page
    assert "There are no conversations in this folder." in page


def test_send_notice_reaches_every_group_member_unread_from_the_system(app, people, sign_in):
    result = notify_officers(app, subject="Generator fuel")

    assert "to 2 members of District officers" in result.output
    for name in ("ana", "ben"):
        page = sign_in(app, name).get("/messages/NOTICE").get_data(as_text=True)
        assert "Generator fuel" in page
        assert '<tr class="unread">' in page
        assert "<td>system</td>" in page
    outsider = sign_in(app, "eve").get("/messages/NOTICE").get_data(as_text=True)
    assert "Generator fuel" not in outsider


def test_a_notice_offers_no_reply(app, people, sign_in):
    notify_officers(app, text="Fuel arrives Friday.")
    ana = sign_in(app, "ana")
    uid = latest_notice_uid(ana)

    page = ana.get(f"/conversations/{uid}").get_data(as_text=True)

    assert "Fuel arrives Friday." in page
    assert "<strong>system</strong>" in page
    assert 'id="reply-heading"' not in page
    assert f"/conversations/{uid}/reply" not in page
    assert ana.post(f"/conversations/{uid}/reply", {"text": "Thanks"}).status_code == 403


def test_footer_saved_in_settings_ends_the_next_notice(app, people, sign_in):
    admin = sign_in(app, "admin")
    settings = admin.get("/settings").get_data(as_text=True)
    assert "<legend>Notices</legend>" in settings
    assert '<label for="setting-notices.footer">Footer</label>' in settings

    saved = admin.post("/settings", {"notices.footer": FOOTER})
    assert saved.status_code == 303
    notify_officers(app, text="Fuel arrives Friday.")

    ana = sign_in(app, "ana")
    page = ana.get(f"/conversations/{latest_notice_uid(ana)}").get_data(as_text=True)
    assert f'<div class="text">Fuel arrives Friday.\n\n{FOOTER}</div>' in page


def test_dashboard_entry_links_notices_and_escapes_the_latest_subject(app, people, sign_in):
    notify_officers(app, subject="Generator <b>fuel</b>")

    page = sign_in(app, "ana").get("/").get_data(as_text=True)

    assert (
        '<li><a href="/messages/NOTICE">Notices</a> '
        '<span class="meta">latest: Generator &lt;b&gt;fuel&lt;/b&gt;</span></li>'
    ) in page
    assert "<b>fuel</b>" not in page
    assert "Sent notices" not in page


def test_unknown_group_fails_clearly_and_sends_nothing(app, people, sign_in):
    result = send_notice(app, "--group", "Nobody", "--subject", "Fuel", "--text", "Friday.")

    assert result.exit_code != 0
    assert "There is no user group named 'Nobody'." in result.output
    page = sign_in(app, "ana").get("/messages/NOTICE").get_data(as_text=True)
    assert "There are no conversations in this folder." in page


def test_group_without_members_fails_clearly(app, people):
    with app.app_context():
        UserGroup.create(name="Empty group")

    result = send_notice(app, "--group", "Empty group", "--subject", "Fuel", "--text", "Friday.")

    assert result.exit_code != 0
    assert "The user group 'Empty group' has no members who can sign in." in result.output


def test_sent_notices_page_is_for_administrators_only(app, people, sign_in):
    notify_officers(app, subject="Generator fuel")

    admin = sign_in(app, "admin")
    assert '<a href="/notices/sent">Sent notices</a>' in admin.get("/").get_data(as_text=True)
    page = admin.get("/notices/sent").get_data(as_text=True)
    assert "<td>Generator fuel</td>" in page
    assert "<td>2</td>" in page
    assert sign_in(app, "eve").get("/notices/sent").status_code == 403


def api_get(app: Flask, username: str, url: str):
    credentials = base64.b64encode(f"{username}:district".encode()).decode()
    return app.test_client().get(url, headers={"Authorization": f"Basic {credentials}"})


def test_sent_notices_api_lists_with_the_dhis2_pager_for_administrators_only(app, people):
    notify_officers(app, subject="Generator fuel")
    notify_officers(app, subject="Road closed")

    response = api_get(app, "admin", "/api/notices/sent?filter=subject:ilike:fuel")

    body = response.get_json()
    assert body["pager"]["total"] == 1
    assert [(n["subject"], n["recipientCount"]) for n in body["sentNotices"]] == [
        ("Generator fuel", 2)
    ]
    refused = api_get(app, "eve", "/api/notices/sent")
    assert refused.status_code == 403
    assert refused.get_json()["status"] == "ERROR"
    unknown = api_get(app, "admin", "/api/notices/sent?filter=sender:eq:x")
    assert unknown.status_code == 400


def test_notices_in_the_conversation_api_carry_their_recipient_count(app, people):
    notify_officers(app, subject="Generator fuel")

    response = api_get(app, "ana", "/api/messageConversations?fields=subject,recipientCount")

    assert response.get_json()["messageConversations"] == [
        {"subject": "Generator fuel", "recipientCount": 2}
    ]


def test_sent_notices_api_is_in_the_openapi_document(app, people):
    paths = api_get(app, "ana", "/api/openapi.json").get_json()["paths"]
    assert paths["/api/notices/sent"]["get"]["summary"] == (
        "Every notice sent, newest first, with how many people it reached."
    )
