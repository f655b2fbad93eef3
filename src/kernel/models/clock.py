"""Time as the database stores it: naive UTC, so SQLite and PostgreSQL compare alike."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
