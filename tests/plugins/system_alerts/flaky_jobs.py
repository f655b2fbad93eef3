"""A plugin module for tests: one job that always fails, one that records that it ran.

Loaded by name (``MAILROOM_EXTRA_PLUGINS=tests.plugins.system_alerts.flaky_jobs``) so a
real ``mailroom worker`` process can run it.
"""

from __future__ import annotations

from kernel import hookimpl
from kernel.contributions import Job
from kernel.models import Setting


def explode() -> None:
    raise RuntimeError("The DHIS2 server did not answer")


def record() -> None:
    Setting.write("test.recorded", (Setting.read("test.recorded") or 0) + 1)


@hookimpl
def mailroom_jobs() -> list[Job]:
    return [Job(name="sync-dhis2", run=explode), Job(name="record", run=record)]
