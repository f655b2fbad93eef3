"""The housekeeping job: prune what only matters for a while (failed-login records)."""

from __future__ import annotations

from datetime import timedelta

from kernel.models import LoginFailure
from kernel.models.clock import utcnow

KEEP_LOGIN_FAILURES = timedelta(days=1)


def housekeeping() -> None:
    LoginFailure.delete().where(LoginFailure.at < utcnow() - KEEP_LOGIN_FAILURES).execute()
