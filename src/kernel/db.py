"""The database: one deferred peewee proxy, initialised from a URL in ``create_app``."""

from typing import Any

from peewee import Database, DatabaseProxy, Model, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import connect

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "busy_timeout": 5000,
    "foreign_keys": 1,
    "synchronous": "normal",
    "cache_size": -32_000,
}


class BaseModel(Model):
    """Every model of the kernel and of plugins derives from this, so all share one database."""

    class Meta:
        database = database
        legacy_table_names = False


def open_database(url: str) -> Database:
    """Connect the proxy to the database named by ``url`` and return the real database."""
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        kwargs["pragmas"] = SQLITE_PRAGMAS
        # Several requests share a process; each thread gets its own connection.
        kwargs["check_same_thread"] = False
    real = connect(url, **kwargs)
    database.initialize(real)
    return real


def is_sqlite() -> bool:
    return isinstance(database.obj, SqliteDatabase)


def is_postgresql() -> bool:
    return isinstance(database.obj, PostgresqlDatabase)
