"""The business in figures for the back office: the rules behind each figure, stated once
(the data comes from bot.domain.services.analytics)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from bot.domain.catalogue import Product
from bot.domain.ports import DayTotal, ProductSales

# An item's class by its share of the period's revenue, best sellers first: A earns the first
# 80 %, B the next 15 %, C the rest (the usual Pareto split of a shop's range).
A_SHARE, B_SHARE = Decimal("0.80"), Decimal("0.95")
# Stock that lasts fewer days than this at the period's pace is to be reordered; a reorder
# brings it up to REORDER_DAYS of sales.
COVER_ALERT_DAYS = 7
REORDER_DAYS = 14


@dataclass(frozen=True, slots=True)
class Totals:
    revenue_minor: int  # goods of completed orders
    orders: int

    @property
    def basket_minor(self) -> int:
        """The average order's goods, rounded to the cent."""
        return round(self.revenue_minor / self.orders) if self.orders else 0


def totals(days: Sequence[DayTotal]) -> Totals:
    return Totals(sum(d.revenue_minor for d in days), sum(d.orders for d in days))


@dataclass(frozen=True, slots=True)
class WeekTotal:
    """A calendar week of the period (Monday to Sunday; the period may cut its first and
    last), against the same days of the previous period."""

    first: date  # the week's first day in the period
    last: date
    now: Totals
    then: Totals
    then_first: date  # the same days, one period earlier
    then_last: date

    @property
    def monday(self) -> date:
        return self.first - timedelta(days=self.first.weekday())


def per_week(days: Sequence[DayTotal], before: Sequence[DayTotal]) -> list[WeekTotal]:
    """The period's days by calendar week, each against the same days of the previous period
    (each day against the day as many days earlier, as the per-day chart lines them up)."""
    weeks: dict[date, list[int]] = {}
    for n, d in enumerate(days):
        weeks.setdefault(d.day - timedelta(days=d.day.weekday()), []).append(n)
    return [
        WeekTotal(
            days[week[0]].day,
            days[week[-1]].day,
            totals([days[n] for n in week]),
            totals([before[n] for n in week]),
            before[week[0]].day,
            before[week[-1]].day,
        )
        for _monday, week in sorted(weeks.items())
    ]


def change_percent(now: int, before: int) -> Decimal | None:
    """The change against the previous period, in percent (None: nothing to compare with)."""
    if before == 0:
        return None
    return (Decimal(now - before) * 100 / before).quantize(Decimal("0.1"))


@dataclass(frozen=True, slots=True)
class Classed:
    sales: ProductSales
    klass: str  # "A", "B" or "C"
    total_minor: int  # the period's revenue

    @property
    def share(self) -> Decimal:
        """Of the period's revenue, 0..1."""
        return (
            Decimal(self.sales.revenue_minor) / self.total_minor if self.total_minor else Decimal(0)
        )


def class_bounds(total: int) -> tuple[int, int]:
    """Where A and B end, as revenue earned before an item (of `total`, the period's):
    running < share × total, in integers: running < ⌈share × total⌉."""
    a, b = (
        int((total * share).to_integral_value(rounding=ROUND_CEILING))
        for share in (A_SHARE, B_SHARE)
    )
    return a, b


def class_counts(items: int, below: Sequence[int]) -> dict[str, int]:
    """How many items are in each class, from how many of them, in revenue order, have less
    than each of `class_bounds` earned before them (counted in the database: a year of a
    supermarket is 99,000 items)."""
    in_a, in_a_or_b = below
    return {"A": in_a, "B": in_a_or_b - in_a, "C": items - in_a_or_b}


def classed_top(top: Sequence[ProductSales], total: int) -> list[Classed]:
    """The best sellers by revenue (most first), each with its class: the class of its rank
    among every item's revenue (`total`: all of them)."""
    a_bound, b_bound = class_bounds(total)
    classed, running = [], 0
    for s in top:
        classed.append(
            Classed(s, "A" if running < a_bound else "B" if running < b_bound else "C", total)
        )
        running += s.revenue_minor
    return classed


def abc_classes(sales: Sequence[ProductSales]) -> list[Classed]:
    """Items by revenue, most first, each with its class (ties: by SKU); in whole numbers (a
    supermarket's month is 30,000 items sold)."""
    ranked = sorted(sales, key=lambda s: s.sku)
    ranked.sort(key=lambda s: s.revenue_minor, reverse=True)  # stable: SKU order kept in ties
    total = sum(s.revenue_minor for s in ranked)
    a_bound, b_bound = class_bounds(total)
    classed, running = [], 0
    for s in ranked:
        klass = "A" if running < a_bound else "B" if running < b_bound else "C"
        running += s.revenue_minor
        classed.append(Classed(s, klass, total))
    return classed


@dataclass(frozen=True, slots=True)
class Cover:
    product: Product
    per_day: Decimal  # sold per day over the period
    days: Decimal | None  # how long the stock lasts at that pace (None: it does not sell)
    reorder: Decimal  # what to order to last REORDER_DAYS (0: enough)


def cover(product: Product, sold: Decimal, period_days: int) -> Cover:
    per_day = sold / period_days if period_days else Decimal(0)
    if per_day <= 0:
        return Cover(product, Decimal(0), None, Decimal(0))
    days = (product.stock / per_day).quantize(Decimal("0.1"))
    wanted = per_day * REORDER_DAYS - product.stock
    steps = (wanted / product.step).to_integral_value(rounding=ROUND_CEILING) if wanted > 0 else 0
    return Cover(product, per_day, days, product.step * steps)


def short_of_stock(covers: Sequence[Cover]) -> list[Cover]:
    """Items that run out within COVER_ALERT_DAYS at the period's pace, soonest first."""
    short = [c for c in covers if c.days is not None and c.days < COVER_ALERT_DAYS]
    return sorted(short, key=lambda c: (c.days, c.product.sku))


@dataclass(frozen=True, slots=True)
class HourOfWeek:
    weekday: int  # 0 Monday .. 6 Sunday, in the store's time
    hour: int  # 0..23, in the store's time
    orders: int
    revenue_minor: int


def hours_of_week(hourly: Sequence[tuple[int, int, int, int]]) -> list[list[HourOfWeek]]:
    """Completed orders per (weekday, hour) in the store's time, from each stretch of the
    period with one UTC offset, added up: a 7×24 grid (Monday first) to plan who works when."""
    grid = [[[0, 0] for _hour in range(24)] for _day in range(7)]
    for weekday, hour, orders, revenue in hourly:
        cell = grid[weekday][hour]
        cell[0] += orders
        cell[1] += revenue
    return [
        [HourOfWeek(day, hour, cell[0], cell[1]) for hour, cell in enumerate(row)]
        for day, row in enumerate(grid)
    ]


def busiest(grid: Sequence[Sequence[HourOfWeek]]) -> int:
    return max((c.orders for row in grid for c in row), default=0)


@dataclass(frozen=True, slots=True)
class Pair:
    first_sku: str
    first_name: str
    second_sku: str
    second_name: str
    orders: int  # completed orders holding both


@dataclass(frozen=True, slots=True)
class Customers:
    new: int  # whose first completed order is in the period
    returning: int  # who had one before, and ordered again in it


def log_scale(value: int, top: int) -> float:
    """0..1 for a heat map's shade: a busy hour stands out without drowning the quiet ones."""
    return math.log1p(value) / math.log1p(top) if top else 0.0
