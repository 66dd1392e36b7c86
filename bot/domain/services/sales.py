"""Sales figures: what sells most, and how much the store takes each day.

Revenue is what completed orders brought in, on the day they were completed: an order placed
and not yet handed over (or paid) is no revenue yet. Goods and delivery fees are counted apart;
the goods are summed from the order lines, as the report's spreadsheet is, so both agree to
the cent."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo

from bot.domain.clock import Clock, utc_now
from bot.domain.errors import InvalidInput
from bot.domain.payments import MoneyTaken
from bot.domain.ports import DayTotal, ProductSales, UnitOfWork, added_takings
from bot.domain.ratings import RatingsSummary
from bot.domain.services.staff import check_manager
from bot.domain.text import said
from bot.domain.vat import VatAtRate
from bot.domain.vocabulary import MONTH_NAMES, REPORT_WORDS, ReportWord

COMMENTS_SHOWN = 5  # the latest customers' comments a report shows


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
    def days(self) -> int:
        """How many days it holds, both ends counted."""
        return (self.last - self.first).days + 1

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
    with uow:
        return per_day(uow, period)


def per_day(uow: UnitOfWork, period: Period) -> list[DayTotal]:
    """Inside an open unit of work: sales_per_day's rows. Days that are over are read as
    summed once (bot.domain.services.sales_windows.close_days), the others from the quarter
    hours of their orders."""
    found: dict[date, DayTotal] = {}
    zone = period.timezone.key
    summed = uow.orders.days_summed_through(zone)
    rest = period
    if summed is not None and summed >= period.first:
        last = min(summed, period.last)
        found = {d.day: d for d in uow.orders.summed_day_totals(zone, period.first, last)}
        rest = Period(last + timedelta(days=1), period.last, period.timezone)
    for start, end, offset in offset_stretches(rest):
        for total in uow.orders.day_totals(start, end, offset):
            seen = found.get(total.day)  # a day in two parts, where the clocks change
            found[total.day] = total if seen is None else seen.plus(total)
    return [
        found.get(day, DayTotal(day, 0, 0))
        for day in (period.first + timedelta(days=n) for n in range(period.days))
    ]


T = TypeVar("T")

# The back office's periods ("the last N days"), kept as running sums of what sold
# (bot.domain.services.sales_windows).
WINDOW_DAYS = (7, 30, 90, 365)


def window_for(period: Period, now: datetime) -> int | None:
    """The window that sums exactly `period`: one of WINDOW_DAYS long, running now (no order
    is completed after now, so what the window holds is what the period holds)."""
    return period.days if period.days in WINDOW_DAYS and period.start <= now < period.end else None


def kept_or_summed(
    uow: UnitOfWork,
    period: Period,
    now: datetime,
    kept: Callable[[int], T],
    summed: Callable[[], T],
) -> T:
    """The period's figures from its window (`kept`) while the window starts where the period
    does, else summed from the lines (`summed`). The start is read again after: on MariaDB each
    statement reads its own moment, and a window moved on meanwhile (each local midnight)
    would give another period's figures. Inside the caller's transaction."""
    window = window_for(period, now)
    if window is not None and uow.windows.start_of(window) == period.start:
        figures = kept(window)
        if uow.windows.start_of(window) == period.start:
            return figures
    return summed()


def offset_stretches(period: Period) -> list[tuple[datetime, datetime, int]]:
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
# No shop sold through this bot before: earlier years are typing slips (and before year 1 the
# time zones' arithmetic overflows).
FIRST_YEAR = 2000


# The ways money is listed in a report, in this order; None: completed before it was recorded.
TAKINGS_ORDER: tuple[MoneyTaken | None, ...] = (
    MoneyTaken.CASH,
    MoneyTaken.CARD,
    MoneyTaken.TELEGRAM,
    None,
)


@dataclass(frozen=True, slots=True)
class SalesReport:
    period: Period
    days: list[DayTotal]
    by_quantity: list[ProductSales]
    by_revenue: list[ProductSales]
    unsold: list[str]  # names of the first items on sale that sold nothing in the period
    unsold_count: int  # how many sold nothing, in all
    # The completed orders' totals by how their money was taken.
    takings: dict[MoneyTaken | None, int] = field(default_factory=dict)
    # The VAT in the completed orders, per rate, as their receipts stated it.
    vat: list[VatAtRate] = field(default_factory=list)
    # How the customers rated the completed orders, and their latest comments.
    ratings: RatingsSummary = field(default_factory=lambda: RatingsSummary(0, 0, []))

    @property
    def revenue_minor(self) -> int:
        """Goods sold in completed orders: the sum of the item sales spreadsheet."""
        return sum(day.revenue_minor for day in self.days)

    @property
    def delivery_fees_minor(self) -> int:
        return sum(day.delivery_fees_minor for day in self.days)

    @property
    def taken_minor(self) -> int:
        """Goods and delivery fees: all the completed orders brought in."""
        return self.revenue_minor + self.delivery_fees_minor

    @property
    def takings_listed(self) -> list[tuple[MoneyTaken | None, int]]:
        """Each way money was taken in the period, in a fixed order, with its sum."""
        return [(way, self.takings[way]) for way in TAKINGS_ORDER if self.takings.get(way)]

    @property
    def orders(self) -> int:
        return sum(day.orders for day in self.days)

    @property
    def average_basket_minor(self) -> int:
        return self.revenue_minor // self.orders if self.orders else 0


@dataclass(frozen=True, slots=True)
class AskedPeriod:
    """The period a /report asked for, and how to name it: a calendar month by its name, one
    day as today or yesterday, other spans by their dates."""

    period: Period
    days_ago: int = 0  # how long before today it ends (a one-day report says which day)
    is_month: bool = False


DEFAULT_DAYS = 7
_YEAR_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})")


def asked_period(
    word: str | None, *, timezone: ZoneInfo, clock: Clock = utc_now
) -> AskedPeriod | None:
    """What /report's word means, in any shipped language ("semaine", "Woche", "novembre",
    "2026-11", "30"); None for a word it does not know. A month is the calendar month: the
    current one so far, or a month by name (the latest that has begun), or year-month."""
    today = clock().astimezone(timezone).date()
    text = (word or str(DEFAULT_DAYS)).strip()
    if re.fullmatch(r"[0-9]{1,4}", text):
        return AskedPeriod(report_period(int(text), timezone=timezone, clock=clock))
    if found := _YEAR_MONTH.fullmatch(text):
        year, month = int(found[1]), int(found[2])
        if not 1 <= month <= 12 or year < FIRST_YEAR:
            return None  # the usage line says how to write a month
        return _month(year, month, today, timezone)
    if (month_named := MONTH_NAMES.meaning_of(text)) is not None:
        number = month_named.value
        return _month(today.year - (number > today.month), number, today, timezone)
    named = REPORT_WORDS.meaning_of(text)
    if named is ReportWord.MONTH:
        return _month(today.year, today.month, today, timezone)
    if named is None:
        return None
    days, days_ago = {
        ReportWord.TODAY: (1, 0),
        ReportWord.YESTERDAY: (1, 1),
        ReportWord.WEEK: (7, 0),
        ReportWord.YEAR: (365, 0),
    }[named]
    period = report_period(days, timezone=timezone, clock=clock, days_ago=days_ago)
    return AskedPeriod(period, days_ago=days_ago)


def _month(year: int, month: int, today: date, timezone: ZoneInfo) -> AskedPeriod:
    """A calendar month, up to today if it is the current one."""
    first = date(year, month, 1)
    if first > today:
        raise InvalidInput(said("That month has not begun yet."))
    following = date(year + month // 12, month % 12 + 1, 1)
    last = min(following - timedelta(days=1), today)
    return AskedPeriod(Period(first, last, timezone), is_month=True)


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
    period: Period,
    *,
    requested_by: int,
    uow: UnitOfWork,
    top: int = 5,
    unsold_shown: int = 10,
    clock: Clock = utc_now,
) -> SalesReport:
    """The period's completed orders: goods, delivery fees, money by how it was taken, best
    sellers. Every item's sales are ranked in the database; only the few shown are named (a
    year at a supermarket is 100,000 items: their list is `item_sales`, on request). The
    last 7, 30, 90 or 365 days are ranked from their running sums while these start where
    the period does (bot.domain.services.sales_windows), else from the lines."""
    now = clock()
    with uow.reading():
        check_manager(uow, requested_by)
        days = per_day(uow, period)
        best = kept_or_summed(
            uow,
            period,
            now,
            lambda window: uow.windows.best_sellers(window, top=top),
            lambda: uow.orders.best_sellers(period.start, period.end, top=top, completed=True),
        )
        # What did not sell: the items on sale minus those sold that are still on sale.
        unsold_count = uow.products.count_active() - best.items_sold_on_sale
        unsold = uow.orders.unsold_names(
            period.start, period.end, limit=unsold_shown, completed=True
        )
        vat = uow.orders.completed_vat(period.start, period.end)
        ratings = uow.ratings.summary(period.start, period.end, comments=COMMENTS_SHOWN)
    takings: dict[MoneyTaken | None, int] = {}
    for day in days:
        takings = added_takings(takings, day.taken)
    return SalesReport(
        period, days, best.by_quantity, best.by_revenue, unsold, unsold_count, takings, vat, ratings
    )


def item_sales(period: Period, *, requested_by: int, uow: UnitOfWork) -> list[ProductSales]:
    """Every item sold in the period's completed orders, best revenue first: the report's
    spreadsheet, which adds up to the report's goods revenue."""
    with uow.reading():
        check_manager(uow, requested_by)
        rows = uow.orders.sales_by_product(period.start, period.end, completed=True)
    rows.sort(key=lambda r: (-r.revenue_minor, -r.quantity, r.sku))
    return rows
