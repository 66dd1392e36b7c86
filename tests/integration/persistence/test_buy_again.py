"""What a customer ordered before, counted and ranked in SQL, on SQLite and MariaDB: most often
first, as ordered, cancelled orders left out, nothing no longer sold dropped unsaid."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from bot.domain.orders import OrderStatus
from bot.domain.services import catalogue, orders, picking
from bot.domain.services.buy_again import bought_before, order_again
from bot.domain.services.cart import view_cart
from tests.integration.persistence.test_picking import a_clerk
from tests.support.databases import UowFactory
from tests.support.factories import (
    STORE,
    FixedClock,
    customer,
    make_kg_product,
    placed_order,
    stocked,
)

# A regular with more orders waiting than a store lets a newcomer pile up.
REGULAR = dataclasses.replace(STORE, max_open_orders=10)


def test_the_items_ordered_most_often_come_first_then_the_latest(new_uow: UowFactory) -> None:
    tea, jam, rice, soap = (
        stocked(new_uow(), 50, name=name) for name in ("Tea", "Jam", "Rice", "Soap")
    )
    ann, bob = customer(), customer()
    clock = FixedClock()
    for items in ([(tea, 2), (jam, 1)], [(tea, 3), (rice, 1)], [(tea, 1), (jam, 4)], [(soap, 1)]):
        placed_order(new_uow(), ann, *items, clock=clock, store=REGULAR)
        clock.advance(days=1)
    placed_order(new_uow(), bob, (rice, 1), (soap, 1), (soap, 1))
    found = bought_before(ann, uow=new_uow())
    # Tea in three orders; Jam in two; Soap and Rice in one each, Soap the later.
    assert [(u.name, u.orders, u.amount) for u in found.items] == [
        ("Tea", 3, Decimal(1)),  # the latest order's amount
        ("Jam", 2, Decimal(4)),
        ("Soap", 1, Decimal(1)),
        ("Rice", 1, Decimal(1)),
    ]
    assert len(found.orders) == 3  # the latest, newest first
    assert [len(o.lines) for o in found.orders] == [1, 2, 2]
    assert [u.name for u in bought_before(ann, uow=new_uow(), items=2).items] == ["Tea", "Jam"]
    assert bought_before(customer(), uow=new_uow()).is_empty


def test_cancelled_orders_are_not_what_was_ordered_before(new_uow: UowFactory) -> None:
    tea, jam = stocked(new_uow(), 50, name="Tea"), stocked(new_uow(), 50, name="Jam")
    ann = customer()
    kept = placed_order(new_uow(), ann, (tea, 1))
    dropped = placed_order(new_uow(), ann, (jam, 2), (tea, 1))
    orders.cancel_my_order(ann, dropped.code, store=STORE, uow=new_uow())
    found = bought_before(ann, uow=new_uow())
    assert [(u.name, u.orders) for u in found.items] == [("Tea", 1)]
    assert [o.code for o in found.orders] == [kept.code]


def test_an_item_replaced_at_picking_counts_as_the_one_ordered(new_uow: UowFactory) -> None:
    gala = catalogue.add_product(
        make_kg_product(sku="GALA", name="Gala apples"),
        initial_stock=Decimal(10),
        actor="test",
        store=STORE,
        uow=new_uow(),
    )
    golden = stocked(
        new_uow(), 10, sku="GOLDEN", name="Golden apples", unit=gala.unit, step=gala.step
    )
    ann = customer()
    order = placed_order(new_uow(), ann, (gala, Decimal("1.5")))
    [line] = order.lines
    assert line.id is not None and golden.id is not None
    picking.replace_item(
        a_clerk(new_uow), order.code, line.id, line.quantity, golden.id, store=STORE, uow=new_uow()
    )
    [usual] = bought_before(ann, uow=new_uow()).items
    assert (usual.name, usual.amount) == ("Gala apples", Decimal("1.5"))
    again = order_again(ann, order.code, uow=new_uow())
    assert again.added == ["Gala apples"]
    assert view_cart(ann, uow=new_uow()).quantity_of(gala.id or 0) == Decimal("1.5")


def test_an_item_no_longer_sold_stays_in_the_list_by_name(new_uow: UowFactory) -> None:
    tea = stocked(new_uow(), 50, sku="TEA", name="Tea")
    old = stocked(new_uow(), 50, sku="OLD", name="Old biscuits")
    ann = customer()
    placed_order(new_uow(), ann, (old, 1), (tea, 1), clock=FixedClock())
    catalogue.set_active("OLD", False, uow=new_uow())
    found = bought_before(ann, uow=new_uow())
    assert [(u.name, u.on_sale) for u in found.items] == [("Tea", True), ("Old biscuits", False)]


def test_an_order_the_shop_is_preparing_counts_as_ordered(
    new_uow: UowFactory,
) -> None:
    tea = stocked(new_uow(), 50, name="Tea")
    ann = customer()
    clock = FixedClock()
    first = placed_order(new_uow(), ann, (tea, 2), clock=clock)
    clerk = a_clerk(new_uow)
    for status in (OrderStatus.ACCEPTED, OrderStatus.READY):
        orders.move_order(clerk, first.code, status, store=STORE, uow=new_uow())
    clock.advance(hours=1)
    placed_order(new_uow(), ann, (tea, 3), clock=clock)
    [usual] = bought_before(ann, uow=new_uow()).items
    assert (usual.orders, usual.amount) == (2, Decimal(3))


def test_a_line_found_missing_at_picking_goes_back_as_ordered(new_uow: UowFactory) -> None:
    tea = stocked(new_uow(), 10, sku="TEA", name="Tea")
    ann = customer()
    order = placed_order(new_uow(), ann, (tea, 2))
    [line] = order.lines
    assert line.id is not None
    picking.mark_missing(
        a_clerk(new_uow), order.code, line.id, line.quantity, store=STORE, uow=new_uow()
    )
    [usual] = bought_before(ann, uow=new_uow()).items
    assert usual.amount == 2
    again = order_again(ann, order.code, uow=new_uow())
    assert (again.added, again.left_out) == (["Tea"], [])  # not "sold out": it sold nothing
    assert view_cart(ann, uow=new_uow()).quantity_of(tea.id or 0) == 2
