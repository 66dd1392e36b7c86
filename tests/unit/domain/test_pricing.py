"""A price change for many items: percentages rounded half up, never below zero."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.money import MAX_PRICE_MINOR
from bot.domain.pricing import PriceChange, read_percent


@pytest.mark.parametrize(
    ("percent", "before", "after"),
    [("-10", 379, 341), ("+5", 249, 261), ("12.5", 200, 225), ("-100", 999, 0), ("0", 5, 5)],
)
def test_a_percentage_is_rounded_half_up_to_the_cent(percent: str, before: int, after: int) -> None:
    assert PriceChange(percent=Decimal(percent)).applied(before) == after


def test_a_percentage_never_takes_a_price_past_the_largest() -> None:
    assert PriceChange(percent=Decimal(1000)).applied(MAX_PRICE_MINOR) == MAX_PRICE_MINOR


def test_one_price_for_every_item() -> None:
    assert PriceChange(to_minor=199).applied(379) == 199


@pytest.mark.parametrize(
    "change",
    [
        {"percent": Decimal(-101)},
        {"percent": Decimal(1001)},
        {"to_minor": -1},
        {},
        {"percent": Decimal(5), "to_minor": 100},
    ],
)
def test_out_of_range_or_unclear_changes_are_refused(change: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        PriceChange(**change)  # type: ignore[arg-type]


@pytest.mark.parametrize(("typed", "read"), [("-10", "-10"), ("+5 %", "5"), ("12,5%", "12.5")])
def test_percentages_as_people_type_them(typed: str, read: str) -> None:
    assert read_percent(typed) == Decimal(read)


@pytest.mark.parametrize("typed", ["ten", "", "NaN", "5-"])
def test_what_is_not_a_percentage_is_refused(typed: str) -> None:
    with pytest.raises(InvalidInput):
        read_percent(typed)
