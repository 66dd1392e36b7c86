"""A whole category repriced while customers check out: every order keeps, line by line, the
price its customer saw, or is stopped and its cart corrected (both databases; on MariaDB the
transactions really meet)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.domain.errors import CartChanged, InvalidInput
from bot.domain.money import line_total
from bot.domain.orders import Order
from bot.domain.pricing import PriceChange, fingerprint
from bot.domain.services import catalogue, orders
from bot.domain.services.cart import set_cart_quantity, view_cart
from tests.integration.persistence.test_concurrency import _race
from tests.support.databases import UowFactory
from tests.support.factories import STORE, customer, pickup_details, stocked

AT_ONCE = 12


def test_a_category_repriced_while_twelve_customers_check_out(new_uow: UowFactory) -> None:
    tea = stocked(new_uow(), 100, sku="TEA", name="Green tea", category="Tea", price_minor=400)
    mint = stocked(new_uow(), 100, sku="MINT", name="Mint tea", category="Tea", price_minor=250)
    people = [customer() for _ in range(AT_ONCE - 1)]
    for who in people:
        set_cart_quantity(who, tea.id or 0, Decimal(2), uow=new_uow())
        set_cart_quantity(who, mint.id or 0, Decimal(1), uow=new_uow())
    change = PriceChange(percent=Decimal(10))
    seen = fingerprint(catalogue.preview_prices("Tea", change, uow=new_uow()))

    def attempt(n: int) -> Order | list[object]:
        if n == 0:
            return list(catalogue.reprice_category("Tea", change, seen=seen, uow=new_uow()))
        return orders.place_order(people[n - 1], pickup_details(), store=STORE, uow=new_uow())

    results = _race(AT_ONCE, attempt)
    assert isinstance(results[0], list), results[0]
    placed = [r for r in results[1:] if isinstance(r, Order)]
    stopped = [n for n, r in enumerate(results[1:]) if isinstance(r, CartChanged)]
    assert len(placed) + len(stopped) == AT_ONCE - 1, results
    for order in placed:  # at the prices its customer saw, each line consistent
        prices = {line.sku: line.unit_price_minor for line in order.lines}
        assert prices == {"TEA": 400, "MINT": 250}
        for line in order.lines:
            assert line.line_total_minor == line_total(line.unit_price_minor, line.quantity)
        assert order.total_minor == 2 * 400 + 250
    for n in stopped:  # told, and the cart now shows the new prices
        cart = view_cart(people[n], uow=new_uow())
        assert {i.product.sku: i.product.price_minor for i in cart.items} == {
            "TEA": 440,
            "MINT": 275,
        }
    after = (
        catalogue.find_product("TEA", uow=new_uow()),
        catalogue.find_product("MINT", uow=new_uow()),
    )
    assert [p.price_minor for p in after] == [440, 275]


def test_a_price_set_between_preview_and_confirmation_is_not_lost(new_uow: UowFactory) -> None:
    stocked(new_uow(), 5, sku="TEA", name="Green tea", category="Tea", price_minor=400)
    stocked(new_uow(), 5, sku="MINT", name="Mint tea", category="Tea", price_minor=250)
    change = PriceChange(percent=Decimal(-10))
    seen = fingerprint(catalogue.preview_prices("Tea", change, uow=new_uow()))
    catalogue.update_product("MINT", {"price_minor": 300}, uow=new_uow())
    with pytest.raises(InvalidInput, match="changed since the preview"):
        catalogue.reprice_category("Tea", change, seen=seen, uow=new_uow())
    prices = [catalogue.find_product(s, uow=new_uow()).price_minor for s in ("TEA", "MINT")]
    assert prices == [400, 300]


def test_two_managers_confirming_the_same_preview_change_prices_once(
    new_uow: UowFactory,
) -> None:
    stocked(new_uow(), 5, sku="TEA", name="Green tea", category="Tea", price_minor=400)
    change = PriceChange(percent=Decimal(10))
    seen = fingerprint(catalogue.preview_prices("Tea", change, uow=new_uow()))
    results = _race(
        AT_ONCE, lambda _n: catalogue.reprice_category("Tea", change, seen=seen, uow=new_uow())
    )
    assert sum(1 for r in results if isinstance(r, list)) == 1, results
    assert catalogue.find_product("TEA", uow=new_uow()).price_minor == 440
