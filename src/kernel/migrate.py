"""Applying the kernel's and every plugin's migrations, each with its own history table."""

from __future__ import annotations

from peewee import Database
from playhouse.migrations import Runner

from kernel.plugins import Hooks


def history_table(source_name: str) -> str:
    return f"migrations_{source_name}"


def apply_migrations(database: Database, hooks: Hooks) -> dict[str, list[str]]:
    """Apply pending migrations: the kernel's first, then each plugin's in order.

    :returns: the names applied, per source.
    """
    applied: dict[str, list[str]] = {}
    for source in hooks.migrations():
        runner = Runner(database, str(source.directory), table_name=history_table(source.name))
        applied[source.name] = runner.up()
    return applied


def pending_migrations(database: Database, hooks: Hooks) -> dict[str, list[str]]:
    pending: dict[str, list[str]] = {}
    for source in hooks.migrations():
        runner = Runner(database, str(source.directory), table_name=history_table(source.name))
        names = [m.name for m in runner.status() if m.path and not m.applied]
        if names:
            pending[source.name] = names
    return pending
