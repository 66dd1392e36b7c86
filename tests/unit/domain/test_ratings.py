"""A rating's stars and comment as the customer gives them, and the average managers read."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.ratings import RatingsSummary, check_stars, clean_comment


@pytest.mark.parametrize("stars", [1, 5])
def test_one_to_five_stars_are_a_rating(stars: int) -> None:
    assert check_stars(stars) == stars


@pytest.mark.parametrize("stars", [0, 6, -1])
def test_other_numbers_of_stars_are_refused(stars: int) -> None:
    with pytest.raises(InvalidInput, match="one to five stars"):
        check_stars(stars)


def test_a_comment_keeps_its_lines_and_loses_control_characters() -> None:
    assert clean_comment("  Great\u0000 tea\nquick pickup  ") == "Great tea\nquick pickup"


@pytest.mark.parametrize("typed", ["", "   ", "\u0007"])
def test_an_empty_comment_asks_for_words(typed: str) -> None:
    with pytest.raises(InvalidInput, match="type a few words"):
        clean_comment(typed)


def test_a_comment_over_the_limit_is_refused_not_cut() -> None:
    with pytest.raises(InvalidInput) as refused:
        clean_comment("x" * 501)
    assert refused.value.words.params == {"limit": 500, "length": 501}


def test_the_average_is_kept_to_one_place_rounded_half_up() -> None:
    assert RatingsSummary(3, 13, []).average == Decimal("4.3")
    assert RatingsSummary(4, 18, []).average == Decimal("4.5")
    assert RatingsSummary(0, 0, []).average is None
