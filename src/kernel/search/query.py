"""What a user typed into the search box, turned into a condition for the inbox query.

Every word must occur in one message — in its subject, its text or its sender's name —
and each word matches as a prefix ("vacc" finds "vaccine"), except one-letter words,
which match only themselves (a one-letter prefix would read most of the index).
Punctuation only separates words: quotes, stars, colons, ``OR``, ``NEAR(`` or ``-`` are
never query syntax, so nothing a user types can break the SQL.

A search is answered one of two ways, chosen by a capped look into the full-text index
(:func:`find_matches`):

- words in few messages: the index lists them, and the folder is narrowed to their
  conversations, each looked up by its (conversation, user) key;
- words in many messages ("vaccine" is in a third of them): collecting the hits would
  read up to a million index entries, so the reader's folder is walked newest first
  instead and each conversation checked on its own. That stops as soon as the page and
  a capped count are filled, after a few hundred rows for a common word.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from peewee import SQL, Expression, Select, Table, fn

from kernel.db import database, is_sqlite
from kernel.models import Participant
from kernel.search.index import CONVERSATION_SPAN
from kernel.search.text import words

MAX_QUERY_LENGTH = 200
MIN_PREFIX_LENGTH = 2
# A search hitting at least this many messages (the reader may see) is common: its
# conversations are not collected but each folder row is checked (see find_matches).
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


@dataclass(frozen=True)
class Matches:
    """Where a search's hits are, as a folder query needs them.

    ``conversation_ids`` lists every conversation hit when the words are rare (a rare
    word's few conversations); for common words it is None and each folder row is checked
    by :meth:`condition` instead.
    """

    words: tuple[str, ...]
    include_internal: bool
    conversation_ids: tuple[int, ...] | None

    @property
    def are_few(self) -> bool:
        """The hits are listed: drive the query by them, not by the reader's folder."""
        return self.conversation_ids is not None

    def condition(self, conversation: Any = Participant.conversation) -> Any:
        """A condition on a row naming a conversation: one of its messages matches.

        :param conversation: the column holding the conversation id. A query joining
            ``conversation`` passes ``Conversation.id``: the check then waits until the
            row has passed the conversation's own filters (status, priority …), which
            are cheaper.
        """
        if self.conversation_ids is not None:
            return conversation.in_(self.conversation_ids)
        if is_sqlite():
            return _sqlite_row_check(self.words, self.include_internal, conversation)
        return _postgresql_row_check(self.words, self.include_internal, conversation)


def find_matches(query: SearchQuery, include_internal: bool) -> Matches | None:
    """Look up a search in the full-text index, reading at most :data:`COMMON_MATCHES`
    hits (one query; two on SQLite when a word is not common as a whole word).

    :param query: from :func:`parse_query`.
    :param include_internal: whether internal messages may be hit, which is
        :func:`kernel.access.sees_internal_messages` for the reader.
    :returns: None for a blank query (no filter); no conversations when the query has no
        word to look for (only punctuation); otherwise the matches.
    """
    if query.is_blank:
        return None
    if not query.is_searchable:
        return Matches(query.words, include_internal, conversation_ids=())
    common = Matches(query.words, include_internal, conversation_ids=None)
    if is_sqlite():
        if _sqlite_common_as_whole_words(query.words, include_internal):
            return common
        hits = _sqlite_hits(query.words, include_internal)
    else:
        hits = _postgresql_hits(query.words, include_internal)
    found = [conversation_id for (conversation_id,) in database.execute(hits.limit(COMMON_MATCHES))]
    if len(found) < COMMON_MATCHES:
        return Matches(query.words, include_internal, tuple(sorted(set(found))))
    return common


def matching_conversations(query: SearchQuery, include_internal: bool) -> Any | None:
    """A condition on ``Participant`` rows: their conversation has a message matching
    ``query`` (see :func:`find_matches`).

    It does not scope anything to a user: combine it with a condition on the participant's
    user, which keeps every hit inside the reader's own conversations.

    :returns: None for a blank query (no filter); a condition nothing meets when the query
        has no word to look for (only punctuation); otherwise the condition.
    """
    matches = find_matches(query, include_internal)
    return None if matches is None else matches.condition()


_FTS5 = Table("message_search", ("rowid", "message_search"))
# The FTS5 table's own copy of what it indexed (subject, text, sender: c0, c1, c2), one
# row per message under the same rowid: the folded words, separated by single spaces.
_FTS5_CONTENT = Table("message_search_content", ("id", "c0", "c1", "c2"))
_TSVECTOR = Table("message_search", ("conversation_id", "internal", "document"))


def _sqlite_common_as_whole_words(query_words: tuple[str, ...], include_internal: bool) -> bool:
    """Whether the words, each taken whole, are together in at least
    :data:`COMMON_MATCHES` messages: then as prefixes they are too.

    Asked first because it is cheap: FTS5 reads a whole word's list lazily and stops at
    the limit, but answers a prefix of four letters or more ("vaccine*") by merging the
    lists of every word it begins, whole, before the first row (30 ms for "vaccine";
    prefixes of two and three letters have an index of their own).
    """
    if all(len(word) < MIN_PREFIX_LENGTH for word in query_words):
        return False  # one-letter words are matched whole anyway: nothing to gain
    whole = _sqlite_hits(query_words, include_internal, prefixes=False).limit(COMMON_MATCHES)
    counted = Select([whole], [fn.COUNT(SQL("*"))])
    return database.execute(counted).fetchone()[0] >= COMMON_MATCHES


def _sqlite_hits(
    query_words: tuple[str, ...], include_internal: bool, prefixes: bool = True
) -> Any:
    """The conversation of each matching message, read off the index's rowids alone (see
    the migration ``0003_search_index``), in rowid order."""
    # Each word is an FTS5 string ("…"), so nothing in it is read as an operator
    # (NEAR, OR, column filters); strings side by side are AND-ed.
    match = " ".join(_fts5_string(word, prefixes) for word in query_words)
    hits = _FTS5.select(_FTS5.rowid / CONVERSATION_SPAN).where(
        Expression(_FTS5.message_search, "MATCH", match)
    )
    if not include_internal:
        # The rowid's lowest bit is the internal flag. (peewee's % is LIKE, not modulo.)
        hits = hits.where(_FTS5.rowid.bin_and(1) == 0)
    return hits


def _sqlite_row_check(query_words: tuple[str, ...], include_internal: bool, conversation: Any):
    """EXISTS a message of ``conversation`` holding every word, read from the index's
    stored words in the conversation's rowid range.

    Not a MATCH restricted to that range: each FTS5 query costs about 45 µs to set up
    however little it reads, ten times a lookup of the conversation's few stored rows, and
    a common word's page checks hundreds of conversations. The stored words are exactly
    the index's tokens (:mod:`kernel.search.text` splits and folds them, the tokenizer is
    told the same word characters), so a word found after a space is a token it begins.
    """
    first = conversation * CONVERSATION_SPAN
    # printf reads a NULL column as empty, where || would make the whole text NULL.
    words_of_message = fn.printf(" %s %s %s ", _FTS5_CONTENT.c0, _FTS5_CONTENT.c1, _FTS5_CONTENT.c2)
    messages = _FTS5_CONTENT.select(SQL("1")).where(
        _FTS5_CONTENT.id.between(first, first + (CONVERSATION_SPAN - 1)),
        *(fn.instr(words_of_message, _word_start(word)) > 0 for word in query_words),
    )
    if not include_internal:
        messages = messages.where(_FTS5_CONTENT.id.bin_and(1) == 0)
    return fn.EXISTS(messages)


def _word_start(word: str) -> str:
    """What a word looks like inside " "-separated stored words: a space, then the word
    (a prefix), or the whole word between spaces for one letter."""
    return f" {word}" if len(word) >= MIN_PREFIX_LENGTH else f" {word} "


def _fts5_string(word: str, prefix: bool = True) -> str:
    quoted = '"' + word.replace('"', '""') + '"'
    return quoted + "*" if prefix and len(word) >= MIN_PREFIX_LENGTH else quoted


def _postgresql_hits(query_words: tuple[str, ...], include_internal: bool) -> Any:
    hits = _TSVECTOR.select(_TSVECTOR.conversation_id).where(_tsquery_match(query_words))
    if not include_internal:
        hits = hits.where(_TSVECTOR.internal == False)
    return hits


def _postgresql_row_check(
    query_words: tuple[str, ...], include_internal: bool, conversation: Any
) -> Any:
    """EXISTS a message of ``conversation`` whose document matches, found through the
    index on ``message_search.conversation_id`` (migration ``0005``)."""
    messages = _TSVECTOR.select(SQL("1")).where(
        _TSVECTOR.conversation_id == conversation, _tsquery_match(query_words)
    )
    if not include_internal:
        messages = messages.where(_TSVECTOR.internal == False)
    # OFFSET 0 keeps the EXISTS a check made row by row, in the folder's order. Without
    # it PostgreSQL may turn it into a join that first collects every hit of the word from
    # the GIN index: a million rows for a common word, to fill a page of 50.
    return fn.EXISTS(messages.offset(0))


def _tsquery_match(query_words: tuple[str, ...]) -> Any:
    tsquery = " & ".join(_tsquery_operand(word) for word in query_words)
    return Expression(_TSVECTOR.document, "@@", fn.to_tsquery("simple", tsquery))


def _tsquery_operand(word: str) -> str:
    quoted = "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"
    return quoted + ":*" if len(word) >= MIN_PREFIX_LENGTH else quoted
