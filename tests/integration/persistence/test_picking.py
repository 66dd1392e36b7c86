"""Picking through the real repositories, on SQLite and MariaDB: stock, ledger and money stay
right, and a change racing another change, a hand-over step or a cancellation is applied
whole or refused whole."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from bot.domain.catalogue import Product
from bot.domain.errors import DomainError
from bot.domain.notifications import NotificationKind
from bot.domain.orders import Order, OrderStatus
from bot.domain.payments import PaymentMethod, PaymentOptions, PaymentReceipt, invoice_payload
from bot.domain.picking import LineChangedMeanwhile, PickingClosed, to_collect
from bot.domain.services import catalogue, orders, payments, picking, staff
from bot.domain.services.customers import CustomerRef
from tests.integration.persistence.test_concurrency import _ledger_balance, _race
from tests.integration.persistence.test_concurrency_matrix import queued
from tests.support.databases import UowFactory
from tests.support.factories import (
    FAST_HASHER,
    STORE,
    customer,
    make_kg_product,
    pickup_details,
    placed_order,
)

ONLINE = dataclasses.replace(STORE, payments=PaymentOptions(online=True))
ROUNDS = 4  # each race again: who wins differs from round to round


def a_clerk(new_uow: UowFactory, name: str = "clerk") -> int:
    account = staff.create_manager(name, "correct horse battery", uow=new_uow(), hasher=FAST_HASHER)
    assert account.id is not None
    return account.id


def apples(new_uow: UowFactory, sku: str = "GALA", price: int = 329, **fields: object) -> Product:
    return catalogue.add_product(
        make_kg_product(sku=sku, name=f"{sku.title()} apples", price_minor=price, **fields),
        initial_stock=Decimal(10),
        actor="test",
        store=STORE,
        uow=new_uow(),
    )


def stock_of(new_uow: UowFactory, sku: str) -> Decimal:
    return catalogue.find_product(sku, uow=new_uow()).stock


def paid_online(new_uow: UowFactory, who: CustomerRef, product: Product) -> Order:
    details = dataclasses.replace(pickup_details(), payment=PaymentMethod.ONLINE)
    order = placed_order(new_uow(), who, (product, Decimal("1.5")), details=details, store=ONLINE)
    receipt = PaymentReceipt(
        invoice_payload(order.code), "EUR", order.total_minor, f"tg-{order.code}", "provider"
    )
    payments.record_payment(who.telegram_user_id, receipt, uow=new_uow())
    return orders.find_order(order.code, uow=new_uow())


def test_a_heavier_pick_takes_the_difference_from_stock_and_reprices_the_line(
    new_uow: UowFactory,
) -> None:
    gala = apples(new_uow)
    order = placed_order(new_uow(), customer(), (gala, Decimal("1.5")))
    clerk = a_clerk(new_uow)
    [line] = order.lines
    assert line.id is not None
    picked = picking.pick_weight(
        clerk, order.code, line.id, line.quantity, "1,62 kg", store=STORE, uow=new_uow()
    )
    assert stock_of(new_uow, "GALA") == Decimal("8.38")
    assert _ledger_balance(new_uow, gala.id or 0) == Decimal("8.38")
    saved = orders.find_order(order.code, uow=new_uow())
    assert saved.lines[0].quantity == Decimal("1.62")
    assert saved.lines[0].ordered_quantity == Decimal("1.5")
    assert saved.total_minor == picked.total_minor == 533  # 3.29 × 1.62 = 5.3298
    assert saved.changes_untold


def test_a_replacement_returns_the_ordered_item_and_takes_the_other(new_uow: UowFactory) -> None:
    gala, golden = apples(new_uow), apples(new_uow, "GOLDEN", price=299)
    order = placed_order(new_uow(), customer(), (gala, Decimal("1.5")))
    [line] = order.lines
    assert line.id is not None and golden.id is not None
    picking.replace_item(
        a_clerk(new_uow), order.code, line.id, line.quantity, golden.id, store=STORE, uow=new_uow()
    )
    assert (stock_of(new_uow, "GALA"), stock_of(new_uow, "GOLDEN")) == (10, Decimal("8.5"))
    saved = orders.find_order(order.code, uow=new_uow())
    assert (saved.lines[0].name, saved.lines[0].ordered_name) == ("Golden apples", "Gala apples")
    assert saved.total_minor == 449  # 2.99 × 1.5 = 4.485, rounded half up


def test_a_paid_order_picked_lighter_owes_the_difference_and_stays_paid(
    new_uow: UowFactory,
) -> None:
    gala = apples(new_uow)
    order = paid_online(new_uow, customer(), gala)
    assert order.payment.is_paid and order.total_minor == 494
    [line] = order.lines
    assert line.id is not None
    clerk = a_clerk(new_uow)
    picking.pick_weight(
        clerk, order.code, line.id, line.quantity, "1300 g", store=STORE, uow=new_uow()
    )
    lighter = orders.find_order(order.code, uow=new_uow())
    assert lighter.payment.is_paid  # the charge still pays for it: it paid the placed total
    assert (lighter.total_minor, lighter.payment.refund_due_minor) == (428, 66)
    picking.pick_weight(
        clerk, order.code, line.id, Decimal("1.3"), "1.7", store=STORE, uow=new_uow()
    )
    heavier = orders.find_order(order.code, uow=new_uow())
    assert (heavier.total_minor, heavier.payment.refund_due_minor) == (559, 0)
    assert to_collect(heavier) == 65
    orders.move_order(
        clerk, order.code, OrderStatus.CANCELLED, reason="closed", store=STORE, uow=new_uow()
    )
    cancelled = orders.find_order(order.code, uow=new_uow())
    assert cancelled.payment.refund_due_minor == 494  # exactly what was paid, no more
    assert stock_of(new_uow, "GALA") == 10


def test_a_missing_line_gives_its_stock_back_and_a_cancel_then_returns_nothing_twice(
    new_uow: UowFactory,
) -> None:
    gala = apples(new_uow)
    order = placed_order(new_uow(), customer(), (gala, Decimal("1.5")))
    [line] = order.lines
    assert line.id is not None
    clerk = a_clerk(new_uow)
    picking.mark_missing(clerk, order.code, line.id, line.quantity, store=STORE, uow=new_uow())
    assert stock_of(new_uow, "GALA") == 10
    assert orders.find_order(order.code, uow=new_uow()).total_minor == 0
    orders.move_order(
        clerk, order.code, OrderStatus.CANCELLED, reason="empty", store=STORE, uow=new_uow()
    )
    assert stock_of(new_uow, "GALA") == 10 == _ledger_balance(new_uow, gala.id or 0)


def test_a_button_naming_another_orders_line_is_refused(new_uow: UowFactory) -> None:
    gala = apples(new_uow)
    mine = placed_order(new_uow(), customer(), (gala, Decimal("1.5")))
    other = placed_order(new_uow(), customer(), (gala, Decimal("1")))
    line_id = other.lines[0].id or 0
    with pytest.raises(DomainError, match="not part of order"):
        picking.mark_missing(
            a_clerk(new_uow), mine.code, line_id, Decimal(1), store=STORE, uow=new_uow()
        )
    assert stock_of(new_uow, "GALA") == Decimal("7.5")


def test_two_clerks_weighing_one_line_at_once_one_wins_the_other_is_told(
    new_uow: UowFactory,
) -> None:
    gala = apples(new_uow)
    clerks = [a_clerk(new_uow, "ann"), a_clerk(new_uow, "bob")]
    for round_ in range(ROUNDS):
        order = placed_order(new_uow(), customer(), (gala, Decimal("1.5")))
        [line] = order.lines
        assert line.id is not None

        def weigh(n: int, code: str = order.code, line_id: int = line.id) -> Order:
            weight = ["1.62", "1.4"][n]
            return picking.pick_weight(
                clerks[n], code, line_id, Decimal("1.5"), weight, store=STORE, uow=new_uow()
            )

        results = _race(2, weigh)
        won = [r for r in results if isinstance(r, Order)]
        told = [r for r in results if isinstance(r, LineChangedMeanwhile)]
        assert (len(won), len(told)) == (1, 1), (round_, results)
        saved = orders.find_order(order.code, uow=new_uow())
        assert saved.lines[0].quantity == won[0].lines[0].quantity
        assert stock_of(new_uow, "GALA") == _ledger_balance(new_uow, gala.id or 0)
    picked = sum(
        (o.lines[0].quantity for o in orders.open_orders(limit=ROUNDS, uow=new_uow())),
        Decimal(0),
    )
    assert stock_of(new_uow, "GALA") == 10 - picked


@pytest.mark.parametrize("rival", [OrderStatus.ACCEPTED, OrderStatus.CANCELLED])
def test_a_pick_racing_a_status_change_is_applied_before_it_or_refused(
    new_uow: UowFactory, rival: OrderStatus
) -> None:
    """A cancellation after a heavier pick gives back what the pick took, too; a pick after
    the order moved on (to ready, here from accepted) is refused and changes nothing."""
    gala = apples(new_uow)
    clerk = a_clerk(new_uow)
    kept = Decimal(0)  # what the ready orders hold
    for _ in range(ROUNDS):
        order = placed_order(new_uow(), customer(), (gala, Decimal("1.5")))
        if rival is OrderStatus.ACCEPTED:
            orders.move_order(clerk, order.code, OrderStatus.ACCEPTED, store=STORE, uow=new_uow())
        [line] = order.lines
        assert line.id is not None
        target = OrderStatus.READY if rival is OrderStatus.ACCEPTED else OrderStatus.CANCELLED

        def either(
            n: int, code: str = order.code, line_id: int = line.id, target: OrderStatus = target
        ) -> object:
            if n == 0:
                return picking.pick_weight(
                    clerk, code, line_id, Decimal("1.5"), "1.8", store=STORE, uow=new_uow()
                )
            return orders.move_order(
                clerk, code, target, reason="shop closed", store=STORE, uow=new_uow()
            )

        picked, moved = _race(2, either)
        assert isinstance(moved, Order), moved
        final = orders.find_order(order.code, uow=new_uow())
        assert final.status is target
        if isinstance(picked, Order):
            assert final.lines[0].quantity == Decimal("1.8")
        else:
            assert isinstance(picked, PickingClosed), picked
            assert final.lines[0].quantity == Decimal("1.5")
        kept += final.lines[0].quantity if target is OrderStatus.READY else 0
        assert stock_of(new_uow, "GALA") == 10 - kept == _ledger_balance(new_uow, gala.id or 0)


def test_a_paid_order_placed_before_totals_were_kept_stays_paid_when_picked_lighter(
    new_uow: UowFactory, engine: Engine
) -> None:
    """An order paid in Telegram before migration 0021 has no placed total: the first pick
    keeps the total it was placed at, so the charge still pays for it and the difference is
    owed back."""
    gala = apples(new_uow)
    order = paid_online(new_uow, customer(), gala)
    with engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE orders SET placed_total_minor = NULL WHERE code = :code"),
            {"code": order.code},
        )
    [line] = order.lines
    assert line.id is not None
    picking.pick_weight(
        a_clerk(new_uow), order.code, line.id, line.quantity, "1300 g", store=STORE, uow=new_uow()
    )
    lighter = orders.find_order(order.code, uow=new_uow())
    assert lighter.payment.is_paid
    assert (lighter.total_minor, lighter.payment.refund_due_minor) == (428, 66)


def paid_and_picked_lighter_by_a_clerk_on_duty(new_uow: UowFactory) -> tuple[int, Order]:
    """1.5 kg of apples paid in Telegram (4.94), picked at 1.3 kg by a logged-in clerk."""
    order = paid_online(new_uow, customer(), apples(new_uow))
    clerk = a_clerk(new_uow)
    staff.log_in(
        "clerk", "correct horse battery", telegram_user_id=77, uow=new_uow(), hasher=FAST_HASHER
    )
    [line] = order.lines
    assert line.id is not None
    picking.pick_weight(
        clerk, order.code, line.id, line.quantity, "1300 g", store=STORE, uow=new_uow()
    )
    return clerk, order


def test_a_refund_the_picking_leaves_is_sent_to_the_managers_once_the_order_is_ready(
    new_uow: UowFactory,
) -> None:
    clerk, order = paid_and_picked_lighter_by_a_clerk_on_duty(new_uow)
    for step in (OrderStatus.ACCEPTED, OrderStatus.READY):
        orders.move_order(clerk, order.code, step, store=STORE, uow=new_uow())
    refunds = queued(new_uow, NotificationKind.REFUND_DUE)
    assert [(r["order_code"], r["amount_minor"], r["reason"]) for r in refunds] == [
        (order.code, "66", "picking")
    ]


def test_a_paid_order_picked_lighter_then_cancelled_has_all_its_payment_sent_to_refund(
    new_uow: UowFactory,
) -> None:
    clerk, order = paid_and_picked_lighter_by_a_clerk_on_duty(new_uow)
    orders.move_order(
        clerk, order.code, OrderStatus.CANCELLED, reason="closed", store=STORE, uow=new_uow()
    )
    refunds = queued(new_uow, NotificationKind.REFUND_DUE)
    assert sum(int(r["amount_minor"]) for r in refunds) == 494  # all that was paid
    assert orders.find_order(order.code, uow=new_uow()).payment.refund_due_minor == 494
