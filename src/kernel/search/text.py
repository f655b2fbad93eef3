"""Text as the search index sees it: accent-folded, case-folded words.

The same functions prepare what is indexed and what is searched for, on SQLite and on
PostgreSQL alike. Folding here in Python, rather than in each database, is what makes
"Sao Tome" find "São Tomé" on both without a PostgreSQL extension (``unaccent``), and
splitting here means both backends see the same words whatever their own tokenizers
would have made of punctuation, e-mail addresses or URLs.
"""

from __future__ import annotations

import unicodedata

# A word longer than any query can be is cut: a query of at most 200 characters still
# finds it by prefix, and PostgreSQL never meets a lexeme over its 2 KB limit.
MAX_WORD_LENGTH = 200


class _SeparatorTable(dict):
    """``str.translate`` table turning every character that is not part of a word into a
    space, worked out once per character.

    Letters, digits and marks make words. Marks are kept because Indic and other scripts
    write vowels with them (splitting there would cut "हिन्दी" into pieces); the SQLite
    index is told the same (``categories 'L* N* Co M*'``). The underscore is a separator,
    as it is for both databases' own tokenizers.
    """

    def __missing__(self, code: int) -> int:
        char = chr(code)
        is_word = char != "_" and (char.isalnum() or unicodedata.category(char)[0] == "M")
        self[code] = code if is_word else 32
        return self[code]


_SEPARATORS = _SeparatorTable()


def fold(text: str) -> str:
    """Text without accents and case: "São Tomé" → "sao tome", "Straße" → "strasse".

    Compatibility decomposition (NFKD) also maps ligatures and full-width forms to plain
    letters. Combining marks with a non-zero combining class are dropped: Latin, Greek and
    Cyrillic accents, Arabic and Hebrew vowel points, the Indic virama. Dropping those
    makes some distinct words equal, which only ever adds hits.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", stripped.casefold())


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order (repeats kept)."""
    return [word[:MAX_WORD_LENGTH] for word in fold(text).translate(_SEPARATORS).split()]


def indexed_text(text: str) -> str:
    """``text`` as stored in the index: its folded words joined by single spaces."""
    return " ".join(words(text))
