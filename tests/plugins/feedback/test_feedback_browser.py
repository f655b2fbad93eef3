"""The seed's feedback story in a real browser (see tests/test_browser.py for the set-up):
the admin picks the feedback group, a facility user writes feedback, a team member
handles it, and the sender sees the public answer and the status, never the team's note."""

from __future__ import annotations

import re

from kernel.models import UserGroup

# The browser fixtures and skip rules of test_browser.py, shared rather than copied.
from tests.test_browser import live_server, page, pytestmark  # noqa: F401


def log_in(page, username: str) -> None:  # noqa: F811
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("district")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Dashboard").wait_for()


def log_out(page) -> None:  # noqa: F811
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("heading", name="Log in").wait_for()


def test_feedback_from_configuration_to_answer(app, people, page):  # noqa: F811
    with app.app_context():
        group = UserGroup.create(name="Feedback message recipients")
        group.add_members([people["ben"]])

    # 1. Configure: the admin picks the feedback recipient group.
    log_in(page, "admin")
    page.goto("/settings")
    page.get_by_label("Feedback recipients").select_option(label="Feedback message recipients")
    page.get_by_role("button", name="Save settings").click()
    page.get_by_text("Settings saved.").wait_for()
    log_out(page)

    # 2. Write feedback: a facility user, from the "Write message" page's pointer.
    log_in(page, "ana")
    page.goto("/messages/PRIVATE/create")
    page.get_by_role("link", name="Write feedback instead").click()
    page.get_by_role("heading", name="Write feedback").wait_for()
    page.get_by_label("Subject").fill("Cannot enter October data")
    page.get_by_label("Feedback").fill("The period is locked for Bumpe CHP.")
    page.get_by_role("button", name="Send").click()
    page.get_by_text("Feedback sent to the feedback team.").wait_for()
    assert page.locator("dl.facts").get_by_text("Open").is_visible()
    log_out(page)

    # 3. Handle it: a member of the group sets priority, status, assignee, notes, answers.
    log_in(page, "ben")
    page.goto("/messages/TICKET")
    page.get_by_role("link", name="Cannot enter October data").click()
    page.get_by_role("heading", name="Cannot enter October data").wait_for()
    page.get_by_role("combobox", name="Priority").select_option(label="High")
    page.get_by_role("button", name="Set priority").click()
    page.get_by_text("Priority set to High.").wait_for()
    page.get_by_role("combobox", name="Status").select_option(label="Pending")
    page.get_by_role("button", name="Set status").click()
    page.get_by_text("Status set to Pending.").wait_for()
    page.get_by_role("button", name="Assign to me").click()
    page.get_by_text("Assigned to Ben Phiri.").wait_for()
    page.get_by_role("textbox", name="Internal reply").fill("Ask Grace to unlock October.")
    page.get_by_role("button", name="Internal reply").click()
    page.get_by_text("Internal reply sent").wait_for()
    answer = page.get_by_role("textbox", name="Message", exact=True)
    answer.fill("We are unlocking the period today.")
    page.get_by_role("button", name="Reply", exact=True).click()
    page.get_by_text("Reply sent.").wait_for()
    changes = " ".join(page.locator(".change-log").text_content().split())
    assert "Ben Phiri set priority to High" in changes
    assert "Ben Phiri set status to Pending" in changes
    assert "Ben Phiri set assignee to Ben Phiri" in changes
    assert page.get_by_text("Ask Grace to unlock October.").is_visible()
    log_out(page)

    # 4. The sender sees the answer and the status, not the team's note or its log.
    log_in(page, "ana")
    page.goto("/messages/TICKET")
    page.get_by_role("link", name="Cannot enter October data").click()
    page.get_by_text("We are unlocking the period today.").wait_for()
    facts = " ".join(page.locator("dl.facts").text_content().split())
    assert re.search(r"Status\s*Pending", facts) and re.search(r"Priority\s*High", facts)
    assert "Ask Grace" not in page.content()
    assert page.locator(".change-log").count() == 0
    assert page.get_by_role("button", name="Set status").count() == 0
