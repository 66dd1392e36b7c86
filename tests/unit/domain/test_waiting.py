"""The rules of what waits: when a customer may expect the shop to see what they sent, and when
an order or question nobody on duty has seen is overdue (only opening hours count)."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.opening_hours import OpeningHours
from bot.domain.waiting import Attention, Waiting, alert_due, when_seen
from tests.support.factories import STORE

PARIS = ZoneInfo("Europe/Paris")
# Mon-Sat with a lunch break; Sunday closed. 23 Nov 2026 is a Monday.
SHOP = dataclasses.replace(
    STORE, hours=OpeningHours.parse("mon-sat 09:00-12:30; mon-sat 14:00-19:00")
)
TEN_MINUTES = timedelta(minutes=10)


def paris(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=PARIS)


def test_an_open_shop_with_someone_logged_in_sees_it_now() -> None:
    assert when_seen(SHOP, paris(23, 10), on_duty=True).attention is Attention.ON_DUTY


def test_an_open_shop_with_nobody_logged_in_sees_it_when_someone_logs_in() -> None:
    assert when_seen(SHOP, paris(23, 10), on_duty=False).attention is Attention.NOBODY


def test_a_closed_shop_says_when_it_opens_even_if_someone_is_still_logged_in() -> None:
    seen = when_seen(SHOP, paris(22, 10), on_duty=True)  # a Sunday
    assert seen.attention is Attention.CLOSED
    assert seen.opens == paris(23, 9)


def test_during_the_lunch_break_the_shop_opens_again_after_lunch() -> None:
    assert when_seen(SHOP, paris(23, 13), on_duty=False).opens == paris(23, 14)


def test_an_item_sent_while_open_is_overdue_ten_minutes_later() -> None:
    assert alert_due(SHOP, paris(23, 10), TEN_MINUTES) == paris(23, 10, 10)


def test_the_alert_clock_stops_over_lunch() -> None:
    assert alert_due(SHOP, paris(23, 12, 25), TEN_MINUTES) == paris(23, 14, 5)


def test_an_order_placed_at_night_is_overdue_ten_minutes_after_opening() -> None:
    assert alert_due(SHOP, paris(21, 22), TEN_MINUTES) == paris(23, 9, 10)  # Sat night


def test_a_shop_not_open_within_a_month_is_told_of_it_at_once() -> None:
    mondays = ", ".join(f"{paris(23, 0).date() + timedelta(weeks=n)}" for n in range(5))
    closed = dataclasses.replace(SHOP, hours=OpeningHours.parse("mon 09:00-10:00", mondays))
    assert alert_due(closed, paris(23, 11), TEN_MINUTES) == paris(23, 11, 10)


def test_nothing_waiting_is_nothing() -> None:
    assert not Waiting().anything
    assert Waiting(orders=1).anything and Waiting(questions=2).anything
