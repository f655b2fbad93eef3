"""Background jobs on huey: SQLite storage in the instance folder by default, Redis when
``MAILROOM_REDIS_URL`` is set. Jobs come from plugins (``mailroom_jobs``); a job that
raises is reported through ``mailroom_job_failed`` and the worker carries on."""

from __future__ import annotations

import logging
import traceback
from pathlib import Path
from typing import Any

from flask import Flask
from huey import Huey, RedisHuey, SqliteHuey

from kernel.contributions import Job
from kernel.db import database
from kernel.models.clock import utcnow

log = logging.getLogger(__name__)


class UnknownJob(LookupError):
    pass


class JobQueue:
    """The app's huey instance with every declared job registered as a task."""

    def __init__(self, app: Flask, jobs: list[Job]) -> None:
        self.app = app
        self.huey = self._make_huey(app)
        self.jobs = {job.name: job for job in jobs}
        self.tasks: dict[str, Any] = {}
        for job in jobs:
            runner = self._runner(job)
            if job.schedule is not None:
                self.tasks[job.name] = self.huey.periodic_task(job.schedule, name=job.name)(runner)
            else:
                self.tasks[job.name] = self.huey.task(name=job.name)(runner)

    @staticmethod
    def _make_huey(app: Flask) -> Huey:
        if app.config.get("REDIS_URL"):
            return RedisHuey("mailroom", url=app.config["REDIS_URL"])
        path = Path(app.instance_path) / "jobs.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey("mailroom", filename=str(path))

    def _runner(self, job: Job):
        app = self.app

        def run(**kwargs: Any) -> bool:
            with app.app_context():
                database.connect(reuse_if_open=True)
                try:
                    job.run(**kwargs)
                    return True
                except Exception as error:  # noqa: BLE001 - any failure must be reported
                    if database.in_transaction():
                        database.rollback()
                    log.exception("job %s failed", job.name)
                    app.extensions["mailroom.hooks"].job_failed(
                        job.name,
                        f"{type(error).__name__}: {error}",
                        traceback.format_exc(),
                        utcnow(),
                    )
                    return False
                finally:
                    if not database.is_closed():
                        database.close()

        return run

    def enqueue(self, name: str, **kwargs: Any) -> Any:
        """Queue a job for the worker."""
        if name not in self.tasks:
            raise UnknownJob(name)
        return self.tasks[name](**kwargs)

    def run_pending(self) -> int:
        """Execute every queued job in this process (what one worker pass does)."""
        count = 0
        while (task := self.huey.dequeue()) is not None:
            self.huey.execute(task)
            count += 1
        return count

    def run_now(self, name: str, **kwargs: Any) -> bool:
        """Run a job here and now, reporting a failure like the worker would.

        :returns: whether it succeeded.
        """
        if name not in self.jobs:
            raise UnknownJob(name)
        return self._runner(self.jobs[name])(**kwargs)


def job_queue(app: Flask) -> JobQueue:
    return app.extensions["mailroom.jobs"]
