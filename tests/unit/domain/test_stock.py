"""What customers' screens show of a stock level (bot.domain.stock.shown_stock)."""

from __future__ import annotations

from decimal import Decimal

from bot.domain.stock import shown_stock
from tests.support.factories import STORE, make_kg_product, make_product

# STORE: low at 5 or fewer, at most 20 steps of an item in one order.


def test_sold_out_and_low_levels_are_shown() -> None:
    item = make_product()
    assert shown_stock(item, Decimal(0), STORE) == 0
    assert shown_stock(item, Decimal(5), STORE) == 5


def test_a_level_under_twice_the_order_limit_is_shown_since_the_picker_stops_at_half() -> None:
    item = make_product()
    assert shown_stock(item, Decimal(39), STORE) == 39
    assert shown_stock(item, Decimal(40), STORE) is None


def test_levels_above_the_threshold_and_twice_the_order_limit_all_look_alike() -> None:
    item = make_product()
    assert {shown_stock(item, Decimal(n), STORE) for n in range(40, 500)} == {None}


def test_the_order_limit_counts_in_the_items_steps() -> None:
    portions = make_kg_product(step=Decimal("0.25"))  # 20 portions of 0.25 kg: 5 kg
    assert shown_stock(portions, Decimal("9.75"), STORE) == Decimal("9.75")
    assert shown_stock(portions, Decimal(10), STORE) is None


def test_an_items_own_threshold_counts() -> None:
    item = make_product(low_stock_threshold=Decimal(60))
    assert shown_stock(item, Decimal(60), STORE) == 60
    assert shown_stock(item, Decimal(61), STORE) is None
