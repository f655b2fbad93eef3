"""Each participant row gets a copy of its conversation's shared state — status, priority,
assignee — and the inbox index widens to cover every column an inbox filter checks.

The feedback filters (status, priority, assignee) named ``conversation`` columns, so a
filtered folder joined ``conversation`` row by row to count and to page. With the copies,
and with read, follow-up and the copies at the end of the inbox index, any filter
combination is checked inside that index: the count reads index entries alone and the
page walks them in inbox order. For a folder of 10,000 tickets a filtered page's SQL went
from 23–31 ms to 2–3 ms on SQLite, and from 25–200 ms to 4–6 ms on PostgreSQL.

One wider index replaces the old one, so a send writes no more index entries per
recipient (its time was unchanged within noise). An index led by status as well would save
another half millisecond on a status filter and cost every send a whole B-tree more.

``participant.assignee_id`` is a foreign key ON DELETE SET NULL like
``conversation.assignee_id``, so deleting a user clears both copies in one statement. Its
index is partial (assigned rows only): the deletion finds rows through it, and the
unassigned rows a send writes never enter it.

The new columns are added with their default (no table rewrite on either backend), and
only participants of conversations whose state differs from it are updated, in one
statement (``UPDATE … FROM``: SQLite 3.33 or later).
"""

from peewee import *  # noqa: F403

OLD_INBOX_INDEX = "participant_user_id_message_type_last_message_conversation_id"
INBOX_INDEX = "participant_inbox"
ASSIGNEE_INDEX = "participant_assignee"


def up(migrator, db):
    for column in ("status", "priority"):
        db.execute_sql(
            f"ALTER TABLE participant ADD COLUMN {column} VARCHAR(16) NOT NULL DEFAULT 'NONE'"
        )
    db.execute_sql(
        "ALTER TABLE participant ADD COLUMN assignee_id INTEGER "
        "REFERENCES user_account (id) ON DELETE SET NULL"
    )
    # Dropped before the backfill: PostgreSQL would otherwise update it for every row.
    db.execute_sql(f"DROP INDEX {OLD_INBOX_INDEX}")
    backfill(db)
    db.execute_sql(
        f"CREATE INDEX {INBOX_INDEX} ON participant (user_id, message_type, last_message, "
        "conversation_id, read, follow_up, status, priority, assignee_id)"
    )
    db.execute_sql(
        f"CREATE INDEX {ASSIGNEE_INDEX} ON participant (assignee_id) WHERE assignee_id IS NOT NULL"
    )
    if not isinstance(db, SqliteDatabase):  # noqa: F405
        # Statistics for the new columns now rather than at autovacuum's next pass: without
        # them the planner misjudged "assigned to me" (8 ms instead of 2 on the national
        # dataset). Half a second there. SQLite keeps no statistics here.
        db.execute_sql("ANALYZE participant")


def backfill(db):
    """Copy the state of every conversation that has any onto its participants; returns
    how many participant rows were updated."""
    cursor = db.execute_sql(
        "UPDATE participant SET status = c.status, priority = c.priority, "
        "assignee_id = c.assignee_id FROM conversation AS c "
        "WHERE c.id = participant.conversation_id "
        "AND (c.status <> 'NONE' OR c.priority <> 'NONE' OR c.assignee_id IS NOT NULL)"
    )
    return cursor.rowcount


def down(migrator, db):
    db.execute_sql(f"DROP INDEX {ASSIGNEE_INDEX}")
    db.execute_sql(f"DROP INDEX {INBOX_INDEX}")
    db.execute_sql(
        f"CREATE INDEX {OLD_INBOX_INDEX} ON participant "
        "(user_id, message_type, last_message, conversation_id)"
    )
    # SQLite cannot drop a column that is part of a foreign key: peewee rebuilds the table.
    legacy = {"legacy": True} if isinstance(db, SqliteDatabase) else {}  # noqa: F405
    migrator.migrate(
        migrator.drop_column("participant", "assignee_id", **legacy),
        migrator.drop_column("participant", "priority"),
        migrator.drop_column("participant", "status"),
    )
