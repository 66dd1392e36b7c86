"""Sales figures: what sells most, and how much the store takes each day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.clock import Clock, utc_now
from bot.domain.errors import InvalidInput
from bot.domain.ports import ProductSales, UnitOfWork
from bot.domain.services.staff import check_manager


class Ranking(StrEnum):
    QUANTITY = "quantity"
    REVENUE = "revenue"


@dataclass(frozen=True, slots=True)
class DaySales:
    day: date
    orders: int
    revenue_minor: int


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
        rows = uow.orders.sales_by_product(period.start, period.end)
    if by is Ranking.QUANTITY:
        rows.sort(key=lambda r: (-r.quantity, -r.revenue_minor, r.sku))
    else:
        rows.sort(key=lambda r: (-r.revenue_minor, -r.quantity, r.sku))
    return rows[:limit]


def sales_per_day(period: Period, *, uow: UnitOfWork) -> list[DaySales]:
    """One row per local day of the period, days without sales included."""
    with uow:
        totals = uow.orders.totals(period.start, period.end)
    by_day: dict[date, list[int]] = {}
    for total in totals:
        day = total.placed_at.astimezone(period.timezone).date()
        by_day.setdefault(day, []).append(total.total_minor)
    days = (period.last - period.first).days + 1
    return [
        DaySales(day, len(by_day.get(day, [])), sum(by_day.get(day, [])))
        for day in (period.first + timedelta(days=n) for n in range(days))
    ]


MAX_REPORT_DAYS = 366


@dataclass(frozen=True, slots=True)
class SalesReport:
    period: Period
    days: list[DaySales]
    by_quantity: list[ProductSales]
    by_revenue: list[ProductSales]
    unsold: list[str]  # names of the first items on sale that sold nothing in the period
    unsold_count: int  # how many sold nothing, in all
    items: list[ProductSales]  # every item sold, by revenue (the CSV)

    @property
    def revenue_minor(self) -> int:
        return sum(day.revenue_minor for day in self.days)

    @property
    def orders(self) -> int:
        return sum(day.orders for day in self.days)

    @property
    def average_basket_minor(self) -> int:
        return self.revenue_minor // self.orders if self.orders else 0


def sales_report(
    days: int,
    *,
    requested_by: int,
    timezone: ZoneInfo,
    uow: UnitOfWork,
    clock: Clock = utc_now,
    top: int = 5,
    unsold_shown: int = 10,
) -> SalesReport:
    """The last `days` local days, today included; cancelled orders do not count."""
    if not 1 <= days <= MAX_REPORT_DAYS:
        raise InvalidInput(f"A report covers 1 to {MAX_REPORT_DAYS} days")
    with uow:
        check_manager(uow, requested_by)
    today = clock().astimezone(timezone).date()
    period = Period.last_days(days, today=today, timezone=timezone)
    per_day = sales_per_day(period, uow=uow)
    with uow:
        sold = uow.orders.sales_by_product(period.start, period.end)
        unsold, unsold_count = uow.orders.unsold(period.start, period.end, limit=unsold_shown)
    by_quantity = sorted(sold, key=lambda r: (-r.quantity, -r.revenue_minor, r.sku))
    by_revenue = sorted(sold, key=lambda r: (-r.revenue_minor, -r.quantity, r.sku))
    return SalesReport(
        period, per_day, by_quantity[:top], by_revenue[:top], unsold, unsold_count, by_revenue
    )
