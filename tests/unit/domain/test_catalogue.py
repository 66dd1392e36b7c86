from __future__ import annotations

from decimal import Decimal

import pytest

from bot.domain.catalogue import (
    Unit,
    category_key,
    near_categories,
    normalise_sku,
    same_category,
    search_key,
    suggest_sku,
)
from bot.domain.errors import InvalidInput
from bot.domain.quantity import format_quantity, parse_quantity
from tests.support.factories import make_kg_product, make_product


def test_skus_compare_case_insensitively() -> None:
    assert normalise_sku(" rice-1kg ") == "RICE-1KG"
    assert make_product(sku="rice-1kg").sku == "RICE-1KG"


@pytest.mark.parametrize("sku", ["", "has space", "-LEADING", "X" * 33, "ÉCLAIR"])
def test_malformed_skus_are_refused(sku: str) -> None:
    with pytest.raises(InvalidInput):
        normalise_sku(sku)


def test_search_ignores_case_and_accents() -> None:
    assert search_key("Crème BRÛLÉE") == "creme brulee"
    assert "creme" in make_product(name="Crème fraîche 🥛").search_text


def test_an_sku_is_suggested_from_the_name() -> None:
    assert suggest_sku("Crème fraîche 200 g") == "CREME-FRAICHE-200-G"


def test_items_sold_by_the_piece_need_a_whole_step() -> None:
    with pytest.raises(InvalidInput, match="whole numbers"):
        make_product(unit=Unit.PIECE, step=Decimal("0.5"))


def test_items_sold_by_weight_can_have_fractional_steps() -> None:
    assert make_kg_product(step=Decimal("0.25")).step == Decimal("0.25")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "  "),
        ("name", "x" * 121),
        ("price_minor", -1),
        ("step", Decimal(0)),
        ("low_stock_threshold", Decimal(-1)),
        ("category", ""),
    ],
)
def test_invalid_product_details_are_refused(field: str, value: object) -> None:
    with pytest.raises(InvalidInput):
        make_product(**{field: value})


def test_unknown_units_list_the_known_ones() -> None:
    with pytest.raises(InvalidInput, match="kg"):
        Unit.parse("stone")


def test_the_low_stock_threshold_falls_back_to_the_store_default() -> None:
    product = make_product(stock=Decimal(5))
    assert product.threshold(Decimal(5)) == 5
    assert product.is_low(Decimal(5))
    assert not make_product(stock=Decimal(5), low_stock_threshold=Decimal(2)).is_low(Decimal(5))


def test_quantities_are_decimals_and_print_without_trailing_zeros() -> None:
    assert parse_quantity("0,750") == Decimal("0.75")
    assert format_quantity(Decimal("0.750"), "kg") == "0.75 kg"
    assert format_quantity(Decimal("3.000"), "pc") == "3 pc"
    with pytest.raises(InvalidInput):
        parse_quantity("0.0001")
    with pytest.raises(InvalidInput):
        parse_quantity("lots")


def test_only_whole_steps_of_the_stock_on_hand_can_be_sold() -> None:
    assert make_kg_product(step=Decimal("0.25"), stock=Decimal("2.6")).sellable_stock == Decimal(
        "2.5"
    )
    assert make_product(stock=Decimal(3)).sellable_stock == 3


def test_control_characters_and_direction_overrides_never_reach_a_name() -> None:
    product = make_product(
        name="Milk\u202e\u0000 2.5%\tfresh\n", category="Dairy\x1b[31m", description="A\nB\x07"
    )
    assert product.name == "Milk 2.5% fresh"
    assert product.category == "Dairy[31m"
    assert product.description == "A\nB"


SHOP_CATEGORIES = ["Bakery", "Dairy & Eggs", "Drinks", "Fruit & Vegetables", "Meat & Fish"]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Dairy", ["Dairy & Eggs"]),  # the start of a word
        ("Diary", ["Dairy & Eggs"]),  # a slip
        ("vegetable", ["Fruit & Vegetables"]),
        ("Drink", ["Drinks"]),
        ("Fish & Meat", ["Meat & Fish"]),
        ("Toys", []),
        ("Tea", []),
        ("& ·", []),  # no word to go by
    ],
)
def test_a_category_typed_near_existing_ones_finds_them(typed: str, meant: list[str]) -> None:
    assert near_categories(typed, SHOP_CATEGORIES) == meant


def test_a_category_typed_in_another_case_is_the_existing_one() -> None:
    assert same_category("dairy & EGGS", SHOP_CATEGORIES) == "Dairy & Eggs"
    assert same_category("Dairy", SHOP_CATEGORIES) is None


def test_a_category_key_is_short_and_stable() -> None:
    key = category_key("Fruit & Vegetables " * 3)
    assert len(key) == 10 and key == category_key("Fruit & Vegetables " * 3)
    assert key != category_key("Fruit & Vegetables")
