"""Migration 0004: participant copies of the conversation's status, priority and assignee,
backfilled on a database that already holds conversations, and the widened inbox index."""

from __future__ import annotations

import importlib.util
from datetime import datetime
from pathlib import Path

from peewee import SqliteDatabase, Table
from playhouse.migrations import Runner, SchemaMigrator

import kernel.migrations
from kernel.messaging import change_state, start_conversation
from kernel.models import Participant, Priority, Status

MIGRATIONS = Path(kernel.migrations.__file__).parent
NAME = "0004_participant_feedback_state"
OLD_INDEX = "participant_user_id_message_type_last_message_conversation_id"


def _load_migration():
    spec = importlib.util.spec_from_file_location("feedback_state", MIGRATIONS / f"{NAME}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


migration = _load_migration()


def copies(database) -> dict[tuple[int, int], tuple[str, str, int | None]]:
    rows = database.execute_sql(
        "SELECT conversation_id, user_id, status, priority, assignee_id FROM participant"
    )
    return {(c, u): (s, p, a) for c, u, s, p, a in rows}


def test_upgrading_a_database_with_tickets_copies_their_state(tmp_path):
    database = SqliteDatabase(str(tmp_path / "old.db"), pragmas={"foreign_keys": 1})
    runner = Runner(database, str(MIGRATIONS), table_name="migrations_kernel")
    runner.up(target="0003_search_index")
    now = datetime(2026, 11, 1, 12, 0)
    users = Table("user_account").bind(database)
    for n in (1, 2, 3):
        users.insert(
            id=n, uid=f"U{n:010d}", username=f"u{n}", first_name="U", surname=str(n),
            disabled=False, created=now,
        ).execute()  # fmt: skip
    conversations = Table("conversation").bind(database)
    participants = Table("participant").bind(database)
    # Written as the code before the migration did: state on the conversation only.
    states = {
        10: ("TICKET", "OPEN", "HIGH", 2),
        11: ("TICKET", "SOLVED", "NONE", None),
        12: ("VALIDATION_RESULT", "NONE", "LOW", None),
        13: ("PRIVATE", "NONE", "NONE", None),
    }
    for cid, (kind, status, priority, assignee) in states.items():
        conversations.insert(
            id=cid, uid=f"C{cid:010d}", subject="s", message_type=kind, priority=priority,
            status=status, assignee_id=assignee, last_message=now, message_count=1,
            created=now, last_updated=now,
        ).execute()  # fmt: skip
        for user in (1, 2, 3):
            participants.insert(
                conversation_id=cid, user_id=user, message_type=kind, last_message=now,
                read=False, follow_up=False,
            ).execute()  # fmt: skip

    assert runner.up(target=NAME) == [NAME]
    assert copies(database) == {
        (cid, user): (status, priority, assignee)
        for cid, (_, status, priority, assignee) in states.items()
        for user in (1, 2, 3)
    }
    indexes = {index.name for index in database.get_indexes("participant")}
    assert {"participant_inbox", "participant_assignee"} <= indexes
    assert OLD_INDEX not in indexes
    # The copy is a foreign key like the conversation's: deleting the user clears both.
    database.execute_sql("DELETE FROM user_account WHERE id = 2")
    assert {a for (c, _), (_, _, a) in copies(database).items() if c == 10} == {None}
    assignee = database.execute_sql("SELECT assignee_id FROM conversation WHERE id = 10")
    assert assignee.fetchone() == (None,)

    assert runner.down() == [NAME]
    columns = {column.name for column in database.get_columns("participant")}
    assert not {"status", "priority", "assignee_id"} & columns
    indexes = {index.name for index in database.get_indexes("participant")}
    assert OLD_INDEX in indexes and "participant_inbox" not in indexes
    assert runner.up(target=NAME) == [NAME]
    database.close()


def test_backfill_on_the_test_database_restores_every_copy(app, people):
    """Down and up again on the app's database (each backend), as on one that predates it."""
    database = app.extensions["mailroom.database"]
    with app.app_context():
        ticket = start_conversation(
            sender=people["ana"],
            recipient_ids={people["ben"].id, people["admin"].id},
            subject="Locked period",
            text="x",
            message_type="TICKET",
            status=Status.OPEN,
        )
        change_state(ticket, people["ben"], "priority", Priority.MEDIUM)
        change_state(ticket, people["ben"], "assignee", people["ben"])
        private = start_conversation(
            sender=people["ana"],
            recipient_ids={people["eve"].id},
            subject="Hello",
            text="x",
            message_type="PRIVATE",
        )
        before = copies(database)
        assert before[(ticket.id, people["admin"].id)] == ("OPEN", "MEDIUM", people["ben"].id)
        migrator = SchemaMigrator.from_database(database)
        with database.atomic():
            migration.down(migrator, database)
        assert "status" not in {c.name for c in database.get_columns("participant")}
        with database.atomic():
            migration.up(migrator, database)
        assert copies(database) == before
        rows = Participant.select().where(Participant.conversation == private)
        assert {(p.status, p.priority, p.assignee_id) for p in rows} == {("NONE", "NONE", None)}
        database.close()
