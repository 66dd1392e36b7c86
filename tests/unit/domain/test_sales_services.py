from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.orders import OrderStatus
from bot.domain.services import orders
from bot.domain.services.sales import (
    AskedPeriod,
    Period,
    Ranking,
    asked_period,
    most_sold,
    sales_per_day,
)
from bot.domain.services.staff import create_manager
from tests.support.factories import (
    FAST_HASHER,
    STORE,
    FixedClock,
    customer,
    handed_over,
    placed_order,
    stocked,
)
from tests.support.fakes import FakeUnitOfWork

PARIS = ZoneInfo("Europe/Paris")


def test_most_sold_ranks_by_quantity_or_by_revenue_and_ignores_cancelled_orders() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock(datetime(2026, 11, 20, 12, tzinfo=UTC))
    salt = stocked(uow, 50, sku="SALT", price_minor=100)
    wine = stocked(uow, 50, sku="WINE", price_minor=1500)
    placed_order(uow, customer(), (salt, 5), (wine, 1), clock=clock)
    cancelled = placed_order(uow, customer(), (wine, 9), clock=clock)
    boss = create_manager("boss", "correct horse battery", uow=uow, hasher=FAST_HASHER)
    orders.move_order(
        boss.id or 0, cancelled.code, OrderStatus.CANCELLED, reason="test", store=STORE, uow=uow
    )
    period = Period.last_days(7, today=date(2026, 11, 20), timezone=PARIS)
    by_quantity = most_sold(period, by=Ranking.QUANTITY, uow=uow)
    by_revenue = most_sold(period, by=Ranking.REVENUE, uow=uow)
    assert [(r.sku, r.quantity, r.revenue_minor) for r in by_quantity] == [
        ("SALT", 5, 500),
        ("WINE", 1, 1500),
    ]
    assert [r.sku for r in by_revenue] == ["WINE", "SALT"]


def test_sales_per_day_count_completed_orders_on_their_local_day_of_completion() -> None:
    uow = FakeUnitOfWork()
    boss = create_manager("boss", "correct horse battery", uow=uow, hasher=FAST_HASHER)
    tea = stocked(uow, 50, price_minor=200)
    # Placed on the 17th; completed at 23:30 UTC on the 18th, already the 19th in Paris.
    late = FixedClock(datetime(2026, 11, 18, 23, 30, tzinfo=UTC))
    early = FixedClock(datetime(2026, 11, 17, 10, tzinfo=UTC))
    handed_over(
        lambda: uow, placed_order(uow, customer(), (tea, 1), clock=early), boss.id or 0, clock=late
    )
    handed_over(
        lambda: uow,
        placed_order(uow, customer(), (tea, 2), clock=early),
        boss.id or 0,
        clock=FixedClock(datetime(2026, 11, 19, 10, tzinfo=UTC)),
    )
    placed_order(uow, customer(), (tea, 4), clock=late)  # not handed over: no revenue yet
    days = sales_per_day(Period(date(2026, 11, 17), date(2026, 11, 20), PARIS), uow=uow)
    assert [(d.day.day, d.orders, d.revenue_minor) for d in days] == [
        (17, 0, 0),
        (18, 0, 0),
        (19, 2, 600),
        (20, 0, 0),
    ]


NOW = FixedClock(datetime(2026, 12, 5, 15, tzinfo=UTC))  # Saturday 5 December 2026


def asked(word: str | None) -> AskedPeriod | None:
    return asked_period(word, timezone=PARIS, clock=NOW)


def span(word: str | None) -> tuple[date, date]:
    found = asked(word)
    assert found is not None
    return found.period.first, found.period.last


def test_a_report_covers_the_last_week_unless_asked_otherwise() -> None:
    assert span(None) == (date(2026, 11, 29), date(2026, 12, 5))
    assert span("semaine") == span("week") == span("Woche") == span(None)
    assert span("30") == (date(2026, 11, 6), date(2026, 12, 5))


def test_today_and_yesterday_are_one_day_in_any_language() -> None:
    assert span("aujourd'hui") == span("jour") == span("today") == (date(2026, 12, 5),) * 2
    yesterday = asked("HIER")
    assert yesterday is not None and yesterday.days_ago == 1
    assert span("hier") == (date(2026, 12, 4),) * 2


def test_month_is_the_calendar_month_so_far_not_the_last_thirty_days() -> None:
    month = asked("mois")
    assert month is not None and month.is_month
    assert span("mois") == span("month") == (date(2026, 12, 1), date(2026, 12, 5))


def test_a_month_by_name_or_number_is_the_whole_calendar_month() -> None:
    assert (
        span("novembre")
        == span("November")
        == span("2026-11")
        == (
            date(2026, 11, 1),
            date(2026, 11, 30),
        )
    )
    assert span("février") == (date(2026, 2, 1), date(2026, 2, 28))
    # A month not yet begun this year is last year's.
    assert span("January") == (date(2026, 1, 1), date(2026, 1, 31))
    assert span("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    named = asked("2026-11")
    assert named is not None and named.is_month


def test_a_month_to_come_or_a_word_unknown_is_refused() -> None:
    with pytest.raises(InvalidInput, match="not begun"):
        asked("2027-01")
    with pytest.raises(InvalidInput, match="1 to 366 days"):
        asked("0")
    assert asked("lots") is None
    assert asked("2026-13") is None


def test_a_year_before_any_shop_used_the_bot_is_not_a_month() -> None:
    assert asked("0001-01") is None  # a slip: the usage line, not a crash
    assert asked("1999-12") is None
    assert asked("2000-01") is not None
