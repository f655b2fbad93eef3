"""The kernel's system-message sender: a producer's ``ext_message_id`` is sent once, even
when two workers race past the "already sent?" check (migration 0007's unique index)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from peewee import IntegrityError, SqliteDatabase, Table
from playhouse.migrations import Runner

import kernel.migrations
from kernel import system_messages
from kernel.messaging import SendError, start_conversation
from kernel.models import Conversation, Message, Participant
from kernel.system_messages import send_system_message

MIGRATIONS = Path(kernel.migrations.__file__).parent


def counts() -> tuple[int, int, int]:
    return Conversation.select().count(), Participant.select().count(), Message.select().count()


def test_the_same_id_is_sent_once(ctx, people):
    first = send_system_message(
        subject="Backup failed", text="Disk full", recipient_ids={people["ana"].id},
        ext_message_id="backup:20261128",
    )  # fmt: skip
    assert first is not None
    before = counts()
    again = send_system_message(
        subject="Backup failed", text="Disk full", recipient_ids={people["ana"].id},
        ext_message_id="backup:20261128",
    )  # fmt: skip
    assert again is None and counts() == before


def test_the_database_refuses_a_second_conversation_with_the_same_id(ctx, people):
    send = dict(
        sender=None, recipient_ids={people["ana"].id}, subject="Job failed", text="Boom",
        message_type="SYSTEM", ext_message_id="job:1",
    )  # fmt: skip
    start_conversation(**send)
    before = counts()
    with pytest.raises(IntegrityError):
        start_conversation(**send)
    assert counts() == before


def test_a_racing_worker_that_lost_gets_already_sent(ctx, people, monkeypatch):
    send_system_message(
        subject="Job failed", text="Boom", recipient_ids={people["ana"].id},
        ext_message_id="job:race",
    )  # fmt: skip
    before = counts()
    # The other worker checked before this one had committed: its check saw nothing.
    checks = iter([False, True])
    monkeypatch.setattr(system_messages, "already_sent", lambda ext_id: next(checks))
    lost = send_system_message(
        subject="Job failed", text="Boom", recipient_ids={people["ben"].id},
        ext_message_id="job:race",
    )  # fmt: skip
    assert lost is None and counts() == before


def test_nobody_to_tell_is_still_an_error(ctx, people):
    with pytest.raises(SendError):
        send_system_message(subject="Job failed", text="Boom", ext_message_id="job:nobody")
    assert counts() == (0, 0, 0)


def test_upgrading_keeps_duplicates_that_raced_but_renames_all_but_the_oldest(tmp_path):
    database = SqliteDatabase(str(tmp_path / "old.db"), pragmas={"foreign_keys": 1})
    runner = Runner(database, str(MIGRATIONS), table_name="migrations_kernel")
    runner.up(target="0006_drop_redundant_indexes")
    conversations = Table("conversation").bind(database)
    now = datetime(2026, 11, 1, 12, 0)
    for cid, ext_id in [(1, "job:a"), (2, "job:a"), (3, "job:b"), (4, None), (5, None)]:
        conversations.insert(
            id=cid, uid=f"C{cid:010d}", subject="Job failed", message_type="SYSTEM",
            created=now, last_updated=now, last_message=now, message_count=1,
            ext_message_id=ext_id, status="NONE", priority="NONE",
        ).execute()  # fmt: skip
    runner.up()
    rows = dict(database.execute_sql("SELECT id, ext_message_id FROM conversation ORDER BY id"))
    assert rows == {1: "job:a", 2: "job:a#2", 3: "job:b", 4: None, 5: None}
    with pytest.raises(IntegrityError):
        conversations.insert(
            id=6, uid="C0000000006", subject="x", message_type="SYSTEM", created=now,
            last_updated=now, last_message=now, message_count=1, ext_message_id="job:b",
            status="NONE", priority="NONE",
        ).execute()  # fmt: skip
