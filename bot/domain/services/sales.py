"""Sales figures: what sells most, and how much the store takes each day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.clock import Clock, utc_now
from bot.domain.errors import InvalidInput
from bot.domain.ports import DayTotal, ProductSales, UnitOfWork
from bot.domain.services.staff import check_manager
from bot.domain.text import said


class Ranking(StrEnum):
    QUANTITY = "quantity"
    REVENUE = "revenue"


@dataclass(frozen=True, slots=True)
class Period:
    """Whole local days [first, last], as the UTC instants the database compares against."""

    first: date
    last: date
    timezone: ZoneInfo

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time.min, self.timezone)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time.min, self.timezone)

    @staticmethod
    def last_days(days: int, *, today: date, timezone: ZoneInfo) -> Period:
        return Period(today - timedelta(days=days - 1), today, timezone)


def most_sold(
    period: Period, *, by: Ranking = Ranking.QUANTITY, limit: int = 10, uow: UnitOfWork
) -> list[ProductSales]:
    """Best sellers over the period; cancelled orders do not count."""
    with uow:
        best = uow.orders.best_sellers(period.start, period.end, top=limit)
    return best.by_quantity if by is Ranking.QUANTITY else best.by_revenue


def sales_per_day(period: Period, *, uow: UnitOfWork) -> list[DayTotal]:
    """One row per local day of the period, days without sales included; summed in SQL,
    one query per stretch of days with one UTC offset (a year has at most a few)."""
    found: dict[date, DayTotal] = {}
    with uow:
        for start, end, offset in _stretches(period):
            for total in uow.orders.day_totals(start, end, offset):
                seen = found.get(total.day, DayTotal(total.day, 0, 0))  # a day in two parts
                found[total.day] = DayTotal(
                    total.day, seen.orders + total.orders, seen.revenue_minor + total.revenue_minor
                )
    days = (period.last - period.first).days + 1
    return [
        found.get(day, DayTotal(day, 0, 0))
        for day in (period.first + timedelta(days=n) for n in range(days))
    ]


def _stretches(period: Period) -> list[tuple[datetime, datetime, int]]:
    """[start, end) UTC instants and the offset (minutes) that holds throughout: runs of whole
    local days, and each day on which the clocks change, split where they do."""
    stretches: list[tuple[datetime, datetime, int]] = []
    day = period.first
    while day <= period.last:
        start = datetime.combine(day, time.min, period.timezone)
        end = datetime.combine(day + timedelta(days=1), time.min, period.timezone)
        before, after = _offset(start), _offset(end - timedelta(microseconds=1))
        if before != after:
            change = _when_offset_changes(start, after)
            stretches += [(start, change, before), (change, end, after)]
        elif stretches and stretches[-1][1] == start and stretches[-1][2] == before:
            stretches[-1] = (stretches[-1][0], end, before)
        else:
            stretches.append((start, end, before))
        day += timedelta(days=1)
    return stretches


def _offset(at: datetime) -> int:
    offset = at.utcoffset()
    return int(offset.total_seconds() // 60) if offset else 0


def _when_offset_changes(start: datetime, later_offset: int) -> datetime:
    """The first quarter hour of the day that has the day's later offset."""
    at = start.astimezone(UTC)
    while _offset(at.astimezone(start.tzinfo)) != later_offset:
        at += timedelta(minutes=15)
    return at


MAX_REPORT_DAYS = 366


@dataclass(frozen=True, slots=True)
class SalesReport:
    period: Period
    days: list[DayTotal]
    by_quantity: list[ProductSales]
    by_revenue: list[ProductSales]
    unsold: list[str]  # names of the first items on sale that sold nothing in the period
    unsold_count: int  # how many sold nothing, in all

    @property
    def revenue_minor(self) -> int:
        return sum(day.revenue_minor for day in self.days)

    @property
    def orders(self) -> int:
        return sum(day.orders for day in self.days)

    @property
    def average_basket_minor(self) -> int:
        return self.revenue_minor // self.orders if self.orders else 0


def report_period(
    days: int, *, timezone: ZoneInfo, clock: Clock = utc_now, days_ago: int = 0
) -> Period:
    """The `days` local days up to today, or up to `days_ago` days before it (yesterday: 1)."""
    if not 1 <= days <= MAX_REPORT_DAYS:
        raise InvalidInput(said("A report covers 1 to {n} days"), n=MAX_REPORT_DAYS)
    if not 0 <= days_ago <= MAX_REPORT_DAYS:
        raise InvalidInput(said("A report ends at most {n} days ago"), n=MAX_REPORT_DAYS)
    last = clock().astimezone(timezone).date() - timedelta(days=days_ago)
    return Period.last_days(days, today=last, timezone=timezone)


def sales_report(
    days: int,
    *,
    requested_by: int,
    timezone: ZoneInfo,
    uow: UnitOfWork,
    clock: Clock = utc_now,
    top: int = 5,
    unsold_shown: int = 10,
    days_ago: int = 0,
) -> SalesReport:
    """The last `days` local days, today included (or ending `days_ago` days before it);
    cancelled orders do not count. Every item's sales are read as bare numbers and ranked
    here; only the few shown are named (a year at a supermarket is 100,000 items: their list
    is `item_sales`, on request)."""
    period = report_period(days, timezone=timezone, clock=clock, days_ago=days_ago)
    with uow:
        check_manager(uow, requested_by)
    per_day = sales_per_day(period, uow=uow)
    with uow:
        best = uow.orders.best_sellers(period.start, period.end, top=top)
        # What did not sell: the items on sale minus those sold that are still on sale.
        unsold_count = uow.products.count_active() - best.items_sold_on_sale
        unsold = uow.orders.unsold_names(period.start, period.end, limit=unsold_shown)
    return SalesReport(period, per_day, best.by_quantity, best.by_revenue, unsold, unsold_count)


def item_sales(period: Period, *, requested_by: int, uow: UnitOfWork) -> list[ProductSales]:
    """Every item sold in the period, best revenue first: the report's spreadsheet."""
    with uow:
        check_manager(uow, requested_by)
        rows = uow.orders.sales_by_product(period.start, period.end)
    rows.sort(key=lambda r: (-r.revenue_minor, -r.quantity, r.sku))
    return rows
