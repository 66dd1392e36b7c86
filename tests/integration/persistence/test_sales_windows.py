"""The analytics' running totals hold exactly what the orders sum to: the windows of the last
N days as orders complete, as days pass, when the time zone changes, and with completions
racing a window being built; the days that are over, summed once, across a clock change
(both databases)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update

from bot.domain.analytics import Pair, class_bounds
from bot.domain.catalogue import Product
from bot.domain.orders import Order, OrderStatus
from bot.domain.payments import MoneyTaken
from bot.domain.services import analytics, catalogue, orders, sales, sales_windows, staff
from bot.domain.services.sales import Period
from bot.persistence.models import OrderLineRow, OrderRow, WindowItemRow
from bot.persistence.unit_of_work import SqlAlchemyUnitOfWork
from tests.support.databases import UowFactory
from tests.support.factories import (
    FAST_HASHER,
    STORE,
    customer,
    handed_over,
    placed_order,
    stocked,
)

NOW = datetime(2026, 12, 5, 10, 30, tzinfo=UTC)
PARIS, NEW_YORK = ZoneInfo("Europe/Paris"), ZoneInfo("America/New_York")


def manager(new_uow: UowFactory) -> int:
    boss = staff.create_manager("boss", "correct horse battery", uow=new_uow(), hasher=FAST_HASHER)
    assert boss.id is not None
    return boss.id


def range_of_items(new_uow: UowFactory) -> list[Product]:
    return [
        stocked(new_uow(), 1000, sku=sku, name=name, price_minor=price)
        for sku, name, price in (
            ("TEA", "Green tea", 400),
            ("MINT", "Mint tea", 250),
            ("RICE", "Rice", 300),
            ("OIL", "Olive oil", 900),
        )
    ]


def completed(new_uow: UowFactory, boss: int, at: datetime, *lines: tuple[Product, int]) -> None:
    order = placed_order(new_uow(), customer(), *lines)
    handed_over(new_uow, order, boss, clock=lambda: at)


def window_matches_lines(new_uow: UowFactory, days: int, now: datetime, zone: ZoneInfo) -> None:
    """The window's rankings, best sellers and pairs are those summed from the lines of its
    period."""
    period = Period.last_days(days, today=now.astimezone(zone).date(), timezone=zone)
    with new_uow() as uow:
        assert uow.windows.start_of(days) == period.start
        kept = uow.windows.range_sales(days, top=20, within=7, short=200, bounds=class_bounds)
        summed = uow.orders.range_sales(
            period.start, period.end, top=20, within=7, short=200, bounds=class_bounds
        )
        assert kept == summed
        assert uow.windows.bought_together(days, top=20) == uow.orders.bought_together(
            period.start, period.end, top=20
        )
        assert uow.windows.best_sellers(days, top=3) == uow.orders.best_sellers(
            period.start, period.end, top=3, completed=True
        )


def tamper(new_uow: UowFactory) -> None:
    """Every revenue of the windows ten times over: tells which source a page read."""
    with new_uow() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        kept = WindowItemRow.__table__.c
        uow.session.execute(update(WindowItemRow).values(revenue=kept.revenue * 10))
        uow.commit()


def test_a_window_holds_what_its_days_sold_as_orders_complete_and_days_pass(
    new_uow: UowFactory,
) -> None:
    boss = manager(new_uow)
    tea, mint, rice, oil = range_of_items(new_uow)
    completed(new_uow, boss, NOW - timedelta(days=8), (tea, 1), (mint, 1))  # before the week
    completed(new_uow, boss, NOW - timedelta(days=6), (tea, 2), (rice, 1))  # its first day
    completed(new_uow, boss, NOW - timedelta(days=3), (mint, 1), (rice, 1), (tea, 1))
    assert sales_windows.bring_up_to_date(7, NOW, PARIS, uow=new_uow())  # built
    window_matches_lines(new_uow, 7, NOW, PARIS)
    assert not sales_windows.bring_up_to_date(7, NOW, PARIS, uow=new_uow())  # nothing to do

    completed(new_uow, boss, NOW, (tea, 1), (mint, 3), (oil, 1))  # added as it completes
    window_matches_lines(new_uow, 7, NOW, PARIS)

    tomorrow = NOW + timedelta(days=1)  # the first day's orders leave the window
    assert sales_windows.bring_up_to_date(7, tomorrow, PARIS, uow=new_uow())
    window_matches_lines(new_uow, 7, tomorrow, PARIS)
    with new_uow() as uow:  # the rice of that day is gone, not left at zero
        left = uow.windows.range_sales(7, top=20, within=7, short=200, bounds=class_bounds)
    assert {s.sku: s.quantity for s in left.best}["RICE"] == 1

    # The shop moves to New York: its window starts six hours later, then back again.
    for zone in (NEW_YORK, PARIS):
        assert sales_windows.bring_up_to_date(7, tomorrow, zone, uow=new_uow())
        window_matches_lines(new_uow, 7, tomorrow, zone)

    # A month later, further than the window is long: summed again from the lines.
    later = NOW + timedelta(days=30)
    completed(new_uow, boss, later, (oil, 2))
    assert sales_windows.bring_up_to_date(7, later, PARIS, uow=new_uow())
    window_matches_lines(new_uow, 7, later, PARIS)


def test_the_back_office_reads_the_window_only_while_it_starts_where_its_period_does(
    new_uow: UowFactory,
) -> None:
    boss = manager(new_uow)
    tea, mint, rice, _oil = range_of_items(new_uow)
    completed(new_uow, boss, NOW - timedelta(days=2), (tea, 2), (mint, 1))
    completed(new_uow, boss, NOW, (tea, 1), (rice, 1))
    period = Period.last_days(30, today=NOW.date(), timezone=PARIS)

    def seen(now: datetime) -> tuple[analytics.Range, list[Pair]]:
        def clock() -> datetime:
            return now

        return (
            analytics.product_range(period, requested_by=boss, uow=new_uow(), clock=clock),
            analytics.bought_together(period, requested_by=boss, uow=new_uow(), clock=clock),
        )

    from_lines = seen(NOW)  # no window yet: summed from the lines
    assert sales_windows.bring_up_to_date(30, NOW, PARIS, uow=new_uow())
    assert seen(NOW) == from_lines  # the window's figures are the lines'

    tamper(new_uow)
    ranged, _pairs = seen(NOW)
    assert [c.sales.revenue_minor for c in ranged.classed] == [
        10 * c.sales.revenue_minor for c in from_lines[0].classed
    ]
    assert seen(NOW + timedelta(days=40)) == from_lines  # the period is over: its lines
    with new_uow() as uow:  # a window that starts an hour off the period is not read either
        uow.windows.hold(30)
        uow.windows.rebuild(30, period.start + timedelta(hours=1))
        uow.commit()
    tamper(new_uow)
    assert seen(NOW) == from_lines


def test_the_report_ranks_its_best_sellers_from_the_window_while_it_starts_where_its_period_does(
    new_uow: UowFactory,
) -> None:
    boss = manager(new_uow)
    tea, mint, rice, oil = range_of_items(new_uow)
    completed(new_uow, boss, NOW - timedelta(days=40), (oil, 9))  # before the period
    completed(new_uow, boss, NOW - timedelta(days=29), (tea, 2), (mint, 4), (rice, 1))
    completed(new_uow, boss, NOW, (tea, 1), (rice, 1), (oil, 3))
    catalogue.set_active("MINT", False, uow=new_uow())  # the best seller, then archived
    period = Period.last_days(30, today=NOW.date(), timezone=PARIS)

    def report(now: datetime) -> sales.SalesReport:
        return sales.sales_report(
            period, requested_by=boss, uow=new_uow(), top=3, clock=lambda: now
        )

    from_lines = report(NOW)  # no window yet: summed from the lines
    # Ties broken as the lines rank them: OIL and TEA sold 3 each, OIL earned more.
    assert [s.sku for s in from_lines.by_quantity] == ["MINT", "OIL", "TEA"]
    assert [s.sku for s in from_lines.by_revenue] == ["OIL", "TEA", "MINT"]
    assert not from_lines.by_quantity[0].active
    assert from_lines.unsold_count == 0  # the three on sale all sold; MINT is archived
    assert sales_windows.bring_up_to_date(30, NOW, PARIS, uow=new_uow())
    assert report(NOW) == from_lines  # the window ranks them as the lines do

    tamper(new_uow)
    read = report(NOW)
    assert [s.revenue_minor for s in read.by_revenue] == [
        10 * s.revenue_minor for s in from_lines.by_revenue
    ]
    assert read.unsold_count == from_lines.unsold_count  # items sold and on sale, as counted
    assert report(NOW + timedelta(days=40)) == from_lines  # the period is over: its lines


def test_orders_completing_while_a_window_is_built_are_each_counted_once(
    new_uow: UowFactory,
) -> None:
    boss = manager(new_uow)
    tea, mint, rice, oil = range_of_items(new_uow)
    completed(new_uow, boss, NOW - timedelta(days=1), (tea, 1), (oil, 1))
    ready: list[Order] = []
    for n in range(12):
        order = placed_order(new_uow(), customer(), (tea, 1), ((mint, rice)[n % 2], n + 1))
        for step in (OrderStatus.ACCEPTED, OrderStatus.READY):
            order = orders.move_order(boss, order.code, step, store=STORE, uow=new_uow())
        ready.append(order)
    barrier = threading.Barrier(len(ready) + 1)

    def now() -> datetime:
        return NOW

    def hand_over(order: Order) -> None:
        barrier.wait()
        assert order.pickup_code is not None
        code = order.pickup_code
        orders.hand_over(boss, code, taken=MoneyTaken.CASH, store=STORE, uow=new_uow(), clock=now)

    def build() -> None:
        barrier.wait()
        sales_windows.bring_up_to_date(7, NOW, PARIS, uow=new_uow())

    with ThreadPoolExecutor(len(ready) + 1) as pool:
        done = [pool.submit(hand_over, order) for order in ready] + [pool.submit(build)]
        for future in done:
            future.result()
    window_matches_lines(new_uow, 7, NOW, PARIS)
    with new_uow() as uow:
        best = uow.windows.range_sales(7, top=20, within=7, short=200, bounds=class_bounds).best
    assert {s.sku: s.quantity for s in best}["TEA"] == 13


def test_days_that_are_over_are_summed_once_and_read_as_the_quarters_gave_them(
    new_uow: UowFactory,
) -> None:
    boss = manager(new_uow)
    tea, mint, _rice, oil = range_of_items(new_uow)
    # Paris puts its clocks back on 25 October 2026: that day has 25 hours.
    clock_change = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 local, after the change
    for at, lines in (
        (datetime(2026, 10, 24, 21, 50, tzinfo=UTC), [(tea, 1)]),  # 23:50 local on the 24th
        (datetime(2026, 10, 24, 22, 10, tzinfo=UTC), [(mint, 2)]),  # 00:10 on the 25th
        (clock_change, [(oil, 1), (tea, 1)]),
        (NOW - timedelta(days=1), [(tea, 3)]),
    ):
        completed(new_uow, boss, at, *lines)
    period = Period.last_days(60, today=NOW.date(), timezone=PARIS)
    from_quarters = sales.sales_per_day(period, uow=new_uow())

    assert sales_windows.close_days(NOW, PARIS, uow=new_uow())
    assert not sales_windows.close_days(NOW, PARIS, uow=new_uow())  # done once
    with new_uow() as uow:
        assert uow.orders.days_summed_through("Europe/Paris") == NOW.date() - timedelta(days=1)
    assert sales.sales_per_day(period, uow=new_uow()) == from_quarters
    by_day = {d.day: d for d in from_quarters}
    assert by_day[date(2026, 10, 24)].revenue_minor == 400
    assert by_day[date(2026, 10, 25)].revenue_minor == 2 * 250 + 900 + 400

    completed(new_uow, boss, NOW, (mint, 1))  # today: from its quarters, on top
    today = {d.day: d for d in sales.sales_per_day(period, uow=new_uow())}
    assert today[NOW.date()].revenue_minor == 250 and today[NOW.date()].orders == 1
    assert sales_windows.close_days(NOW + timedelta(days=1), PARIS, uow=new_uow())
    assert {d.day: d for d in sales.sales_per_day(period, uow=new_uow())} == today


def test_orders_an_older_worker_completed_during_an_upgrade_are_counted_once_by_the_job(
    new_uow: UowFactory,
) -> None:
    boss = manager(new_uow)
    tea, mint, _rice, _oil = range_of_items(new_uow)
    completed(new_uow, boss, NOW - timedelta(days=2), (tea, 1))
    period = Period.last_days(7, today=NOW.date(), timezone=PARIS)
    assert sales_windows.close_days(NOW, PARIS, uow=new_uow())  # yesterday is summed
    assert sales_windows.bring_up_to_date(7, NOW, PARIS, uow=new_uow())
    # Completed yesterday by a worker of the release before 0042: straight into its rows.
    older = placed_order(new_uow(), customer(), (mint, 2), (tea, 1))
    yesterday = NOW - timedelta(days=1)
    with new_uow() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        for table, key in ((OrderRow, OrderRow.id), (OrderLineRow, OrderLineRow.order_id)):
            uow.session.execute(update(table).where(key == older.id).values(completed_at=yesterday))
        uow.session.execute(
            update(OrderRow)
            .where(OrderRow.id == older.id)
            .values(status="completed", money_taken="cash")
        )
        uow.commit()
    before = {d.day: d.orders for d in sales.sales_per_day(period, uow=new_uow())}
    assert before[yesterday.date()] == 0  # not counted yet

    assert sales_windows.count_uncounted(uow=new_uow()) == 1
    assert sales_windows.count_uncounted(uow=new_uow()) == 0  # once
    after = {d.day: d for d in sales.sales_per_day(period, uow=new_uow())}
    assert after[yesterday.date()].orders == 1
    assert after[yesterday.date()].revenue_minor == 2 * 250 + 400
    window_matches_lines(new_uow, 7, NOW, PARIS)
