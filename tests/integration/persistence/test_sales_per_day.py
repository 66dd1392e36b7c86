"""Revenue per local day of completion, summed in SQL, stays right on the days the clocks
change."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.services import staff
from bot.domain.services.sales import Period, sales_per_day
from tests.support.databases import UowFactory
from tests.support.factories import (
    FAST_HASHER,
    FixedClock,
    customer,
    handed_over,
    placed_order,
    stocked,
)

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("placed_local", "days"),
    [
        # Clocks go back at 03:00 on 25 Oct 2026: that day has 25 hours.
        (
            ["2026-10-24 23:30", "2026-10-25 00:30", "2026-10-25 23:30", "2026-10-26 00:30"],
            (date(2026, 10, 24), date(2026, 10, 26)),
        ),
        # Clocks go forward at 02:00 on 29 Mar 2026: that day has 23 hours.
        (
            ["2026-03-28 23:30", "2026-03-29 00:30", "2026-03-29 23:30", "2026-03-30 00:30"],
            (date(2026, 3, 28), date(2026, 3, 30)),
        ),
    ],
)
def test_orders_near_midnight_count_on_their_local_day_across_a_clock_change(
    new_uow: UowFactory, placed_local: list[str], days: tuple[date, date]
) -> None:
    # Each order placed the day before, and completed (handed over) at the time given.
    boss = staff.create_manager("boss", "correct horse battery", uow=new_uow(), hasher=FAST_HASHER)
    tea = stocked(new_uow(), 50, price_minor=200)
    for n, local in enumerate(placed_local, start=1):
        at = datetime.fromisoformat(local).replace(tzinfo=PARIS).astimezone(UTC)
        order = placed_order(
            new_uow(), customer(), (tea, n), clock=FixedClock(at - timedelta(days=1))
        )
        handed_over(new_uow, order, boss.id or 0, clock=FixedClock(at))
    first, last = days
    totals = sales_per_day(Period(first, last, PARIS), uow=new_uow())
    assert [(d.day, d.orders, d.revenue_minor) for d in totals] == [
        (first, 1, 200),
        (date(first.year, first.month, first.day + 1), 2, 400 + 600),
        (last, 1, 800),
    ]
