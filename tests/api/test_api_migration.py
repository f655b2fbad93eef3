"""Migration 0002: the API token table and the participant index, up and down."""

from __future__ import annotations

from pathlib import Path

from peewee import SqliteDatabase
from playhouse.migrations import Runner

import kernel

MIGRATIONS = Path(kernel.__file__).parent / "migrations"
INDEX = "participant_user_id_last_message_conversation_id"


def test_api_tokens_migration_goes_up_and_down(tmp_path):
    database = SqliteDatabase(str(tmp_path / "fresh.db"))
    runner = Runner(database, str(MIGRATIONS), table_name="migrations_kernel")
    assert runner.up(target="0002_api_tokens") == ["0001_initial", "0002_api_tokens"]
    assert "api_token" in database.get_tables()
    assert INDEX in [index.name for index in database.get_indexes("participant")]

    assert runner.down() == ["0002_api_tokens"]
    assert "api_token" not in database.get_tables()
    assert INDEX not in [index.name for index in database.get_indexes("participant")]

    assert runner.up(target="0002_api_tokens") == ["0002_api_tokens"]
    database.close()
