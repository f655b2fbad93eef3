"""Searching as you type, in a real browser (see test_browser.py for the set-up)."""

from __future__ import annotations

# The browser fixtures and skip rules of test_browser.py, shared rather than copied.
from tests.test_browser import live_server, page, pytestmark  # noqa: F401


def test_results_follow_typing_without_reloading_the_page(page, converse):  # noqa: F811
    converse(subject="Vaccine delivery to Bo", text="Cold chain ready.")
    converse(subject="Stock-out of ORS", text="No sachets.")
    page.goto("/login")
    page.get_by_label("Username").fill("ben")
    page.get_by_label("Password").fill("district")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Dashboard").wait_for()
    page.goto("/messages/PRIVATE")
    page.evaluate("window.stillTheSamePage = true")
    rows = page.locator("#conversation-list tbody tr")
    assert rows.count() == 2

    page.get_by_label("Search messages").press_sequentially("vacc")
    page.wait_for_url("**/messages/PRIVATE?*q=vacc*")
    rows.filter(has_text="Stock-out of ORS").wait_for(state="detached")
    assert rows.count() == 1
    assert page.evaluate("window.stillTheSamePage") is True
    # Focus stays in the box: only the list was swapped.
    assert page.evaluate("document.activeElement.id") == "search"

    page.get_by_label("Search messages").fill("malaria")
    page.get_by_text("No conversations match “malaria”.").wait_for()

    page.get_by_label("Search messages").fill("")
    page.get_by_label("Search messages").press("Enter")
    rows.filter(has_text="Stock-out of ORS").wait_for()
    assert rows.count() == 2
