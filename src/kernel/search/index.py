"""Writing the search index: one row per message, written with the message.

The table itself is made by the kernel migration ``0003_search_index`` (which also
describes its two shapes and backfills it); this module only adds rows. Rows leave the
index with their message: by a trigger on SQLite, by a cascading foreign key on
PostgreSQL.

The sender's name is indexed as it is when the message is written. A user renamed later
keeps the old name on their old messages in the index: searching for the new name finds
only what they write from then on, until the index is rebuilt
(``0003_search_index.backfill``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kernel.db import database, is_sqlite
from kernel.search.text import indexed_text

if TYPE_CHECKING:
    from kernel.models import Message, User

# SQLite rowids: conversation_id * CONVERSATION_SPAN + ordinal * 2 + internal (see the
# migration), so a search reads conversation and internal flag off the rowid alone.
CONVERSATION_SPAN = 2**22

# The next ordinal is one past the conversation's highest rowid. It is capped at the
# conversation's last rowid, so a conversation that ever filled its span fails on a
# duplicate rowid rather than spilling into the next conversation's.
_SQLITE_INSERT = (
    "INSERT INTO message_search (rowid, subject, body, sender, message_id) VALUES ("
    "min(:base + (coalesce((SELECT rowid FROM message_search "
    "WHERE rowid BETWEEN :base AND :last ORDER BY rowid DESC LIMIT 1) - :base, -2) / 2 + 1) "
    "* 2 + :internal, :last - 1 + :internal), :subject, :body, :sender, :message_id)"
)
_POSTGRESQL_INSERT = (
    "INSERT INTO message_search (message_id, conversation_id, internal, document) "
    "VALUES (%s, %s, %s, to_tsvector('simple', %s))"
)


def index_message(message: Message, subject: str, sender: User | None) -> None:
    """Add a new message to the search index, in one statement however many people
    receive it. The caller holds the transaction that writes the message.

    :param message: the stored message (its id, conversation, text and internal flag).
    :param subject: its conversation's subject.
    :param sender: its author, or None for the system (nothing is indexed as the sender).
    """
    subject_words = indexed_text(subject)
    text_words = indexed_text(message.text)
    sender_words = indexed_text(sender.display_name) if sender is not None else ""
    if is_sqlite():
        base = message.conversation_id * CONVERSATION_SPAN
        database.execute_sql(
            _SQLITE_INSERT,
            {
                "base": base,
                "last": base + CONVERSATION_SPAN - 1,
                "internal": int(message.internal),
                "subject": subject_words,
                "body": text_words,
                "sender": sender_words,
                "message_id": message.id,
            },
        )
    else:
        document = " ".join(part for part in (subject_words, text_words, sender_words) if part)
        database.execute_sql(
            _POSTGRESQL_INSERT,
            (message.id, message.conversation_id, bool(message.internal), document),
        )
