"""What a user typed into the search box, turned into a condition for the inbox query.

Every word must occur in one message — in its subject, its text or its sender's name —
and each word matches as a prefix ("vacc" finds "vaccine"), except one-letter words,
which match only themselves (a one-letter prefix would read most of the index).
Punctuation only separates words: quotes, stars, colons, ``OR``, ``NEAR(`` or ``-`` are
never query syntax, so nothing a user types can break the SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from peewee import SQL, Expression, NodeList, Table, fn

from kernel.db import database, is_sqlite
from kernel.models import Participant
from kernel.search.index import CONVERSATION_SPAN
from kernel.search.text import words

MAX_QUERY_LENGTH = 200
MIN_PREFIX_LENGTH = 2
# On SQLite, words found in at least this many messages are common (see _sqlite_condition).
COMMON_MATCHES = 2000


class QueryTooLong(ValueError):
    """The search text is longer than :data:`MAX_QUERY_LENGTH`; the message says so."""


@dataclass(frozen=True)
class SearchQuery:
    """The search text as typed (stripped) and the distinct folded words to look for."""

    text: str
    words: tuple[str, ...]

    @property
    def is_blank(self) -> bool:
        """Nothing was typed: the folder is shown unfiltered."""
        return not self.text

    @property
    def is_searchable(self) -> bool:
        """At least one word of letters or digits to look for."""
        return bool(self.words)


def parse_query(text: str | None) -> SearchQuery:
    """Read the search box.

    :raises QueryTooLong: for more than :data:`MAX_QUERY_LENGTH` characters.
    """
    text = (text or "").strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryTooLong(f"Search for at most {MAX_QUERY_LENGTH} characters.")
    return SearchQuery(text=text, words=tuple(dict.fromkeys(words(text))))


def matching_conversations(query: SearchQuery, include_internal: bool) -> Any | None:
    """A condition on ``Participant`` rows: their conversation has a message matching
    ``query``.

    It does not scope anything to a user: combine it with the participant condition of
    :func:`kernel.models.conversations.inbox_for`, which keeps every hit inside the
    reader's own conversations.

    :param query: from :func:`parse_query`.
    :param include_internal: whether internal messages may be hit, which is
        :func:`kernel.access.sees_internal_messages` for the reader.
    :returns: None for a blank query (no filter); a condition nothing meets when the query
        has no word to look for (only punctuation); otherwise the condition.
    """
    if query.is_blank:
        return None
    if not query.is_searchable:
        return SQL("1 = 0")
    if is_sqlite():
        return _sqlite_condition(query.words, include_internal)
    # IN, not EXISTS: the matching messages are found once through the full-text index,
    # not once per row of the user's folder. PostgreSQL's statistics tell its planner how
    # common each word is, so it picks the join order itself.
    return Participant.conversation.in_(_postgresql_matches(query.words, include_internal))


_FTS5 = Table("message_search", ("rowid", "message_search"))
_SQLITE_PROBE = (
    "SELECT count(*) FROM (SELECT 1 FROM message_search WHERE message_search MATCH ? LIMIT ?)"
)
_TSVECTOR = Table("message_search", ("conversation_id", "internal", "document"))


def _sqlite_condition(query_words: tuple[str, ...], include_internal: bool) -> Any:
    """``conversation IN (conversations of matching messages)``, read off the index's
    rowids alone (see the migration ``0003_search_index``).

    SQLite's planner cannot tell a rare word from a common one, so we look first (one
    capped count over the index). A rare word's few conversations are each looked up in
    ``participant``. For a common word that would be one lookup per conversation holding
    it, anyone's; instead the reader's own folder is walked in inbox order and each row
    checked against the list (the unary ``+`` keeps SQLite from driving by the list).
    """
    # Each word is an FTS5 string ("…"), so nothing in it is read as an operator
    # (NEAR, OR, column filters); strings side by side are AND-ed.
    match = " ".join(_fts5_string(word) for word in query_words)
    ids = _FTS5.select(_FTS5.rowid / CONVERSATION_SPAN).where(
        Expression(_FTS5.message_search, "MATCH", match)
    )
    if not include_internal:
        # The rowid's lowest bit is the internal flag. (peewee's % is LIKE, not modulo.)
        ids = ids.where(_FTS5.rowid.bin_and(1) == 0)
    found = database.execute_sql(_SQLITE_PROBE, (match, COMMON_MATCHES)).fetchone()[0]
    if found < COMMON_MATCHES:
        return Participant.conversation.in_(ids)
    return Expression(NodeList((SQL("+"), Participant.conversation), glue=""), "IN", ids)


def _fts5_string(word: str) -> str:
    quoted = '"' + word.replace('"', '""') + '"'
    return quoted + "*" if len(word) >= MIN_PREFIX_LENGTH else quoted


def _postgresql_matches(query_words: tuple[str, ...], include_internal: bool) -> Any:
    tsquery = " & ".join(_tsquery_operand(word) for word in query_words)
    ids = _TSVECTOR.select(_TSVECTOR.conversation_id).where(
        Expression(_TSVECTOR.document, "@@", fn.to_tsquery("simple", tsquery))
    )
    if not include_internal:
        ids = ids.where(_TSVECTOR.internal == False)
    return ids


def _tsquery_operand(word: str) -> str:
    quoted = "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"
    return quoted + ":*" if len(word) >= MIN_PREFIX_LENGTH else quoted
