"""The words people type to commands: one table per language, matched in any of them."""

from __future__ import annotations

from enum import Enum

import pytest

from bot.domain.vocabulary import (
    MONTH_NAMES,
    OFFER_WORDS,
    REPORT_WORDS,
    Month,
    ReportWord,
    Vocabulary,
)
from bot.i18n import SHIPPED


@pytest.mark.parametrize("vocabulary", [REPORT_WORDS, MONTH_NAMES, OFFER_WORDS])
def test_every_shipped_language_has_a_word_for_every_meaning(vocabulary: Vocabulary[Enum]) -> None:
    assert set(vocabulary.tables) == set(SHIPPED)
    for language, table in vocabulary.tables.items():
        meanings = {type(m) for m in table}
        [kind] = meanings
        assert set(table) == set(kind), language
        assert all(words for words in table.values()), language


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("semaine", ReportWord.WEEK),
        ("SEMAINE", ReportWord.WEEK),
        ("Mois", ReportWord.MONTH),
        ("jour", ReportWord.TODAY),
        ("aujourd'hui", ReportWord.TODAY),
        ("Aujourd’hui", ReportWord.TODAY),  # the phone's curly apostrophe
        ("aujourdhui", ReportWord.TODAY),
        ("annee", ReportWord.YEAR),  # typed without its accent
        ("Woche", ReportWord.WEEK),
        ("ano", ReportWord.YEAR),
        ("неделя", ReportWord.WEEK),
        ("місяць", ReportWord.MONTH),
        (" week ", ReportWord.WEEK),
        ("Yesterday", ReportWord.YESTERDAY),
    ],
)
def test_report_words_are_matched_in_any_language_ignoring_case_and_accents(
    typed: str, meant: ReportWord
) -> None:
    assert REPORT_WORDS.meaning_of(typed) is meant


@pytest.mark.parametrize(
    ("typed", "month"),
    [
        ("novembre", Month.NOVEMBER),
        ("November", Month.NOVEMBER),
        ("aout", Month.AUGUST),
        ("AOÛT", Month.AUGUST),
        ("März", Month.MARCH),
        ("marz", Month.MARCH),
        ("mai", Month.MAY),
        ("май", Month.MAY),
        ("листопад", Month.NOVEMBER),
        ("diciembre", Month.DECEMBER),
    ],
)
def test_month_names_are_matched_in_any_language(typed: str, month: Month) -> None:
    assert MONTH_NAMES.meaning_of(typed) is month


def test_unknown_words_mean_nothing() -> None:
    assert REPORT_WORDS.meaning_of("lots") is None
    assert REPORT_WORDS.meaning_of("") is None
    assert MONTH_NAMES.meaning_of("week") is None


def test_a_usage_line_shows_the_readers_own_words() -> None:
    meanings = tuple(ReportWord)
    assert REPORT_WORDS.words_for("fr", meanings) == [
        "aujourd'hui",
        "hier",
        "semaine",
        "mois",
        "année",
    ]
    assert REPORT_WORDS.words_for("en", meanings) == ["today", "yesterday", "week", "month", "year"]
    assert REPORT_WORDS.words_for("xx", (ReportWord.WEEK,)) == ["week"]


def test_a_word_that_would_mean_two_things_is_refused_when_the_table_is_written() -> None:
    class Colour(Enum):
        RED = 1
        ROSE = 2

    with pytest.raises(ValueError, match="means two things"):
        Vocabulary({"en": {Colour.RED: ("red",)}, "fr": {Colour.ROSE: ("Réd",)}})
