"""A national-size user file imports in one call, in bulk: the number of SQL statements
grows with the number of chunks, not of users. (The 20,000-user timing belongs to the
benchmark suite: ``python -m bench.metadata_users 20000 --time``.)"""

from __future__ import annotations

import logging
import time

from bench.metadata_users import metadata_users
from kernel.metadata import import_metadata
from kernel.models import User, UserGroup, UserGroupMember


class StatementCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def test_a_generated_2000_user_file_imports_quickly_in_bulk(app):
    payload = metadata_users(2000, legacy_every=2, password_every=500)
    counter = StatementCounter()
    logger = logging.getLogger("peewee")
    logger.addHandler(counter)
    level, logger.level = logger.level, logging.DEBUG
    try:
        with app.app_context():
            started = time.perf_counter()
            report = import_metadata(payload)
            elapsed = time.perf_counter() - started
    finally:
        logger.removeHandler(counter)
        logger.setLevel(level)

    assert report.status == "OK", report.to_dict()["typeReports"]
    assert report.stats.created == 5 + 2000 + 50
    assert counter.count < 300  # chunked: ~0.1 statement per user, not several
    assert elapsed < 20  # generous, for slow CI machines; typically well under a second
    with app.app_context():
        assert User.select().count() == 2000
        assert UserGroupMember.select().count() == 4000
        assert sum(g.member_count for g in UserGroup.select()) == 4000
