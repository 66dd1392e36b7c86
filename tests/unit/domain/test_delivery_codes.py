"""A delivery has no pickup code: staff complete it ("Delivered"); a store that wants a
delivery code gives one to the customer for the courier, and only that code completes it."""

from __future__ import annotations

import dataclasses

import pytest

from bot.domain.errors import InvalidTransition
from bot.domain.notifications import NotificationKind
from bot.domain.orders import Actor, FulfilmentKind, OrderStatus, allowed_next
from bot.domain.payments import MoneyTaken
from bot.domain.services import orders
from bot.domain.services.staff import create_manager
from bot.domain.store import Store
from bot.domain.stored_facts import encode
from tests.support.factories import (
    FAST_HASHER,
    STORE,
    FixedClock,
    customer,
    delivery_details,
    placed_order,
    stocked,
)
from tests.support.fakes import FakeUnitOfWork

WITH_CODES = dataclasses.replace(STORE, delivery_code=True)


def _out_for_delivery(uow: FakeUnitOfWork, store: Store) -> tuple[int, str]:
    manager = create_manager("mgr", "correct horse battery", uow=uow, hasher=FAST_HASHER)
    assert manager.id is not None
    order = placed_order(uow, customer(), (stocked(uow, 5), 1), details=delivery_details())
    for step in (OrderStatus.ACCEPTED, OrderStatus.OUT_FOR_DELIVERY):
        order = orders.move_order(manager.id, order.code, step, store=store, uow=uow)
    return manager.id, order.code


def _told(uow: FakeUnitOfWork) -> list[dict[str, str]]:
    queued = sorted(uow.committed.outbox.items())
    return [encode(n.facts) for _, n in queued if n.kind is NotificationKind.ORDER_STATUS]


def test_a_delivery_out_for_delivery_gets_no_code_and_staff_mark_it_delivered() -> None:
    uow = FakeUnitOfWork()
    staff_id, code = _out_for_delivery(uow, STORE)
    out = orders.find_order(code, uow=uow)
    assert out.pickup_code is None
    assert not any("pickup_code" in told or "delivery_code" in told for told in _told(uow))
    done = orders.move_order(
        staff_id, code, OrderStatus.COMPLETED, taken=MoneyTaken.CASH, store=STORE, uow=uow
    )
    assert done.status is OrderStatus.COMPLETED


def test_with_delivery_codes_the_customer_gets_one_and_only_it_completes_the_delivery() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    staff_id, code = _out_for_delivery(uow, WITH_CODES)
    out = orders.find_order(code, uow=uow)
    assert out.pickup_code is not None and out.has_delivery_code
    told = _told(uow)[-1]
    assert (told["status"], told["delivery_code"]) == ("out_for_delivery", out.pickup_code)
    assert "pickup_code" not in told  # no QR code to scan
    with pytest.raises(InvalidTransition):
        orders.move_order(
            staff_id, code, OrderStatus.COMPLETED, taken=MoneyTaken.CASH, store=WITH_CODES, uow=uow
        )
    done = orders.hand_over(
        staff_id, out.pickup_code, taken=MoneyTaken.CARD, store=WITH_CODES, uow=uow, clock=clock
    )
    assert done.status is OrderStatus.COMPLETED


def test_a_delivery_code_takes_the_completion_off_the_staff_buttons() -> None:
    out = OrderStatus.OUT_FOR_DELIVERY
    delivery = FulfilmentKind.DELIVERY
    assert allowed_next(out, delivery, Actor.STAFF) == [OrderStatus.COMPLETED]
    assert allowed_next(out, delivery, Actor.STAFF, delivery_code=True) == []
    assert allowed_next(out, delivery, Actor.HANDOVER, delivery_code=True) == [
        OrderStatus.COMPLETED
    ]
