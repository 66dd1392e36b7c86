"""An order put back in the cart: each line by the cart's own rules, and every line that did
not go in whole said with why. (What a customer ordered before is counted in SQL: those tests
run on the real repositories, tests/integration/persistence/test_buy_again.py.)"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pytest

from bot.domain.errors import UnknownOrder
from bot.domain.services import catalogue
from bot.domain.services.buy_again import order_again
from bot.domain.services.cart import MAX_CART_LINES, set_cart_quantity, view_cart
from bot.domain.services.stock import adjust_stock
from bot.domain.stock import StockReason
from bot.domain.text import Words
from tests.support.factories import STORE, customer, make_kg_product, placed_order, stocked
from tests.support.fakes import FakeUnitOfWork


def as_english(words: Sequence[Words]) -> list[str]:
    return [str(w) for w in words]


def test_an_order_again_puts_back_what_can_be_had_and_says_what_was_left_out() -> None:
    uow = FakeUnitOfWork()
    tea = stocked(uow, 10, sku="TEA", name="Tea")
    jam = stocked(uow, 10, sku="JAM", name="Jam")
    old = stocked(uow, 10, sku="OLD", name="Old biscuits")
    ann = customer()
    order = placed_order(uow, ann, (tea, 2), (jam, 3), (old, 1))
    catalogue.set_active("OLD", False, uow=uow)
    adjust_stock("JAM", Decimal(-6), StockReason.DAMAGED, actor="t", store=STORE, uow=uow)  # 1 left
    result = order_again(ann, order.code, uow=uow)
    assert result.added == ["Tea", "Jam"]
    assert as_english(result.left_out) == ["Jam (only 1 pc added)", "Old biscuits (no longer sold)"]
    cart = view_cart(ann, uow=uow)
    assert (cart.quantity_of(tea.id or 0), cart.quantity_of(jam.id or 0)) == (2, 1)


def test_an_order_of_someone_else_is_refused_as_unknown_and_changes_no_cart() -> None:
    uow = FakeUnitOfWork()
    tea = stocked(uow, 10, sku="TEA", name="Tea")
    order = placed_order(uow, customer(), (tea, 2))
    eve = customer()
    with pytest.raises(UnknownOrder):
        order_again(eve, order.code, uow=uow)
    assert view_cart(eve, uow=uow).is_empty


def test_a_sold_out_line_says_so_and_one_whose_stock_is_all_in_the_cart_says_that() -> None:
    uow = FakeUnitOfWork()
    tea = stocked(uow, 4, sku="TEA", name="Tea")
    jam = stocked(uow, 3, sku="JAM", name="Jam")
    ann = customer()
    order = placed_order(uow, ann, (tea, 1), (jam, 1))  # 3 tea and 2 jam left
    adjust_stock("TEA", Decimal(-3), StockReason.DAMAGED, actor="t", store=STORE, uow=uow)
    set_cart_quantity(ann, jam.id or 0, Decimal(1), uow=uow)
    adjust_stock("JAM", Decimal(-1), StockReason.DAMAGED, actor="t", store=STORE, uow=uow)
    result = order_again(ann, order.code, uow=uow)  # 0 tea; 1 jam, already in the cart
    assert result.added == []
    assert as_english(result.left_out) == [
        "Tea (sold out)",
        "Jam (all we have of it is in your cart)",
    ]


def test_an_amount_ordered_before_a_change_of_step_goes_back_in_whole_steps() -> None:
    uow = FakeUnitOfWork()
    apples = catalogue.add_product(
        make_kg_product(sku="APPLES", name="Apples", step=Decimal("0.1")),
        initial_stock=Decimal("10.2"),  # 9.5 left: whole steps of 0.25 kg too
        actor="t",
        store=STORE,
        uow=uow,
    )
    ann = customer()
    order = placed_order(uow, ann, (apples, Decimal("0.7")))
    catalogue.update_product("APPLES", {"step": Decimal("0.25")}, uow=uow)
    result = order_again(ann, order.code, uow=uow)
    assert result.added == ["Apples"]
    assert view_cart(ann, uow=uow).quantity_of(apples.id or 0) == Decimal("0.5")


def test_a_full_cart_takes_no_new_line_and_says_so() -> None:
    uow = FakeUnitOfWork()
    ann = customer()
    fillers = [stocked(uow, 10, name=f"Filler {n}") for n in range(MAX_CART_LINES)]
    tea = stocked(uow, 10, sku="TEA", name="Tea")
    order = placed_order(uow, ann, (tea, 1), (fillers[0], 1))
    for item in fillers:
        set_cart_quantity(ann, item.id or 0, Decimal(1), uow=uow)
    result = order_again(ann, order.code, uow=uow)
    assert result.added == ["Filler 0"]  # a line the cart holds grows
    assert as_english(result.left_out) == ["Tea (your cart is full)"]
    assert len(view_cart(ann, uow=uow).items) == MAX_CART_LINES
