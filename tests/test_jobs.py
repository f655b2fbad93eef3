"""Background jobs: declared by plugins, queued on huey, failures announced."""

from __future__ import annotations

import pytest
from huey import crontab

from kernel import hookimpl
from kernel.contributions import Job
from kernel.jobs import UnknownJob, job_queue
from kernel.models import Setting
from kernel.plugins import PluginError


class Counter:
    """Jobs: "count" adds to a setting, "fail" raises; and it records failures."""

    def __init__(self):
        self.failures = []

    @hookimpl
    def mailroom_jobs(self):
        def count(step: int = 1) -> None:
            Setting.write("test.count", (Setting.read("test.count") or 0) + step)

        def fail() -> None:
            Setting.write("test.half-done", True)
            raise ValueError("no such period: 2026W99")

        return [
            Job(name="count", run=count),
            Job(name="fail", run=fail),
            Job(name="nightly", run=count, schedule=crontab(minute="0", hour="2")),
        ]

    @hookimpl
    def mailroom_job_failed(self, job_name, error, traceback_text, failed_at):
        self.failures.append(
            (job_name, error, "Traceback" in traceback_text, failed_at is not None)
        )


def test_mailroom_jobs_are_queued_and_run_with_arguments(make_app):
    app = make_app(plugins=[], extra_plugins=[Counter()])
    queue = job_queue(app)
    queue.enqueue("count", step=2)
    queue.enqueue("count")
    assert queue.run_pending() == 2
    assert Setting.read("test.count") == 3
    assert sorted(queue.jobs) == ["count", "fail", "nightly"]


def test_mailroom_job_failed_receives_the_error_and_the_worker_goes_on(make_app):
    recorder = Counter()
    app = make_app(plugins=[], extra_plugins=[recorder])
    queue = job_queue(app)
    queue.enqueue("fail")
    queue.enqueue("count")
    assert queue.run_pending() == 2
    assert recorder.failures == [("fail", "ValueError: no such period: 2026W99", True, True)]
    assert Setting.read("test.count") == 1


def test_unknown_job_names_are_refused(make_app):
    queue = job_queue(make_app(plugins=[], extra_plugins=[Counter()]))
    with pytest.raises(UnknownJob):
        queue.enqueue("nope")
    with pytest.raises(UnknownJob):
        queue.run_now("nope")


def test_two_jobs_with_one_name_fail_start_up(make_app):
    with pytest.raises(PluginError, match="job 'count'"):
        make_app(plugins=[], extra_plugins=[Counter(), Counter()])


def test_extra_plugins_by_import_path(make_app):
    app = make_app(plugins=[], extra_plugins=["tests.plugins.system_alerts.flaky_jobs"])
    assert "sync-dhis2" in job_queue(app).jobs
    with pytest.raises(PluginError, match="could not be imported"):
        make_app(plugins=[], extra_plugins=["no.such.module"])
