"""The back office's analytics: each page's figures read in one transaction that holds back no
writer (uow.reading), summed in the database (bot.domain.analytics says what each means)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from bot.domain.analytics import (
    Classed,
    Cover,
    Customers,
    HourOfWeek,
    Pair,
    Totals,
    abc_classes,
    cover,
    hours_of_week,
    short_of_stock,
    totals,
)
from bot.domain.ports import DayTotal, ProductSales, UnitOfWork
from bot.domain.services.sales import Period, per_day
from bot.domain.services.staff import check_manager

TOP = 20  # rows of a ranking shown (the CSV holds them all)
PAIRS = 20


def previous(period: Period) -> Period:
    """The as many days just before."""
    length = (period.last - period.first).days + 1
    return Period(
        period.first - timedelta(days=length), period.first - timedelta(days=1), period.timezone
    )


@dataclass(frozen=True, slots=True)
class Overview:
    period: Period
    days: list[DayTotal]
    before: list[DayTotal]  # the previous period's, day by day
    now: Totals
    then: Totals
    customers: Customers


def overview(period: Period, *, requested_by: int, uow: UnitOfWork) -> Overview:
    earlier = previous(period)
    with uow.reading():
        check_manager(uow, requested_by)
        days, before = per_day(uow, period), per_day(uow, earlier)
        new, returning = uow.orders.customers_in(period.start, period.end)
    return Overview(period, days, before, totals(days), totals(before), Customers(new, returning))


@dataclass(frozen=True, slots=True)
class Range:
    """How the range sold: classes, best and slowest sellers, stock cover."""

    classed: list[Classed]
    slowest: list[ProductSales]  # sold least among those sold, least first
    unsold: list[str]  # on sale, no sale at all (names, the first few)
    short: list[Cover]  # run out within a week at this pace, soonest first


def product_range(period: Period, *, requested_by: int, uow: UnitOfWork) -> Range:
    days = (period.last - period.first).days + 1
    with uow.reading():
        check_manager(uow, requested_by)
        sold = uow.orders.sales_by_product(period.start, period.end, completed=True)
        unsold = uow.orders.unsold_names(period.start, period.end, limit=TOP, completed=True)
        products = uow.products.get_many([s.product_id for s in sold if s.active])
    by_id = {s.product_id: s.quantity for s in sold}
    covers = [cover(p, by_id[pid], days) for pid, p in products.items() if p.active]
    slowest = sorted((s for s in sold if s.active), key=lambda s: (s.quantity, s.sku))
    return Range(abc_classes(sold), slowest, unsold, short_of_stock(covers))


def week_hours(period: Period, *, requested_by: int, uow: UnitOfWork) -> list[list[HourOfWeek]]:
    with uow.reading():
        check_manager(uow, requested_by)
        hourly = uow.orders.hourly_completed(period.start, period.end)
    return hours_of_week(hourly, period.timezone)


def bought_together(
    period: Period, *, requested_by: int, uow: UnitOfWork, top: int = PAIRS
) -> list[Pair]:
    with uow.reading():
        check_manager(uow, requested_by)
        pairs = uow.orders.bought_together(period.start, period.end, top=top)
    return [Pair(*pair) for pair in pairs]


def share_text(share: Decimal) -> str:
    return f"{(share * 100).quantize(Decimal('0.1'))}"
