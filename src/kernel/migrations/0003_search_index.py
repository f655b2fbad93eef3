"""Full-text search over messages: one index row per message with its conversation's
subject, its text and its sender's name (queried by ``kernel.search``).

SQLite: an FTS5 table whose rowid says which conversation a message belongs to and
whether it is internal::

    rowid = conversation_id * 2**22 + ordinal * 2 + internal

(``ordinal`` numbers a conversation's messages in the index, from 0). A search then
reads only the index's own lists of rowids: looking up a column for each hit (an
UNINDEXED conversation id, or the message row) cost 20 times more on a word found in
many messages. A conversation holds at most 2**21 messages in the index. The message id
is kept as an UNINDEXED column, to delete the right row.

The table keeps its own copy of the folded text. Not contentless (``content=''``): SQLite
before 3.43 (Debian 12 ships 3.40) cannot delete from a contentless table. Not external
content: FTS5 re-reads the old values to delete a row, and a sender renamed since would
no longer match what was indexed, corrupting the index. The price is a second copy of
the message text, folded.

PostgreSQL: a table with a ``tsvector`` built with the 'simple' configuration (no
stemming, no stop words: names and place names stay whole) and a GIN index; its planner
estimates how common a word is by itself.

Both are fed the words of ``kernel.search.text`` — the same accent folding and splitting
as the queries use — rather than a frozen copy, so the index always agrees with today's
queries; a change to that folding needs a new migration that rebuilds the index.
"""

from peewee import *  # noqa: F403

from kernel.search.text import indexed_text

# Conversations read and indexed per round while backfilling: bounds memory, not the
# transaction (the runner makes the whole migration one transaction, all or nothing).
BACKFILL_CONVERSATIONS = 500
INSERT_ROWS = 500
CONVERSATION_SPAN = 2**22


def up(migrator, db):
    if isinstance(db, SqliteDatabase):
        db.execute_sql(
            "CREATE VIRTUAL TABLE message_search USING fts5("
            "subject, body, sender, message_id UNINDEXED, "
            # Marks are word characters, as in kernel.search.text (Indic vowel signs).
            "tokenize = \"unicode61 remove_diacritics 2 categories 'L* N* Co M*'\", "
            # Prefix queries of two and three characters (typing starts there) are read
            # from their own index instead of merging every term with that prefix.
            "prefix = '2 3')"
        )
        # A virtual table has no foreign keys: rows leave with their message. Deleting a
        # conversation empties its whole rowid range first, so the message deletes that
        # cascade from it find nothing left to search through.
        span = CONVERSATION_SPAN
        db.execute_sql(
            "CREATE TRIGGER message_search_conversation_delete "
            "BEFORE DELETE ON conversation BEGIN "
            f"DELETE FROM message_search WHERE rowid BETWEEN old.id * {span} "
            f"AND old.id * {span} + {span - 1}; END"
        )
        db.execute_sql(
            "CREATE TRIGGER message_search_message_delete AFTER DELETE ON message BEGIN "
            f"DELETE FROM message_search WHERE rowid BETWEEN old.conversation_id * {span} "
            f"AND old.conversation_id * {span} + {span - 1} AND message_id = old.id; END"
        )
    else:
        db.execute_sql(
            "CREATE TABLE message_search ("
            "message_id INTEGER PRIMARY KEY REFERENCES message (id) ON DELETE CASCADE, "
            "conversation_id INTEGER NOT NULL, "
            "internal BOOLEAN NOT NULL, "
            "document TSVECTOR NOT NULL)"
        )
        db.execute_sql(
            "CREATE INDEX message_search_document ON message_search USING GIN (document)"
        )
    backfill(db)


def down(migrator, db):
    if isinstance(db, SqliteDatabase):
        db.execute_sql("DROP TRIGGER IF EXISTS message_search_message_delete")
        db.execute_sql("DROP TRIGGER IF EXISTS message_search_conversation_delete")
    db.execute_sql("DROP TABLE message_search")


def backfill(db, chunk_size=BACKFILL_CONVERSATIONS):
    """Index every message into the (empty) index, conversation by conversation, in
    rounds of ``chunk_size`` conversations; returns how many messages.

    Sender names are those of today, as a message written now would get.
    """
    p = db.param
    next_chunk = (
        f"SELECT MAX(id) FROM (SELECT id FROM conversation WHERE id > {p} ORDER BY id LIMIT {p}) c"
    )
    messages = (
        "SELECT m.id, m.conversation_id, m.internal, m.text, c.subject, "
        "u.first_name, u.surname, u.username "
        "FROM message m JOIN conversation c ON c.id = m.conversation_id "
        "LEFT JOIN user_account u ON u.id = m.sender_id "
        f"WHERE m.conversation_id > {p} AND m.conversation_id <= {p} "
        "ORDER BY m.conversation_id, m.id"
    )
    sqlite = isinstance(db, SqliteDatabase)
    if sqlite:
        columns = "rowid, subject, body, sender, message_id"
        placeholders = f"({p}, {p}, {p}, {p}, {p})"
    else:
        columns = "message_id, conversation_id, internal, document"
        placeholders = f"({p}, {p}, {p}, to_tsvector('simple', {p}))"
    last_conversation, total = 0, 0
    while True:
        upper = db.execute_sql(next_chunk, (last_conversation, chunk_size)).fetchone()[0]
        if upper is None:
            return total
        rows = db.execute_sql(messages, (last_conversation, upper)).fetchall()
        index_rows = _index_rows(rows, sqlite)
        for start in range(0, len(index_rows), INSERT_ROWS):
            batch = index_rows[start : start + INSERT_ROWS]
            values = ", ".join([placeholders] * len(batch))
            params = [value for row in batch for value in row]
            db.execute_sql(f"INSERT INTO message_search ({columns}) VALUES {values}", params)
        last_conversation, total = upper, total + len(rows)


def _index_rows(rows, sqlite):
    """Index rows for whole conversations' messages, ordered by conversation and id."""
    index_rows = []
    ordinal, conversation = 0, None
    for message_id, conversation_id, internal, text, subject, first, last, username in rows:
        ordinal = ordinal + 1 if conversation_id == conversation else 0
        conversation = conversation_id
        # User.display_name as of this migration.
        sender = (f"{first} {last}".strip() or username) if username is not None else ""
        words = indexed_text(subject), indexed_text(text), indexed_text(sender)
        if sqlite:
            rowid = conversation_id * CONVERSATION_SPAN + ordinal * 2 + int(bool(internal))
            index_rows.append((rowid, *words, message_id))
        else:
            document = " ".join(w for w in words if w)
            index_rows.append((message_id, conversation_id, bool(internal), document))
    return index_rows
