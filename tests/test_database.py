"""The database: SQLite settings, migrations, and what users see when it is down."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kernel import create_app
from kernel.cli import main
from kernel.db import close_connections, is_sqlite
from kernel.migrate import pending_migrations


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(app):
    database = app.extensions["mailroom.database"]
    if not is_sqlite():
        pytest.skip("SQLite settings")
    with app.app_context():
        assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        assert database.execute_sql("PRAGMA busy_timeout").fetchone()[0] == 5000
        database.close()


def test_migrations_are_recorded_per_source_and_nothing_is_pending(app):
    database = app.extensions["mailroom.database"]
    with app.app_context():
        assert "migrations_kernel" in database.get_tables()
        assert pending_migrations(database, app.extensions["mailroom.hooks"]) == {}
        database.close()


def test_serve_refuses_an_unmigrated_database(tmp_path):
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}",
            "INSTANCE_PATH": tmp_path,
            "PLUGINS": [],
        }
    )
    result = CliRunner().invoke(main, ["serve"], obj={"app": app})
    assert result.exit_code != 0
    assert "run `mailroom init` first" in result.output


def test_database_outage_is_a_clear_503(tmp_path):
    # Nothing listens on port 1: every connection attempt fails at once.
    app = create_app(
        {
            "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/mailroom",
            "INSTANCE_PATH": tmp_path,
            "PLUGINS": [],
        }
    )
    response = app.test_client().get("/login")
    assert response.status_code == 503
    assert "The database cannot be reached" in response.get_data(as_text=True)


def _usable(connection) -> bool:
    try:
        connection.cursor().execute("SELECT 1")
        return True
    except Exception:  # noqa: BLE001 - each driver raises its own error for a closed handle
        return False


def test_pooled_connections_are_really_closed_before_serve_forks_its_workers(app):
    database = app.extensions["mailroom.database"]
    with app.app_context():
        database.connect(reuse_if_open=True)
        connection = database.connection()
        database.close()
        # Given back to the pool, still open: a forked worker would share it.
        assert _usable(connection)
        close_connections(database)
        assert not _usable(connection)
