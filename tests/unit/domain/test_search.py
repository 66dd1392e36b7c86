"""Words, typos and ranking, as the search index applies them."""

from __future__ import annotations

import pytest

from bot.domain.search import (
    QueryWord,
    SearchQuery,
    build_query,
    one_typo_apart,
    rank,
    variants,
    words_of,
)
from tests.support.factories import make_product


@pytest.mark.parametrize(
    ("typed", "known", "apart"),
    [
        ("tomatos", "tomatoes", True),  # a letter missing
        ("bananna", "banana", True),  # a letter too many
        ("buttet", "butter", True),  # a letter changed
        ("yoghrut", "yoghurt", True),  # two letters swapped
        ("butter", "butter", False),  # the same word is a whole match, not a typo
        ("tomtos", "tomatoes", False),  # two letters missing
        ("abcde", "bcdea", False),  # shares a variant, but is two edits away
    ],
)
def test_one_typo_means_one_letter_missing_added_changed_or_swapped(
    typed: str, known: str, apart: bool
) -> None:
    assert one_typo_apart(typed, known) is apart


def test_two_words_one_typo_apart_share_a_variant() -> None:
    assert variants("yoghrut") & variants("yoghurt")
    assert variants("tomatos") & variants("tomatoes")


def test_words_ignore_case_accents_and_punctuation_but_keep_emoji() -> None:
    assert words_of("Crème-Fraîche 200ml 🍷") == ["creme", "fraiche", "200ml", "🍷"]


def only(word: str, *typos: str) -> SearchQuery:
    return SearchQuery((QueryWord(word, typos),))


def test_a_name_match_outranks_a_category_match() -> None:
    eggs = make_product(name="Free-range eggs ×6", category="Dairy & Eggs")
    butter = make_product(name="Butter 250 g", category="Dairy & Eggs")
    assert (rank(eggs, only("eggs")) or 0) > (rank(butter, only("eggs")) or 0) > 0


def test_a_whole_word_outranks_a_start_which_outranks_a_typo() -> None:
    query = only("tea", "tee")
    whole = rank(make_product(name="Green tea"), query) or 0
    start = rank(make_product(name="Teapot"), query) or 0
    typo = rank(make_product(name="Tee shirt"), query) or 0
    assert whole > start > typo > 0


def test_words_match_from_their_start_only() -> None:
    assert rank(make_product(name="Washing-up liquid"), only("hi")) is None


def test_every_typed_word_must_match() -> None:
    query = SearchQuery((QueryWord("green"), QueryWord("coffee")))
    assert rank(make_product(name="Green tea"), query) is None


def test_a_query_keeps_only_real_typos_of_long_words() -> None:
    index = {"tomatos": {"tomatoes"}, "tomato": {"tomato", "tomatoes"}, "bcdea": {"bcdea"}}

    def look_up(typed: set[str]) -> dict[str, set[str]]:
        return {v: index[v] for v in typed if v in index}

    query = build_query("Tomatos abcde tea", look_up)
    assert [w.text for w in query.words] == ["tomatos", "abcde", "tea"]
    assert query.words[0].typos == ("tomato", "tomatoes")
    assert query.words[1].typos == ()  # "bcdea" shares a variant but is two edits away
