"""The back office's analytics: each page's figures read in one transaction that holds back no
writer (uow.reading), summed in the database (bot.domain.analytics says what each means)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from bot.domain.analytics import (
    COVER_ALERT_DAYS,
    Classed,
    Cover,
    Customers,
    HourOfWeek,
    Pair,
    Totals,
    WeekTotal,
    abc_classes,
    class_bounds,
    class_counts,
    classed_top,
    cover,
    hours_of_week,
    per_week,
    short_of_stock,
    totals,
)
from bot.domain.clock import Clock, utc_now
from bot.domain.ports import DayTotal, ProductSales, UnitOfWork
from bot.domain.ratings import RatedComment, RatingsSummary
from bot.domain.services.sales import Period, kept_or_summed, offset_stretches, per_day
from bot.domain.services.staff import check_manager

TOP = 20  # rows of a ranking shown (the CSV holds them all)
RATING_COMMENTS = 20  # the latest customers' comments shown
PAIRS = 20


def previous(period: Period) -> Period:
    """The as many days just before."""
    return Period(
        period.first - timedelta(days=period.days),
        period.first - timedelta(days=1),
        period.timezone,
    )


@dataclass(frozen=True, slots=True)
class Overview:
    period: Period
    days: list[DayTotal]
    before: list[DayTotal]  # the previous period's, day by day
    now: Totals
    then: Totals
    customers: Customers
    ratings: RatingsSummary  # of the period's completed orders, with the latest comments

    @property
    def weeks(self) -> list[WeekTotal]:
        return per_week(self.days, self.before)


def overview(period: Period, *, requested_by: int, uow: UnitOfWork) -> Overview:
    earlier = previous(period)
    with uow.reading():
        check_manager(uow, requested_by)
        days, before = per_day(uow, period), per_day(uow, earlier)
        new, returning = uow.orders.customers_in(period.start, period.end)
        ratings = uow.ratings.summary(period.start, period.end, comments=RATING_COMMENTS)
    return Overview(
        period, days, before, totals(days), totals(before), Customers(new, returning), ratings
    )


@dataclass(frozen=True, slots=True)
class Range:
    """How the range sold: classes, best and slowest sellers, stock cover."""

    counts: dict[str, int]  # items per ABC class
    classed: list[Classed]  # the best sellers by revenue, with their class
    slowest: list[ProductSales]  # sold least among those on sale that sold, least first
    unsold: list[str]  # on sale, no sale at all (names, the first few)
    short: list[Cover]  # run out within a week at this pace, soonest first


def product_range(
    period: Period, *, requested_by: int, uow: UnitOfWork, clock: Clock = utc_now
) -> Range:
    """The page's figures, summed and ranked in the database: only what it shows is named
    (a supermarket sells 30,000 items a month). The last N days are read from their window
    while it starts where the period does (bot.domain.services.sales_windows)."""
    start, end = period.start, period.end
    now = clock()
    with uow.reading():
        check_manager(uow, requested_by)
        sold = kept_or_summed(
            uow,
            period,
            now,
            lambda window: uow.windows.range_sales(
                window, top=TOP, within=COVER_ALERT_DAYS, short=TOP * 10, bounds=class_bounds
            ),
            lambda: uow.orders.range_sales(
                start, end, top=TOP, within=COVER_ALERT_DAYS, short=TOP * 10, bounds=class_bounds
            ),
        )
        unsold = uow.orders.unsold_names(start, end, limit=TOP, completed=True)
        products = uow.products.get_many([pid for pid, _sold in sold.short])
    covers = [
        cover(products[pid], quantity, period.days)
        for pid, quantity in sold.short
        if pid in products
    ]
    return Range(
        class_counts(sold.items, sold.below),
        classed_top(sold.best, sold.total_minor),
        sold.slowest,
        unsold,
        short_of_stock(covers),
    )


def every_rating(period: Period, *, requested_by: int, uow: UnitOfWork) -> list[RatedComment]:
    """Every rating of the period's completed orders, latest first: the download."""
    with uow.reading():
        check_manager(uow, requested_by)
        return uow.ratings.rated(period.start, period.end)


def slow_sellers(period: Period, *, requested_by: int, uow: UnitOfWork) -> list[ProductSales]:
    """Every item on sale, least sold first: those that did not sell at all (by name), then
    those that did: the download."""
    start, end = period.start, period.end
    with uow.reading():
        check_manager(uow, requested_by)
        return [
            *uow.orders.unsold(start, end, completed=True),
            *uow.orders.least_sold(start, end, limit=None),
        ]


def every_class(period: Period, *, requested_by: int, uow: UnitOfWork) -> list[Classed]:
    """Every item sold, with its class: the download."""
    with uow.reading():
        check_manager(uow, requested_by)
        sold = uow.orders.sales_by_product(period.start, period.end, completed=True)
    return abc_classes(sold)


def week_hours(period: Period, *, requested_by: int, uow: UnitOfWork) -> list[list[HourOfWeek]]:
    with uow.reading():
        check_manager(uow, requested_by)
        hourly = [
            cell
            for start, end, offset in offset_stretches(period)
            for cell in uow.orders.completed_by_hour_of_week(start, end, offset)
        ]
    return hours_of_week(hourly)


def bought_together(
    period: Period,
    *,
    requested_by: int,
    uow: UnitOfWork,
    top: int = PAIRS,
    clock: Clock = utc_now,
) -> list[Pair]:
    """The pairs most often in one order; the last N days from their window, as the range."""
    now = clock()
    with uow.reading():
        check_manager(uow, requested_by)
        pairs = kept_or_summed(
            uow,
            period,
            now,
            lambda window: uow.windows.bought_together(window, top=top),
            lambda: uow.orders.bought_together(period.start, period.end, top=top),
        )
    return [Pair(*pair) for pair in pairs]


def share_text(share: Decimal) -> str:
    return f"{(share * 100).quantize(Decimal('0.1'))}"
