"""Amounts customers type for the item they look at, read before and after the item is known."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.domain.catalogue import Unit
from bot.domain.errors import InvalidInput
from bot.domain.typed_amount import TypedAmount, read_amount


@pytest.mark.parametrize(
    ("typed", "unit", "amount"),
    [
        ("1,5 kg", Unit.KILOGRAM, "1.5"),
        ("1,5kg", Unit.KILOGRAM, "1.5"),
        ("1.5 KG", Unit.KILOGRAM, "1.5"),
        (" 1.5 ", Unit.KILOGRAM, "1.5"),
        ("500 g", Unit.KILOGRAM, "0.5"),
        ("500 gr.", Unit.KILOGRAM, "0.5"),
        ("1,5 кг", Unit.KILOGRAM, "1.5"),
        ("0.25 kg", Unit.GRAM, "250"),
        ("750 ml", Unit.LITRE, "0.75"),
        ("2", Unit.PIECE, "2"),
        ("3 pcs", Unit.PIECE, "3"),
        ("3 Stk.", Unit.PIECE, "3"),
        ("3 шт", Unit.PIECE, "3"),
        ("+2", Unit.PACK, "2"),
    ],
)
def test_an_amount_is_read_in_the_items_own_unit(typed: str, unit: Unit, amount: str) -> None:
    read = read_amount(typed)
    assert read is not None
    assert read.of("Item", unit) == Decimal(amount)


@pytest.mark.parametrize("typed", ["7up", "2 apples", "gala", "1,5 kg gala", "", "kg", "1/2", "½"])
def test_text_that_is_not_only_an_amount_is_left_to_the_search(typed: str) -> None:
    assert read_amount(typed) is None


@pytest.mark.parametrize("typed", ["0", "-1", "-0,5 kg", "0 g"])
def test_nothing_or_less_is_refused_with_where_to_take_an_item_out(typed: str) -> None:
    read = read_amount(typed)
    assert read is not None
    with pytest.raises(InvalidInput) as refused:
        read.of("Gala apples", Unit.KILOGRAM)
    assert "use 🗑 in /cart" in str(refused.value.words)


def test_an_amount_in_another_measure_says_how_the_item_is_sold() -> None:
    with pytest.raises(InvalidInput) as refused:
        TypedAmount(Decimal(2), Unit.LITRE).of("Gala apples", Unit.KILOGRAM)
    assert str(refused.value.words) == "Gala apples is sold by the kg: type how much, e.g. 2 kg."


@pytest.mark.parametrize(
    ("typed", "why"), [("1.0001", "3 decimal places"), ("999999999 kg", "too large")]
)
def test_an_amount_too_fine_or_too_large_is_refused(typed: str, why: str) -> None:
    read = read_amount(typed)
    assert read is not None
    with pytest.raises(InvalidInput, match=why):
        read.of("Gala apples", Unit.KILOGRAM)
