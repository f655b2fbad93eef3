"""The database: one deferred peewee proxy, initialised from a URL in ``create_app``."""

from typing import Any

from peewee import Database, DatabaseProxy, Model, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import connect
from playhouse.pool import PooledDatabase

from kernel import wal

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "busy_timeout": 5000,
    "foreign_keys": 1,
    "synchronous": "normal",
    # Up to 128 MB of pages per connection (negative: KiB), filled only as pages are read.
    # A send to 10,000 recipients touches some 30,000 index pages; with 32 MB it read many
    # twice and took 550–600 ms at national scale, with 128 MB 440 ms (SPEC §7: ≤ 500).
    "cache_size": -131_072,
    # Checkpoints run in a thread of their own (kernel.wal); this is only its safety bound.
    "wal_autocheckpoint": wal.SAFETY_PAGES,
}
# Connections kept open per process. A request takes one and gives it back when it ends:
# opening a PostgreSQL connection cost 4–5 ms of a 6 ms badge poll, and a SQLite one its
# five PRAGMAs. Gunicorn's sync workers use one each; threads and the job worker more.
POOL_SIZE = 16
# Seconds a request waits for a free connection when all are taken, before failing (503).
POOL_WAIT = 10
# Idle connections older than this are closed rather than reused (server-side timeouts).
POOL_STALE_AFTER = 300


class BaseModel(Model):
    """Every model of the kernel and of plugins derives from this, so all share one database."""

    class Meta:
        database = database
        legacy_table_names = False


def open_database(url: str) -> Database:
    """Connect the proxy to the database named by ``url`` (through a connection pool) and
    return the real database.

    A database opened earlier in this process (tests build many apps) has its idle
    pooled connections closed: the proxy no longer leads to it.
    """
    kwargs: dict[str, Any] = {
        "max_connections": POOL_SIZE,
        "timeout": POOL_WAIT,
        "stale_timeout": POOL_STALE_AFTER,
    }
    if url.startswith("sqlite"):
        kwargs["pragmas"] = SQLITE_PRAGMAS
        # Pooled connections move between threads (never two at once).
        kwargs["check_same_thread"] = False
    scheme, rest = url.split("://", 1)
    if not scheme.endswith("+pool"):
        scheme += "+pool"
    real = connect(f"{scheme}://{rest}", **kwargs)
    close_pool(database.obj)
    database.initialize(real)
    if isinstance(real, SqliteDatabase):
        wal.follow(real)
    return real


def close_connections(db: Database) -> None:
    """Really close every connection this process holds, pooled ones included: before
    forking workers, which must not share the parent's connections (a PostgreSQL socket
    or a SQLite handle used from two processes corrupts both)."""
    if isinstance(db, PooledDatabase):
        db.close_all()
    elif not db.is_closed():
        db.close()


def close_pool(db: Database | None) -> None:
    """Close the idle connections a pooled database keeps. Ones in use stay open (another
    thread may hold one) until the pool itself is garbage-collected."""
    if isinstance(db, PooledDatabase):
        db.close_idle()


def is_sqlite() -> bool:
    return isinstance(database.obj, SqliteDatabase)


def is_postgresql() -> bool:
    return isinstance(database.obj, PostgresqlDatabase)
