"""Search text: folding, words and query parsing (no database)."""

from __future__ import annotations

import pytest

from kernel.search import MAX_QUERY_LENGTH, QueryTooLong, parse_query
from kernel.search.text import MAX_WORD_LENGTH, fold, indexed_text, words


def test_fold_removes_accents_and_case():
    assert fold("São Tomé") == "sao tome"
    assert fold("ÉCOLE Ñandú Ångström") == "ecole nandu angstrom"
    assert fold("Straße") == "strasse"


def test_fold_maps_ligatures_and_full_width_letters():
    assert fold("ﬁle") == "file"
    assert fold("ＡＢＣ") == "abc"


def test_words_split_on_punctuation_and_underscores():
    assert words("Stock-out of ORS: 5 sachets (urgent!) ana@moh.gov.sl foo_bar") == [
        "stock",
        "out",
        "of",
        "ors",
        "5",
        "sachets",
        "urgent",
        "ana",
        "moh",
        "gov",
        "sl",
        "foo",
        "bar",
    ]


def test_words_keep_marks_inside_words_of_indic_scripts():
    assert len(words("हिन्दी पुस्तक")) == 2


def test_words_keep_scripts_without_case():
    assert words("疫苗 接种") == ["疫苗", "接种"]


def test_very_long_words_are_cut():
    assert words("a" * 5000) == ["a" * MAX_WORD_LENGTH]


def test_indexed_text_is_the_words_joined_by_spaces():
    assert indexed_text("  Vaccine -- delivery\n\tSÃO ") == "vaccine delivery sao"


def test_query_words_are_folded_and_distinct():
    query = parse_query("  Vaccine vaccine VACC São ")
    assert query.text == "Vaccine vaccine VACC São"
    assert query.words == ("vaccine", "vacc", "sao")
    assert query.is_searchable and not query.is_blank


def test_query_syntax_is_only_punctuation():
    assert parse_query('"vacc*" OR NEAR(a b) -x body:y').words == (
        "vacc",
        "or",
        "near",
        "a",
        "b",
        "x",
        "body",
        "y",
    )


@pytest.mark.parametrize("text", [None, "", "   "])
def test_blank_query_is_blank(text):
    assert parse_query(text).is_blank


@pytest.mark.parametrize("text", ["***", '"', "?!:", "()", "—"])
def test_punctuation_only_is_not_searchable(text):
    query = parse_query(text)
    assert not query.is_blank
    assert not query.is_searchable


def test_over_long_query_is_refused():
    assert parse_query("x" * MAX_QUERY_LENGTH).words == ("x" * MAX_QUERY_LENGTH,)
    with pytest.raises(QueryTooLong, match="at most 200 characters"):
        parse_query("x" * (MAX_QUERY_LENGTH + 1))
