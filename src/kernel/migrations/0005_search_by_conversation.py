"""PostgreSQL: an index on ``message_search.conversation_id``, so a search can check one
conversation's messages (``kernel.search.query``: a common word is searched by walking
the reader's folder and checking each conversation, not by collecting its every hit).

SQLite needs nothing: its index rows are numbered by conversation (``0003_search_index``),
so one conversation's rows are a range of the table's own key.

Built inside the migration's transaction, not CONCURRENTLY: a few seconds for the
national dataset's 3,000,000 messages, during which messages cannot be written.
"""

from peewee import *  # noqa: F403

INDEX = "message_search_conversation"


def up(migrator, db):
    if not isinstance(db, SqliteDatabase):  # noqa: F405
        db.execute_sql(f"CREATE INDEX {INDEX} ON message_search (conversation_id)")


def down(migrator, db):
    if not isinstance(db, SqliteDatabase):  # noqa: F405
        db.execute_sql(f"DROP INDEX {INDEX}")
