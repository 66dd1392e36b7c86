"""The analytics' queries on both databases: orders per hour, new and returning customers,
items bought together — counted from completed orders only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.domain.services import analytics, staff
from bot.domain.services.sales import Period
from tests.support.databases import UowFactory
from tests.support.factories import (
    FAST_HASHER,
    FixedClock,
    customer,
    handed_over,
    placed_order,
    stocked,
)

NOW = datetime(2026, 12, 5, 10, 30, tzinfo=UTC)


def test_hours_customers_and_pairs_come_from_completed_orders(new_uow: UowFactory) -> None:
    boss = staff.create_manager("boss", "correct horse battery", uow=new_uow(), hasher=FAST_HASHER)
    assert boss.id is not None
    tea = stocked(new_uow(), 100, sku="TEA", name="Green tea", price_minor=400)
    mint = stocked(new_uow(), 100, sku="MINT", name="Mint tea", price_minor=250)
    rice = stocked(new_uow(), 100, sku="RICE", name="Rice", price_minor=300)
    last = stocked(new_uow(), 5, sku="LAST", name="Saffron", price_minor=100)
    old, ann, bob = customer(), customer(), customer()
    # Old customer: an order long before the period, and one in it.
    before = placed_order(new_uow(), old, (tea, 1))
    handed_over(new_uow, before, boss.id, clock=lambda: NOW - timedelta(days=60))
    for who, items in ((old, [(tea, 1), (mint, 1)]), (ann, [(tea, 2), (mint, 1), (rice, 1)])):
        order = placed_order(new_uow(), who, *items)
        handed_over(new_uow, order, boss.id, clock=lambda: NOW)
    placed_order(new_uow(), bob, (tea, 1), (rice, 1))  # placed, never completed
    for quantity in (3, 1):  # at most half of what is on hand, rounded up, per order
        saffron = placed_order(new_uow(), customer(), (last, quantity))
        handed_over(new_uow, saffron, boss.id, clock=lambda: NOW)

    period = Period.last_days(7, today=NOW.date(), timezone=ZoneInfo("Europe/Paris"))
    grid = analytics.week_hours(period, requested_by=boss.id, uow=new_uow())
    saturday = NOW.astimezone(ZoneInfo("Europe/Paris"))
    cell = grid[saturday.weekday()][saturday.hour]
    assert cell.orders == 4 and cell.revenue_minor == (400 + 250) + (800 + 250 + 300) + 400
    assert sum(c.orders for row in grid for c in row) == 4
    found = analytics.overview(period, requested_by=boss.id, uow=new_uow())
    assert (found.customers.new, found.customers.returning) == (3, 1)
    assert found.now.orders == 4 and found.then.orders == 0
    pairs = analytics.bought_together(period, requested_by=boss.id, uow=new_uow())
    assert [(p.first_sku, p.second_sku, p.orders) for p in pairs] == [
        ("TEA", "MINT", 2),  # most first, then by SKU
        ("MINT", "RICE", 1),
        ("TEA", "RICE", 1),
    ]
    ranged = analytics.product_range(period, requested_by=boss.id, uow=new_uow())
    assert [c.sales.sku for c in ranged.classed] == ["TEA", "MINT", "LAST", "RICE"]
    # Saffron: 1 left, 4 sold in 7 days: it lasts 1.8 days; two weeks' worth is 8 more.
    assert [(c.product.sku, c.days, c.reorder) for c in ranged.short] == [
        ("LAST", Decimal("1.8"), Decimal(7))
    ]


def test_a_shop_half_an_hour_off_utc_counts_each_order_in_its_own_hour(
    new_uow: UowFactory,
) -> None:
    boss = staff.create_manager("boss", "correct horse battery", uow=new_uow(), hasher=FAST_HASHER)
    assert boss.id is not None
    tea = stocked(new_uow(), 100, sku="TEA", name="Green tea", price_minor=400)
    at = datetime(2026, 12, 5, 10, 40, tzinfo=UTC)  # 16:10 in Kolkata (UTC+5:30)
    handed_over(new_uow, placed_order(new_uow(), customer(), (tea, 1)), boss.id, clock=lambda: at)
    kolkata = ZoneInfo("Asia/Kolkata")
    period = Period.last_days(7, today=at.date(), timezone=kolkata)
    grid = analytics.week_hours(period, requested_by=boss.id, uow=new_uow())
    busy = [(c.weekday, c.hour) for row in grid for c in row if c.orders]
    assert busy == [(5, 16)]  # Saturday 16:00, not 15:00


def test_hours_are_counted_in_the_shops_time_across_a_clock_change(new_uow: UowFactory) -> None:
    boss = staff.create_manager("boss", "correct horse battery", uow=new_uow(), hasher=FAST_HASHER)
    assert boss.id is not None
    tea = stocked(new_uow(), 100, sku="TEA", name="Green tea", price_minor=400)
    for at in (
        datetime(2026, 3, 28, 9, tzinfo=UTC),  # Saturday 10:00 in Paris (UTC+1)
        datetime(2026, 3, 29, 0, 30, tzinfo=UTC),  # Sunday 01:30, before the change at 02:00
        datetime(2026, 3, 29, 9, tzinfo=UTC),  # Sunday 11:00 (UTC+2 from 02:00)
        datetime(2026, 3, 30, 21, 59, tzinfo=UTC),  # Monday 23:59
    ):
        order = placed_order(new_uow(), customer(), (tea, 1))
        handed_over(new_uow, order, boss.id, clock=FixedClock(at))
    period = Period.last_days(7, today=date(2026, 3, 31), timezone=ZoneInfo("Europe/Paris"))
    grid = analytics.week_hours(period, requested_by=boss.id, uow=new_uow())
    busy = [(c.weekday, c.hour, c.orders) for row in grid for c in row if c.orders]
    assert busy == [(0, 23, 1), (5, 10, 1), (6, 1, 1), (6, 11, 1)]
    assert sum(c.revenue_minor for row in grid for c in row) == 4 * 400
