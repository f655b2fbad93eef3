"""SQLite's write-ahead log is checkpointed by a background thread, not inside commits."""

from __future__ import annotations

import sqlite3
import time

import pytest

from kernel import create_app, wal
from kernel.migrate import apply_migrations


@pytest.fixture
def sqlite_app(tmp_path):
    path = tmp_path / "wal.db"
    app = create_app(
        {"DATABASE_URL": f"sqlite:///{path}", "INSTANCE_PATH": tmp_path, "PLUGINS": []}
    )
    database = app.extensions["mailroom.database"]
    with app.app_context():
        apply_migrations(database, app.extensions["mailroom.hooks"])
    database.close()
    yield app, path
    database.close_all()


def _rows_in_database_file(path) -> int:
    """Users as the database file alone holds them, without the log (immutable=1)."""
    reader = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        return reader.execute("SELECT count(*) FROM user_account").fetchone()[0]
    except sqlite3.DatabaseError:
        return 0  # the table itself is still only in the log
    finally:
        reader.close()


def test_commits_leave_checkpoints_to_the_background_below_the_safety_bound(sqlite_app):
    app, _ = sqlite_app
    database = app.extensions["mailroom.database"]
    with app.app_context():
        pages = database.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0]
    database.close()
    assert pages == wal.SAFETY_PAGES


def test_committed_rows_reach_the_database_file_within_seconds(sqlite_app):
    app, path = sqlite_app
    database = app.extensions["mailroom.database"]
    with app.app_context(), database.atomic():
        database.execute_sql(
            "WITH RECURSIVE n(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM n "
            "WHERE value < 3000) "
            "INSERT INTO user_account (uid, username, first_name, surname, disabled, created) "
            "SELECT printf('W%010d', value), 'wal' || value, 'W', 'Al', 0, '2026-11-28' FROM n"
        )
    database.close()
    deadline = time.monotonic() + 10 * wal.INTERVAL
    while _rows_in_database_file(path) < 3000 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _rows_in_database_file(path) == 3000


def test_checkpoint_reports_the_log_fully_copied(sqlite_app):
    _, path = sqlite_app
    busy, in_log, copied = wal.checkpoint(str(path))
    assert busy == 0
    assert copied == in_log
