"""Real threads, real connections: the database must never oversell or lose a move."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import TypeVar

from bot.domain.errors import CartChanged, DomainError, OrderAlreadyMoved, OutOfStock
from bot.domain.orders import FulfilmentKind, Order, OrderStatus
from bot.domain.services import catalogue, checkout, orders, staff
from bot.domain.services.cart import set_cart_quantity
from bot.domain.services.customers import CustomerRef
from bot.domain.stock import StockReason
from tests.support.databases import UowFactory
from tests.support.factories import (
    FAST_HASHER,
    STORE,
    customer,
    pickup_details,
    placed_order,
    stocked,
)

RACERS = 50
T = TypeVar("T")


def _race(count: int, attempt: Callable[[int], T]) -> list[T | DomainError]:
    """Start `count` threads at the same instant; collect each result or domain error."""
    barrier = threading.Barrier(count)

    def run(n: int) -> T | DomainError:
        barrier.wait()
        try:
            return attempt(n)
        except DomainError as refused:
            return refused

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def _ledger_balance(new_uow: UowFactory, product_id: int) -> Decimal:
    with new_uow() as uow:
        return uow.ledger.balance(product_id)


def test_fifty_customers_racing_for_the_last_ten_units_buy_exactly_ten(
    new_uow: UowFactory,
) -> None:
    last_ten = stocked(new_uow(), 10, sku="LAST-TEN", name="Avocado, ripe")
    racers = [customer() for _ in range(RACERS)]
    for who in racers:
        set_cart_quantity(who, last_ten.id or 0, Decimal(1), uow=new_uow())

    results = _race(
        RACERS,
        lambda n: orders.place_order(racers[n], pickup_details(), store=STORE, uow=new_uow()),
    )

    placed = [r for r in results if isinstance(r, Order)]
    refused = [r for r in results if isinstance(r, CartChanged)]
    assert len(placed) == 10
    # Every loser, whichever check caught them (the shelf check, or the conditional update
    # after another order took the last units), is told the same: sold out, cart corrected.
    assert len(refused) == RACERS - 10, [r for r in results if isinstance(r, OutOfStock)]
    assert {str(r).splitlines()[-1] for r in refused} == {
        "Avocado, ripe is sold out; it was removed from your cart."
    }
    after = catalogue.find_product("LAST-TEN", uow=new_uow())
    assert after.stock == 0
    assert _ledger_balance(new_uow, last_ten.id or 0) == 0
    with new_uow() as uow:
        sales = [
            e
            for e in uow.ledger.recent(last_ten.id or 0, limit=100)
            if e.reason is StockReason.SALE
        ]
    assert sorted(e.order_id or 0 for e in sales) == sorted(o.id or 0 for o in placed)


def test_concurrent_checkouts_for_more_than_there_is_never_oversell(
    new_uow: UowFactory,
) -> None:
    """Each of 50 customers wants 3 of one item and 1 of another; there are 40 and 25."""
    flour, yeast = stocked(new_uow(), 40, sku="FLOUR"), stocked(new_uow(), 25, sku="YEAST")
    racers = [customer() for _ in range(RACERS)]
    for who in racers:
        set_cart_quantity(who, flour.id or 0, Decimal(3), uow=new_uow())
        set_cart_quantity(who, yeast.id or 0, Decimal(1), uow=new_uow())

    def checkout(n: int) -> Order:
        who: CustomerRef = racers[n]
        try:
            return orders.place_order(who, pickup_details(), store=STORE, uow=new_uow())
        except CartChanged:
            # Told what changed, the customer confirms the corrected cart once more.
            return orders.place_order(who, pickup_details(), store=STORE, uow=new_uow())

    results = _race(RACERS, checkout)

    placed = [r for r in results if isinstance(r, Order)]
    sold_flour = sum(
        line.quantity for o in placed for line in o.lines if line.product_id == flour.id
    )
    sold_yeast = sum(
        line.quantity for o in placed for line in o.lines if line.product_id == yeast.id
    )
    flour_left = catalogue.find_product("FLOUR", uow=new_uow()).stock
    yeast_left = catalogue.find_product("YEAST", uow=new_uow()).stock
    assert flour_left >= 0
    assert yeast_left >= 0
    assert sold_flour + flour_left == 40
    assert sold_yeast + yeast_left == 25
    assert _ledger_balance(new_uow, flour.id or 0) == flour_left
    assert _ledger_balance(new_uow, yeast.id or 0) == yeast_left
    assert flour_left < 3 or yeast_left < 1  # nobody who could have been served was turned away


def test_two_staff_moving_one_order_at_once_one_wins(new_uow: UowFactory) -> None:
    order = placed_order(new_uow(), customer(), (stocked(new_uow(), 5, sku="TEA"), 2))
    boss = staff.create_manager("boss", "correct horse battery", uow=new_uow(), hasher=FAST_HASHER)
    moves = [(OrderStatus.ACCEPTED, ""), (OrderStatus.CANCELLED, "customer phoned")]

    results = _race(
        2,
        lambda n: orders.move_order(
            boss.id or 0,
            order.code,
            moves[n][0],
            reason=moves[n][1],
            expected=OrderStatus.PLACED,
            store=STORE,
            uow=new_uow(),
        ),
    )

    winners = [r for r in results if isinstance(r, Order)]
    losers = [r for r in results if isinstance(r, OrderAlreadyMoved)]
    assert (len(winners), len(losers)) == (1, 1)
    final = orders.find_order(order.code, uow=new_uow())
    assert final.status is winners[0].status
    assert len(final.history) == 2
    stock = catalogue.find_product("TEA", uow=new_uow()).stock
    assert stock == (5 if final.status is OrderStatus.CANCELLED else 3)


def test_fifty_customers_confirming_checkout_at_once_are_never_oversold(
    new_uow: UowFactory,
) -> None:
    """Each wants 1 of 15 units: 15 orders are placed, 35 customers are sent back. (One
    order may hold at most half of what is left, read before taking it: wanting 2 each, the
    last few would be turned back or not depending on who read the shelf first.)"""
    store = dataclasses.replace(STORE, delivery_fee_minor=300)
    scarce = stocked(new_uow(), 15, sku="SCARCE", price_minor=500)
    racers = [customer() for _ in range(RACERS)]
    for who in racers:
        set_cart_quantity(who, scarce.id or 0, Decimal(1), uow=new_uow())
        checkout.start_checkout(who, store=store, uow=new_uow())
        checkout.choose_fulfilment(who, FulfilmentKind.DELIVERY, store=store, uow=new_uow())
        checkout.give_address(who, "1 Long Road, Springfield", store=store, uow=new_uow())
        checkout.give_phone(who, "+441234567890", store=store, uow=new_uow())
        checkout.give_note(who, "", store=store, uow=new_uow())

    results = _race(
        RACERS, lambda n: checkout.confirm_checkout(racers[n], store=store, uow=new_uow())
    )

    placed = [r for r in results if isinstance(r, Order)]
    turned_back = [r for r in results if isinstance(r, CartChanged)]
    assert len(placed) == 15
    assert len(turned_back) == RACERS - 15, [r for r in results if isinstance(r, OutOfStock)]
    assert all("Only 0" not in str(r) for r in turned_back)
    assert all(o.total_minor == 800 for o in placed)
    assert catalogue.find_product("SCARCE", uow=new_uow()).stock == 0
    assert _ledger_balance(new_uow, scarce.id or 0) == 0
    # Winners' checkouts are gone; the others keep theirs to try again with a corrected cart.
    remaining = [checkout.current_checkout(who, store=store, uow=new_uow()) for who in racers]
    assert sum(view is None for view in remaining) == 15
