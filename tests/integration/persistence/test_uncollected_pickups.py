"""The release of pickups nobody collected, through the real repositories on both databases:
which orders the job finds, and what one release leaves behind."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from bot.domain.notifications import NotificationKind
from bot.domain.orders import CancelReason, Fulfilment, OrderStatus
from bot.domain.payments import PaymentMethod, PaymentOptions
from bot.domain.services import orders, pickups, staff
from bot.domain.services.orders import CheckoutDetails
from bot.domain.stored_facts import encode
from tests.integration.persistence.test_concurrency import _ledger_balance
from tests.support.databases import UowFactory
from tests.support.factories import (
    FAST_HASHER,
    STORE,
    FixedClock,
    customer,
    delivery_details,
    placed_order,
    stocked,
)

# Saturday 21 November 2026, 10:00 in Paris: the store closes at 19:00 (18:00 UTC) that day.
SLOT = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
RELEASED_AT = datetime(2026, 11, 22, 18, 0, tzinfo=UTC)  # closing + the 24-hour grace
PHONE = "+441234567890"
SHOP = dataclasses.replace(STORE, payments=PaymentOptions(online=True), max_open_orders=10)


def pickup(
    slot: datetime = SLOT, method: PaymentMethod = PaymentMethod.ON_HANDOVER
) -> CheckoutDetails:
    return CheckoutDetails(Fulfilment.pickup(slot), PHONE, payment=method)


def test_the_job_finds_only_unpaid_pay_at_pickup_orders_whose_day_and_grace_are_over(
    new_uow: UowFactory,
) -> None:
    tea = stocked(new_uow(), 100, sku="TEA")
    boss = staff.create_manager("boss", "correct horse battery", uow=new_uow(), hasher=FAST_HASHER)

    def order(details: CheckoutDetails) -> str:
        placed = placed_order(
            new_uow(), customer(), (tea, 1), details=details, store=SHOP, clock=FixedClock(SLOT)
        )
        return placed.code

    placed, accepted, ready = order(pickup()), order(pickup()), order(pickup())
    orders.move_order(boss.id or 0, accepted, OrderStatus.ACCEPTED, store=SHOP, uow=new_uow())
    for status in (OrderStatus.ACCEPTED, OrderStatus.READY):
        orders.move_order(boss.id or 0, ready, status, store=SHOP, uow=new_uow())
    next_day = order(pickup(SLOT + timedelta(days=1)))
    order(pickup(method=PaymentMethod.ONLINE))  # not paid: released when its time to pay ends
    order(delivery_details())
    cancelled = order(pickup())
    orders.move_order(
        boss.id or 0, cancelled, OrderStatus.CANCELLED, reason="No tea", store=SHOP, uow=new_uow()
    )

    before = FixedClock(RELEASED_AT - timedelta(seconds=1))
    assert pickups.uncollected_orders(store=SHOP, uow=new_uow(), clock=before) == []
    due = pickups.uncollected_orders(store=SHOP, uow=new_uow(), clock=FixedClock(RELEASED_AT))
    assert sorted(due) == sorted([placed, accepted, ready])
    a_day_later = FixedClock(RELEASED_AT + timedelta(days=1))
    later = pickups.uncollected_orders(store=SHOP, uow=new_uow(), clock=a_day_later)
    assert later[-1] == next_day  # the earliest pickups first


def test_a_release_cancels_once_gives_the_stock_back_and_tells_the_customer(
    new_uow: UowFactory,
) -> None:
    tea = stocked(new_uow(), 10, sku="TEA")
    who = customer()
    order = placed_order(new_uow(), who, (tea, 3), details=pickup(), clock=FixedClock(SLOT))
    early = FixedClock(RELEASED_AT - timedelta(minutes=1))
    assert not pickups.release_uncollected(order.code, store=STORE, uow=new_uow(), clock=early)
    on_time = FixedClock(RELEASED_AT)
    assert pickups.release_uncollected(order.code, store=STORE, uow=new_uow(), clock=on_time)
    assert not pickups.release_uncollected(order.code, store=STORE, uow=new_uow(), clock=on_time)

    after = orders.find_order(order.code, uow=new_uow())
    assert after.status is OrderStatus.CANCELLED
    assert after.history[-1].reason == CancelReason.NOT_PICKED_UP
    with new_uow() as uow:
        level = uow.products.get(tea.id or 0)
        told = uow.outbox.due(RELEASED_AT + timedelta(minutes=1), limit=10)
    assert level is not None and level.stock == 10 == _ledger_balance(new_uow, tea.id or 0)
    assert [(n.chat_id, n.kind, encode(n.facts)["status"]) for n in told] == [
        (who.telegram_user_id, NotificationKind.ORDER_STATUS, "cancelled")
    ]
    assert encode(told[0].facts)["reason"] == CancelReason.NOT_PICKED_UP
