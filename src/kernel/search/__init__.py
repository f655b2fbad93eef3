"""Full-text search over messages: their subject, text and sender's name.

One index row per message, kept in step by :mod:`kernel.messaging` in the same
transaction as the message. SQLite uses an FTS5 table, PostgreSQL a ``tsvector`` with a
GIN index; both are fed the same accent-folded words (:mod:`kernel.search.text`), so a
query finds the same conversations on either backend.

- :mod:`kernel.search.text`: folding and splitting text into words (index and query).
- :mod:`kernel.search.index`: writing index rows.
- :mod:`kernel.search.query`: parsing what a user typed, and finding its matches for the
  inbox.
"""

from kernel.search.index import index_message
from kernel.search.query import (
    MAX_QUERY_LENGTH,
    Matches,
    QueryTooLong,
    SearchQuery,
    find_matches,
    matching_conversations,
    parse_query,
)

__all__ = [
    "MAX_QUERY_LENGTH",
    "Matches",
    "QueryTooLong",
    "SearchQuery",
    "find_matches",
    "index_message",
    "matching_conversations",
    "parse_query",
]
