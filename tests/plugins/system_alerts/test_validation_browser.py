"""In a real browser: a failed job and a HIGH validation result reach the feedback team's
System and Validation folders, and a team member marks the validation result solved."""

from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from kernel import hookimpl
from kernel.contributions import Job
from kernel.jobs import job_queue
from kernel.models import Conversation, Setting, UserGroup
from plugins.feedback.team import RECIPIENTS_SETTING
from tests.plugins.system_alerts.conftest import make_rule, make_template, post_results, result
from tests.test_browser import CHROMIUM, CHROMIUM_FLAGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"
    ),
]


def fail_sync() -> None:
    raise RuntimeError("The DHIS2 server did not answer")


class FailingSync:
    """An inline plugin with a job that always fails."""

    @hookimpl
    def mailroom_jobs(self) -> list[Job]:
        return [Job(name="sync-dhis2", run=fail_sync)]


@pytest.fixture
def team_app(make_app, people):
    app = make_app(extra_plugins=[FailingSync()])
    with app.app_context():
        team = UserGroup.create(name="Feedback team")
        team.add_members([people["ben"]])
        Setting.write(RECIPIENTS_SETTING, team.uid)
        rule = make_rule("Malaria deaths above cases", "HIGH", [make_template(groups=[team])])
    assert post_results(app, [result(rule)]).status_code == 200
    queue = job_queue(app)
    queue.enqueue("sync-dhis2")
    queue.enqueue("validation-notifications")
    assert queue.run_pending() == 2
    return app


@pytest.fixture
def page(team_app):
    playwright_api = pytest.importorskip("playwright.sync_api")
    server = make_server("127.0.0.1", 0, team_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with playwright_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
            )
            context = browser.new_context(base_url=f"http://127.0.0.1:{server.server_port}")
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("console", lambda m: m.type == "error" and errors.append(m.text))
            yield page
            browser.close()
            assert errors == [], f"browser errors: {errors}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def test_feedback_team_sees_job_failure_and_solves_a_high_validation_result(page):
    page.goto("/login")
    page.get_by_label("Username").fill("ben")
    page.get_by_label("Password").fill("district")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Dashboard").wait_for()

    page.goto("/messages/SYSTEM")
    page.get_by_role("heading", name="System").wait_for()
    assert page.get_by_role("link", name="Job failed: 'sync-dhis2'").count() == 1

    folders = page.get_by_role("navigation", name="Folders")
    folders.get_by_role("link", name="Validation").click()
    page.get_by_role("heading", name="Validation").wait_for()
    row = page.locator("tr", has_text="Malaria deaths above cases violated at Ngelehun CHC")
    assert "High" in row.text_content() and "Open" in row.text_content()

    row.get_by_role("link").click()
    page.get_by_role(
        "heading", name="Malaria deaths above cases violated at Ngelehun CHC"
    ).wait_for()
    page.get_by_role("combobox", name="Status").select_option("SOLVED")
    page.get_by_role("button", name="Set status").click()
    page.get_by_text("Status set to Solved.").wait_for()
    assert Conversation.get(Conversation.message_type == "VALIDATION_RESULT").status == "SOLVED"
