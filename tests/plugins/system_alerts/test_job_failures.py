"""Failed jobs become SYSTEM messages; repeats join the open one; the worker goes on."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from kernel.cli import main
from kernel.jobs import job_queue
from kernel.models import Conversation, Message, Participant, Setting, User, UserGroup
from kernel.people import create_user
from plugins.system_alerts.failures import RECIPIENTS_SETTING, WINDOW_SETTING
from tests.plugins.system_alerts import flaky_jobs

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def jobs_app(make_app, people, jobs_config):
    app = make_app(extra_plugins=[flaky_jobs], **jobs_config)
    with app.app_context():
        group = UserGroup.create(name="Ops")
        group.add_members([people["ben"]])
        Setting.write(RECIPIENTS_SETTING, group.uid)
    return app


def run_failing_job(app, times=1):
    queue = job_queue(app)
    for _ in range(times):
        queue.enqueue("sync-dhis2")
    return queue.run_pending()


def test_failing_job_produces_one_system_message_with_error_and_traceback(
    jobs_app, people, sign_in
):
    assert run_failing_job(jobs_app) == 1
    conversation = Conversation.get(Conversation.message_type == "SYSTEM")
    assert conversation.subject == "Job failed: 'sync-dhis2'"
    text = Message.get(Message.conversation == conversation).text
    assert "Message: RuntimeError: The DHIS2 server did not answer" in text
    assert "Traceback (most recent call last)" in text and "in explode" in text
    assert [p.user_id for p in Participant.select()] == [people["ben"].id]
    ben = sign_in(jobs_app, "ben")
    page = ben.get("/messages/SYSTEM").get_data(as_text=True)
    assert "Job failed: &#39;sync-dhis2&#39;" in page and "<td>system</td>" in page
    convo = ben.get(f"/conversations/{conversation.uid}").get_data(as_text=True)
    assert "<strong>system</strong>" in convo
    assert 'id="reply-heading"' not in convo  # nobody replies to the system


def test_repeat_within_the_window_joins_the_open_conversation(jobs_app):
    run_failing_job(jobs_app, times=2)
    assert Conversation.select().count() == 1
    conversation = Conversation.get()
    assert Message.select().where(Message.conversation == conversation).count() == 2
    assert Participant.get().read is False


def test_repeat_outside_the_window_starts_a_new_conversation(jobs_app):
    run_failing_job(jobs_app)
    earlier = Conversation.get()
    earlier.last_message -= timedelta(hours=2)
    earlier.save()
    run_failing_job(jobs_app)
    assert Conversation.select().count() == 2


def test_window_is_a_setting(jobs_app, sign_in):
    admin = sign_in(jobs_app, "admin")
    assert (
        admin.post("/settings", {WINDOW_SETTING: "soon", RECIPIENTS_SETTING: ""}).status_code == 400
    )
    assert admin.post("/settings", {WINDOW_SETTING: "0", RECIPIENTS_SETTING: ""}).status_code == 303
    assert Setting.read(WINDOW_SETTING) == "0"


def test_recipients_fall_back_to_superusers_when_nothing_is_configured(make_app, people):
    app = make_app(plugins=["system_alerts"], extra_plugins=[flaky_jobs])
    run_failing_job(app)
    assert [p.user_id for p in Participant.select()] == [people["admin"].id]


def test_recipients_fall_back_to_the_group_another_plugin_names(make_app, people):
    class Fallback:
        from kernel import hookimpl

        @hookimpl
        def mailroom_fallback_recipients(self, purpose):
            return {people["ana"].id, people["eve"].id} if purpose == "system" else None

    app = make_app(plugins=["system_alerts"], extra_plugins=[flaky_jobs, Fallback()])
    User.update(disabled=True).where(User.id == people["eve"].id).execute()
    run_failing_job(app)
    assert [p.user_id for p in Participant.select()] == [people["ana"].id]


def test_run_job_command_reports_failure_and_unknown_names(jobs_app):
    failed = CliRunner().invoke(main, ["run-job", "sync-dhis2"], obj={"app": jobs_app})
    assert failed.exit_code != 0 and "sync-dhis2 failed; the failure was reported." in failed.output
    assert Conversation.select().count() == 1
    unknown = CliRunner().invoke(main, ["run-job", "nope"], obj={"app": jobs_app})
    assert unknown.exit_code != 0 and "No job named 'nope'" in unknown.output
    ok = CliRunner().invoke(main, ["run-job", "housekeeping"], obj={"app": jobs_app})
    assert ok.exit_code == 0 and "Ran housekeeping." in ok.output


def test_worker_process_keeps_running_after_a_failure(jobs_app, database_url, tmp_path):
    queue = job_queue(jobs_app)
    queue.enqueue("sync-dhis2")
    queue.enqueue("record")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILROOM_")}
    env.update(
        MAILROOM_DATABASE_URL=database_url,
        MAILROOM_INSTANCE_PATH=jobs_app.instance_path,
        MAILROOM_EXTRA_PLUGINS="tests.plugins.system_alerts.flaky_jobs",
        PYTHONPATH=str(ROOT),
    )
    if jobs_app.config.get("REDIS_URL"):
        env["MAILROOM_REDIS_URL"] = jobs_app.config["REDIS_URL"]
    worker = subprocess.Popen(
        [str(Path(sys.executable).with_name("mailroom")), "worker", "--workers", "1"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while Setting.read("test.recorded") != 1:
            assert worker.poll() is None, worker.stdout.read()
            assert time.monotonic() < deadline, "the worker did not run the second job"
            time.sleep(0.2)
        assert Conversation.select().where(Conversation.message_type == "SYSTEM").count() == 1
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def test_housekeeping_prunes_old_login_failures(jobs_app):
    from kernel.models import LoginFailure
    from kernel.models.clock import utcnow

    LoginFailure.create(username="x", at=utcnow() - timedelta(days=3))
    LoginFailure.create(username="y")
    assert job_queue(jobs_app).run_now("housekeeping") is True
    assert [f.username for f in LoginFailure.select()] == ["y"]


def test_disabling_the_plugin_removes_its_folders(make_app):
    app = make_app(plugins=["user_messages"])
    with app.app_context():
        create_user("solo", "Solo", "User", password="district")
        from kernel.plugins import current_hooks

        assert [t.key for t in current_hooks().message_types()] == ["PRIVATE"]
