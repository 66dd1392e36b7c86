"""When a pay-at-pickup order nobody collects lets go of its stock: the store's closing time on
the pickup day, in the store's time zone, plus the grace the store sets."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from bot.domain.opening_hours import OpeningHours
from bot.domain.orders import Fulfilment, Order, OrderStatus
from bot.domain.payments import Payment, PaymentMethod
from bot.domain.pickups import is_uncollected, pickup_day_ends, uncollected_before
from tests.support.factories import STORE

# Europe/Paris; mon-sat 09:00-19:00, sun 10:00-14:00; a grace of 24 hours.
STORE_HOURS = "mon-sat 09:00-19:00; sun 10:00-14:00"
SATURDAY = date(2026, 11, 21)


def paris(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), STORE.timezone)


def pickup_order(slot: datetime, **changes: Any) -> Order:
    order = Order(
        code="K7Q2MZ4P",
        customer_id=1,
        lines=[],
        fulfilment=Fulfilment.pickup(slot),
        phone="+441234567890",
        note="",
        status=OrderStatus.READY,
        placed_at=slot - timedelta(days=1),
        currency="EUR",
    )
    return dataclasses.replace(order, **changes)


def test_a_pickup_day_ends_at_the_stores_last_closing_time_that_day() -> None:
    assert pickup_day_ends(SATURDAY, STORE) == paris(SATURDAY, 19)
    assert pickup_day_ends(SATURDAY + timedelta(days=1), STORE) == paris(date(2026, 11, 22), 14)
    lunch_break = dataclasses.replace(
        STORE, hours=OpeningHours.parse("sat 09:00-12:00; sat 15:00-18:30")
    )
    assert pickup_day_ends(SATURDAY, lunch_break) == paris(SATURDAY, 18, 30)


def test_a_day_the_store_does_not_open_ends_at_midnight() -> None:
    holiday = dataclasses.replace(
        STORE, hours=OpeningHours.parse(STORE_HOURS, closed_dates=SATURDAY.isoformat())
    )
    assert pickup_day_ends(SATURDAY, holiday) == paris(SATURDAY + timedelta(days=1), 0)


def test_an_order_is_released_once_its_day_and_the_grace_are_over_not_a_minute_before() -> None:
    order = pickup_order(paris(SATURDAY, 10).astimezone(UTC))
    released_at = paris(SATURDAY, 19) + STORE.pickup_grace  # Sunday 19:00
    assert not is_uncollected(order, (released_at - timedelta(minutes=1)).astimezone(UTC), STORE)
    assert is_uncollected(order, released_at.astimezone(UTC), STORE)
    # A pickup booked late that day is held just as long, and one the next day longer.
    late = pickup_order(paris(SATURDAY, 18, 30).astimezone(UTC))
    assert is_uncollected(late, released_at.astimezone(UTC), STORE)
    sunday = pickup_order(paris(SATURDAY + timedelta(days=1), 10).astimezone(UTC))
    assert not is_uncollected(sunday, released_at.astimezone(UTC), STORE)


def test_the_grace_is_the_stores_own_and_counts_real_hours_across_a_clock_change() -> None:
    no_grace = dataclasses.replace(STORE, pickup_grace=timedelta(0))
    order = pickup_order(paris(SATURDAY, 10).astimezone(UTC))
    assert is_uncollected(order, paris(SATURDAY, 19).astimezone(UTC), no_grace)
    assert not is_uncollected(order, paris(SATURDAY, 18, 59).astimezone(UTC), no_grace)
    # Paris leaves summer time in the night of Saturday 24 October 2026: closing at 19:00
    # summer time is 17:00 UTC, and 24 hours later is 18:00 winter time on the Sunday.
    autumn = date(2026, 10, 24)
    before_the_change = pickup_order(paris(autumn, 10).astimezone(UTC))
    assert not is_uncollected(before_the_change, datetime(2026, 10, 25, 16, 59, tzinfo=UTC), STORE)
    assert is_uncollected(before_the_change, datetime(2026, 10, 25, 17, 0, tzinfo=UTC), STORE)


def test_every_earlier_day_is_over_when_a_later_one_is() -> None:
    now = (paris(SATURDAY, 19) + STORE.pickup_grace).astimezone(UTC)
    assert uncollected_before(now, STORE) == paris(SATURDAY + timedelta(days=1), 0)
    long_grace = dataclasses.replace(STORE, pickup_grace=timedelta(days=3, hours=5))
    assert uncollected_before(now, long_grace) == paris(SATURDAY - timedelta(days=2), 0)


def test_only_unpaid_pay_at_pickup_orders_still_waiting_are_released() -> None:
    long_ago = paris(SATURDAY, 10).astimezone(UTC)
    now = datetime(2026, 12, 5, 12, tzinfo=UTC)
    assert is_uncollected(pickup_order(long_ago), now, STORE)
    for status in (OrderStatus.PLACED, OrderStatus.ACCEPTED):
        assert is_uncollected(pickup_order(long_ago, status=status), now, STORE)
    kept = [
        pickup_order(long_ago, status=OrderStatus.COMPLETED),
        pickup_order(long_ago, status=OrderStatus.CANCELLED),
        pickup_order(long_ago, payment=Payment(PaymentMethod.ONLINE, paid_at=long_ago)),
        pickup_order(long_ago, payment=Payment(PaymentMethod.ONLINE, pay_by=long_ago)),
        pickup_order(
            long_ago,
            fulfilment=Fulfilment.delivery("1 Long Road, Springfield", 300),
        ),
    ]
    assert [is_uncollected(order, now, STORE) for order in kept] == [False] * len(kept)
