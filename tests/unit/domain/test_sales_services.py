from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.domain.orders import OrderStatus
from bot.domain.services import orders
from bot.domain.services.sales import Period, Ranking, most_sold, sales_per_day
from bot.domain.services.staff import create_manager
from tests.support.factories import FAST_HASHER, STORE, FixedClock, customer, placed_order, stocked
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


def test_sales_per_day_uses_the_stores_local_days_and_lists_quiet_days() -> None:
    uow = FakeUnitOfWork()
    tea = stocked(uow, 50, price_minor=200)
    # 23:30 UTC on the 18th is already the 19th in Paris.
    placed_order(
        uow, customer(), (tea, 1), clock=FixedClock(datetime(2026, 11, 18, 23, 30, tzinfo=UTC))
    )
    placed_order(
        uow, customer(), (tea, 2), clock=FixedClock(datetime(2026, 11, 19, 10, tzinfo=UTC))
    )
    days = sales_per_day(Period(date(2026, 11, 18), date(2026, 11, 20), PARIS), uow=uow)
    assert [(d.day.day, d.orders, d.revenue_minor) for d in days] == [
        (18, 0, 0),
        (19, 2, 600),
        (20, 0, 0),
    ]
