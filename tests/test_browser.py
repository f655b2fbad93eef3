"""A real browser: Playwright driving Debian's Chromium against the app on 127.0.0.1."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
# The machine has no internet; without these Chromium keeps trying to reach it.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"
    ),
]


@pytest.fixture
def live_server(app):
    """The app served by a real HTTP server on a free loopback port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def page(live_server):
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        context = browser.new_context(base_url=live_server)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        yield page
        browser.close()
        assert errors == [], f"browser errors: {errors}"


def test_log_in_see_inbox_open_conversation_mark_unread_log_out(page, converse):
    converse(subject="Stock-out of ORS at Ngelehun CHC", text="No ORS since Monday.")
    page.goto("/")
    assert "/login" in page.url
    page.get_by_label("Username").fill("ben")
    page.get_by_label("Password").fill("district")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Dashboard").wait_for()

    badge = page.locator("#unread-badge")
    assert " ".join(badge.text_content().split()) == "Messages 1 unread"
    badge.click()
    page.get_by_role("heading", name="Inbox").wait_for()
    row = page.locator("tr.unread", has_text="Stock-out of ORS")
    assert row.count() == 1

    page.get_by_role("link", name="Stock-out of ORS at Ngelehun CHC").click()
    page.get_by_role("heading", name="Stock-out of ORS at Ngelehun CHC").wait_for()
    assert page.get_by_text("No ORS since Monday.").is_visible()
    assert " ".join(page.locator("#unread-badge").text_content().split()) == "Messages"

    page.get_by_role("button", name="Mark unread").click()
    page.get_by_text("Marked as unread.").wait_for()
    assert page.locator("tr.unread", has_text="Stock-out of ORS").count() == 1

    page.get_by_role("button", name="Log out").click()
    page.get_by_role("heading", name="Log in").wait_for()
    page.goto("/messages")
    assert "/login" in page.url


def test_bulk_mark_read_with_htmx_updates_list_and_badge_without_reload(page, converse):
    converse(subject="First report")
    converse(subject="Second report")
    page.goto("/login")
    page.get_by_label("Username").fill("ben")
    page.get_by_label("Password").fill("district")
    page.get_by_role("button", name="Log in").click()
    page.goto("/messages/PRIVATE")
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Select “First report”").check()
    page.get_by_role("button", name="Mark read").click()
    page.get_by_text("Marked as read: 1 conversation.").wait_for()
    page.locator("#unread-badge", has_text="1 unread").wait_for()
    assert page.evaluate("window.notReloaded") is True
    assert page.locator("tr.unread").count() == 1


def test_admin_user_search_filters_as_you_type_and_a_member_is_added(page, people):
    page.goto("/login")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("district")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Administration").click()
    page.get_by_role("navigation", name="Administration").get_by_role("link", name="Users").click()
    page.get_by_text("4 users.").wait_for()
    page.evaluate("window.notReloaded = true")

    page.get_by_label("Search users").press_sequentially("phiri")
    page.get_by_text("1 user matches “phiri”.").wait_for()
    assert page.locator("#user-list tbody tr").count() == 1
    assert page.evaluate("window.notReloaded") is True
    assert "q=phiri" in page.url

    page.goto("/admin/groups/")
    page.get_by_role("link", name="District officers", exact=True).click()
    page.get_by_label("Find people to add").press_sequentially("eve")
    page.get_by_role("button", name="Add Eve Outsider").click()
    page.get_by_text("Added Eve Outsider to District officers.").wait_for()
    page.get_by_text("3 members.").wait_for()
