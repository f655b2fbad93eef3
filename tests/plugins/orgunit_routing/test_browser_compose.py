"""In a real browser: pick a district from the tree with "include sub-units", see how many
people that reaches, send, and a facility worker assigned below it reads the message."""

from __future__ import annotations

import pytest

from tests.plugins.user_messages.test_browser_compose import (  # noqa: F401
    go_to_write_message,
    log_in,
    log_out,
    open_page,
)
from tests.test_browser import CHROMIUM, live_server  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"
    ),
]


def test_send_to_a_district_with_its_sub_units_and_a_facility_user_reads_it(
    open_page,  # noqa: F811
    tree,
):
    page = open_page()
    log_in(page, "admin")
    go_to_write_message(page)

    field = page.get_by_role("group", name="To org unit")
    field.get_by_text("Browse the hierarchy").click()
    field.locator("summary", has_text="Sierra Leone").click()
    # The next level arrives on demand.
    field.get_by_role("button", name="Add Bo", exact=True).click()
    page.get_by_role("heading", name="Write message").wait_for()
    chips = page.get_by_role("list", name="Chosen org units (1)")
    assert "Bo" in chips.text_content()
    reach = page.locator("#org-unit-reach")
    assert reach.text_content().strip() == "Reaches 1 person."

    page.get_by_label("Include sub-units").check()
    page.locator("#org-unit-reach", has_text="Reaches 3 people.").wait_for()

    page.get_by_label("Subject").fill("Bednet distribution")
    page.get_by_label("Message").fill("Distribution starts on Friday.")
    page.get_by_role("button", name="Send").click()
    page.get_by_text("Message sent to 3 recipients.").wait_for()
    log_out(page)

    log_in(page, "ben")  # assigned to Bo Central CHC, two levels below Bo
    page.goto("/messages/PRIVATE")
    page.get_by_role("link", name="Bednet distribution").click()
    page.get_by_text("Distribution starts on Friday.").wait_for()
