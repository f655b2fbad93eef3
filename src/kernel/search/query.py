"""What a user typed into the search box, turned into a condition for the inbox query.

Every word must occur in one message — in its subject, its text or its sender's name —
and each word matches as a prefix ("vacc" finds "vaccine"), except one-letter words,
which match only themselves (a one-letter prefix would read most of the index).
Punctuation only separates words: quotes, stars, colons, ``OR``, ``NEAR(`` or ``-`` are
never query syntax, so nothing a user types can break the SQL.

A search is answered one of two ways, chosen by a cheap look at how common its words are
(:func:`find_matches`):

- a word in few messages: the index lists them (the other words are checked on each),
  and the folder is narrowed to their conversations, each looked up by its
  (conversation, user) key;
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
# The longest prefix the SQLite index keeps an index of its own for ("prefix = '2 3'").
PREFIX_INDEX_LENGTH = 3
# SQLite: a word being typed ("vacc") found in this many of the newest messages read is
# common; counting its hits as a prefix would merge the lists of every word it begins.
RECENT_MESSAGES = 2000
COMMON_LATELY = 10
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

        :param conversation: the column holding the conversation id. A check made on
            the conversation's row passes ``Conversation.id``: it then runs only once
            the row has passed the conversation's own, cheaper, filters (status …).
        """
        if self.conversation_ids is not None:
            return conversation.in_(self.conversation_ids)
        if is_sqlite():
            return _sqlite_row_check(self.words, self.include_internal, conversation)
        return _postgresql_row_check(self.words, self.include_internal, conversation)


