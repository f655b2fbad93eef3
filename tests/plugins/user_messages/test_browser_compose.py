"""The seed's "Create a message" and "Read a message" in a real browser (Playwright
driving Debian's Chromium), with JavaScript and without."""

from __future__ import annotations

import pytest

from tests.test_browser import CHROMIUM, CHROMIUM_FLAGS, live_server  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"
    ),
]


@pytest.fixture
def open_page(live_server):  # noqa: F811
    """``open_page(javascript=True)``: a new browser page on the live app."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    errors: list[str] = []
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )

        def _open(javascript: bool = True):
            context = browser.new_context(base_url=live_server, java_script_enabled=javascript)
            page = context.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("console", lambda m: m.type == "error" and errors.append(m.text))
            return page

        yield _open
        browser.close()
    assert errors == [], f"browser errors: {errors}"


def log_in(page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("district")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Dashboard").wait_for()


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("heading", name="Log in").wait_for()


def go_to_write_message(page) -> None:
    page.get_by_role("navigation", name="Dashboard").get_by_role("link", name="Messages").click()
    page.get_by_role("heading", name="Inbox").wait_for()
    page.get_by_role("link", name="Write message").click()
    page.get_by_role("heading", name="Write message").wait_for()


def test_create_a_message_pick_with_the_keyboard_then_read_and_reply(open_page, team):
    page = open_page()
    log_in(page, "ana")
    go_to_write_message(page)
    page.evaluate("window.notReloaded = true")

    to_user = page.get_by_label("To user")
    to_user.press_sequentially("be", delay=30)
    hit = page.locator("#recipient-hits").get_by_role("button", name="Add Ben Phiri")
    hit.wait_for()
    assert "1 match for “be”." in page.locator("#recipient-hits").inner_text()
    to_user.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") == f"user:{team['ben'].uid}"
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Remove Ben Phiri").wait_for()
    assert page.evaluate("document.activeElement.id") == "to-user"
    assert page.locator("#picker-status").text_content() == "Ben Phiri added; 1 recipient chosen."
    assert page.evaluate("window.notReloaded") is True

    page.get_by_label("Subject").fill("Bed nets for Bumpe")
    page.get_by_label("Message", exact=True).fill("300 nets arrive on Tuesday.")
    page.get_by_role("button", name="Send").click()
    page.get_by_text("Message sent to 1 recipient.").wait_for()
    page.get_by_role("heading", name="Bed nets for Bumpe").wait_for()
    log_out(page)

    log_in(page, "ben")
    assert " ".join(page.locator("#unread-badge").text_content().split()) == "Messages 1 unread"
    page.get_by_role("navigation", name="Dashboard").get_by_role("link", name="Messages").click()
    row = page.locator("tr.unread", has_text="Bed nets for Bumpe")
    assert row.count() == 1
    assert "Ana Banda" in row.inner_text()
    page.get_by_role("link", name="Bed nets for Bumpe").click()
    assert page.get_by_text("300 nets arrive on Tuesday.").is_visible()
    page.get_by_label("Message", exact=True).fill("Thanks, we will collect them.")
    page.get_by_role("button", name="Reply").click()
    page.get_by_text("Reply sent.").wait_for()
    log_out(page)

    log_in(page, "ana")
    assert " ".join(page.locator("#unread-badge").text_content().split()) == "Messages 1 unread"
    page.get_by_role("link", name="Bed nets for Bumpe").first.click()
    page.get_by_text("Thanks, we will collect them.").wait_for()
    assert page.locator(".message header strong").all_inner_texts() == ["Ana Banda", "Ben Phiri"]


def test_without_javascript_search_add_and_send_keep_what_was_typed(open_page, team):
    page = open_page(javascript=False)
    log_in(page, "ana")
    go_to_write_message(page)
    page.get_by_label("Subject").fill("Nurses' rota")
    page.get_by_label("Message", exact=True).fill("Please check the rota.")
    page.get_by_label("To user").fill("nur")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("button", name="Add Nurses").click()
    page.get_by_role("button", name="Remove Nurses").wait_for()
    assert page.get_by_label("Subject").input_value() == "Nurses' rota"
    assert page.get_by_label("Message", exact=True).input_value() == "Please check the rota."
    page.get_by_role("button", name="Send").click()
    page.get_by_text("Message sent to 2 recipients.").wait_for()


def test_add_participants_from_the_conversation(open_page, team, converse):
    conversation = converse(sender="ana", to=("ben",), subject="Bed nets")
    page = open_page()
    log_in(page, "ben")
    page.goto(f"/conversations/{conversation.uid}")
    page.get_by_label("Find users or user groups").press_sequentially("cato", delay=30)
    page.get_by_role("button", name="Add Cato Kamara").click()
    page.get_by_text("Added 1 participant.").wait_for()
    assert "Cato Kamara" in page.locator(".participants").inner_text()