def find_matches(query: SearchQuery, include_internal: bool) -> Matches | None:
    """Look up a search in the full-text index, reading at most :data:`COMMON_MATCHES`
    hits.

    The hits are collected through the rarest word alone (the others are checked on each
    of its messages), so "vaccine zanzibar" reads zanzibar's few messages and never
    vaccine's million; a search whose every word is common is not collected at all.

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
        driver = _sqlite_rarest_word(query.words, include_internal)
        hits = _sqlite_hits
    else:
        driver = _postgresql_rarest_word(query.words)
        hits = _postgresql_hits
    if driver is None:
        return common
    found = database.execute(hits(query.words, driver, include_internal).limit(COMMON_MATCHES))
    conversation_ids = [conversation_id for (conversation_id,) in found]
    if len(conversation_ids) < COMMON_MATCHES:
        return Matches(query.words, include_internal, tuple(sorted(set(conversation_ids))))
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


def _sqlite_rarest_word(query_words: tuple[str, ...], include_internal: bool) -> str | None:
    """A word found in fewer than :data:`COMMON_MATCHES` messages, to collect the hits
    by; None when the search is common.

    FTS5 reads a whole word's list lazily and stops at a limit, and so it does for
    prefixes of two or three letters (they have an index of their own); but it answers
    a longer prefix ("vaccine*") by merging the lists of every word it begins, whole,
    before its first row: 30 ms for "vaccine". So the cheap counts come first, in one
    statement: the words together taken whole (if common, so are their prefixes), and
    for each word its whole count and a bound on its prefix count (a longer word's
    hits are among those of its first three letters). Only when no word is proved rare
    are longer words counted as prefixes, real words before partial ones, stopping at
    the first rare one; a word being typed that the newest messages show to be common
    ("vacc") is not counted at all.
    """
    whole = [_fts5_string(word, prefix=False) for word in query_words]
    bounds = [_fts5_string(word[:PREFIX_INDEX_LENGTH]) for word in query_words]
    together, *counts = _sqlite_counts([" ".join(whole), *whole, *bounds], include_internal)
    whole_counts = dict(zip(query_words, counts[: len(query_words)], strict=True))
    bound_counts = dict(zip(query_words, counts[len(query_words) :], strict=True))
    if together >= COMMON_MATCHES:
        return None
    proved_rare = [word for word in query_words if bound_counts[word] < COMMON_MATCHES]
    if proved_rare:
        return min(proved_rare, key=bound_counts.__getitem__)
    # Every word begins with three common letters; a word of three letters or fewer is
    # then common itself.
    unknown = [
        word
        for word in query_words
        if len(word) > PREFIX_INDEX_LENGTH and whole_counts[word] < COMMON_MATCHES
    ]
    lately = _sqlite_recent_hits(unknown) if unknown else {}
    for word in sorted(unknown, key=whole_counts.__getitem__, reverse=True):
        if lately[word] >= COMMON_LATELY:
            continue
        if _sqlite_counts([_fts5_string(word)], include_internal)[0] < COMMON_MATCHES:
            return word
    return None


def _sqlite_recent_hits(query_words: list[str]) -> dict[str, int]:
    """How many of the :data:`RECENT_MESSAGES` newest messages hold each word (one
    statement reading their stored words: 2 ms)."""
    newest = (
        _FTS5_CONTENT.select(_FTS5_CONTENT.c0, _FTS5_CONTENT.c1, _FTS5_CONTENT.c2)
        .order_by(_FTS5_CONTENT.id.desc())
        .limit(RECENT_MESSAGES)
    )
    counts = [fn.SUM(holds) for holds in _stored_words_hold(query_words, newest.c)]
    row = database.execute(Select([newest], counts)).fetchone()
    return {word: count or 0 for word, count in zip(query_words, row, strict=True)}


def _sqlite_counts(matches: list[str], include_internal: bool) -> list[int]:
    """How many messages each FTS5 query matches, counting no further than
    :data:`COMMON_MATCHES` (one statement)."""
    counts = []
    for match in matches:
        hits = _FTS5.select(SQL("1")).where(Expression(_FTS5.message_search, "MATCH", match))
        if not include_internal:
            hits = hits.where(_visible(_FTS5.rowid))
        counts.append(Select([hits.limit(COMMON_MATCHES)], [fn.COUNT(SQL("*"))]))
    return list(database.execute(Select(columns=counts)).fetchone())


def _sqlite_hits(query_words: tuple[str, ...], driver: str, include_internal: bool) -> Any:
    """The conversation of each message matching ``driver``, read off the index's rowids
    alone (see the migration ``0003_search_index``), each message's stored words checked
    for the other words."""
    # An FTS5 string ("…"): nothing in it is read as an operator (NEAR, OR, columns).
    hits = _FTS5.select(_FTS5.rowid).where(
        Expression(_FTS5.message_search, "MATCH", _fts5_string(driver))
    )
    if not include_internal:
        hits = hits.where(_visible(_FTS5.rowid))
    others = [word for word in query_words if word != driver]
    if not others:
        return hits.select(_FTS5.rowid / CONVERSATION_SPAN)
    return _FTS5_CONTENT.select(_FTS5_CONTENT.id / CONVERSATION_SPAN).where(
        _FTS5_CONTENT.id.in_(hits), *_stored_words_hold(others)
    )


def _visible(rowid: Any) -> Any:
    # The rowid's lowest bit is the internal flag. (peewee's % is LIKE, not modulo.)
    return rowid.bin_and(1) == 0


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
    messages = _FTS5_CONTENT.select(SQL("1")).where(
        _FTS5_CONTENT.id.between(first, first + (CONVERSATION_SPAN - 1)),
        *_stored_words_hold(query_words),
    )
    if not include_internal:
        messages = messages.where(_visible(_FTS5_CONTENT.id))
    return fn.EXISTS(messages)


def _stored_words_hold(query_words: list[str] | tuple[str, ...], columns: Any = None) -> list[Any]:
    """Conditions on a row of the index's stored words, one per word: it holds the word
    (as FTS5 would match it, see :func:`_sqlite_row_check`).

    :param columns: where the stored words are read (a subquery's ``.c``), if not from
        the table itself.
    """
    source = _FTS5_CONTENT if columns is None else columns
    # printf reads a NULL column as empty, where || would make the whole text NULL.
    words_of_message = fn.printf(" %s %s %s ", source.c0, source.c1, source.c2)
    return [fn.instr(words_of_message, _word_start(word)) > 0 for word in query_words]


def _word_start(word: str) -> str:
    """What a word looks like inside " "-separated stored words: a space, then the word
    (a prefix), or the whole word between spaces for one letter."""
    return f" {word}" if len(word) >= MIN_PREFIX_LENGTH else f" {word} "


def _fts5_string(word: str, prefix: bool = True) -> str:
    quoted = '"' + word.replace('"', '""') + '"'
    return quoted + "*" if prefix and len(word) >= MIN_PREFIX_LENGTH else quoted


# Per word, the estimated share of messages holding it (as a prefix; one letter whole),
# from the statistics ANALYZE keeps on the document column: its most common lexemes.
_POSTGRESQL_WORD_SHARES = """
SELECT word, (
    SELECT sum(share) FROM unnest(
        stats.most_common_elems::text::text[], stats.most_common_elem_freqs
    ) AS lexeme(element, share)
    WHERE CASE WHEN length(word) >= %s THEN starts_with(element, word) ELSE element = word END
), (SELECT reltuples FROM pg_class WHERE oid = to_regclass('message_search'))
FROM unnest(%s::text[]) AS word
LEFT JOIN pg_stats AS stats ON stats.schemaname = current_schema()
    AND stats.tablename = 'message_search' AND stats.attname = 'document'
"""


def _postgresql_rarest_word(query_words: tuple[str, ...]) -> str | None:
    """The word to collect the hits by: the rarest by PostgreSQL's statistics; None when
    they say the search is common.

    Statistics, not a capped count: the planner answers a count of a word in half a
    percent of messages (a person's name) by scanning the table until it has enough,
    70 ms. Words the statistics do not list are rarer than any they do.
    """
    rows = database.execute_sql(_POSTGRESQL_WORD_SHARES, (MIN_PREFIX_LENGTH, list(query_words)))
    shares, messages = {}, 0.0
    for word, share, reltuples in rows:
        shares[word] = float(share or 0)
        messages = float(reltuples or 0)
    rarest = min(query_words, key=lambda word: (shares[word], -len(word)))
    together = messages
    for word in query_words:
        together *= shares[word]  # as if the words were independent
    if messages * shares[rarest] >= COMMON_MATCHES and together >= COMMON_MATCHES:
        return None
    return rarest


def _postgresql_hits(query_words: tuple[str, ...], driver: str, include_internal: bool) -> Any:
    """The conversation of each message matching ``driver`` through the GIN index, each
    message checked for the other words too."""
    hits = _TSVECTOR.select(_TSVECTOR.conversation_id).where(_tsquery_match((driver,)))
    if len(query_words) > 1:
        # The function, not the operator: PostgreSQL does not use the index for it, so
        # it cannot choose to read every hit of a common word from the index first.
        hits = hits.where(fn.ts_match_vq(_TSVECTOR.document, _tsquery(query_words)))
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
    return Expression(_TSVECTOR.document, "@@", _tsquery(query_words))


def _tsquery(query_words: tuple[str, ...]) -> Any:
    return fn.to_tsquery("simple", " & ".join(_tsquery_operand(word) for word in query_words))


def _tsquery_operand(word: str) -> str:
    quoted = "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"
    return quoted + ":*" if len(word) >= MIN_PREFIX_LENGTH else quoted
