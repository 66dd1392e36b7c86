"""/report [DAYS] for managers: the figures as a message, a chart of daily revenue as a
photo, and on request the period's item sales as a CSV document. Behind the guard (managers
only)."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from datetime import date
from html import escape as esc

from telegram import InputFile, Update

from bot.catalogue_csv import spreadsheet_safe
from bot.domain.errors import InvalidInput
from bot.domain.ports import ProductSales
from bot.domain.services.sales import (
    MAX_REPORT_DAYS,
    Period,
    SalesReport,
    item_sales,
    sales_report,
)
from bot.domain.staff import Role
from bot.domain.store import Store
from bot.domain.text import said
from bot.handlers.access import signed_in
from bot.handlers.button_kinds import ReportItems
from bot.handlers.context import ShopContext
from bot.handlers.revenue_chart import bar_chart
from bot.handlers.routes import Command, Feature, Press
from bot.handlers.screens import polite, say
from bot.handlers.views import Keyboard, button
from bot.i18n import Texts

DEFAULT_DAYS = 7
MAX_UNSOLD = 5  # the figures come first; a quiet week's long list of names buries them
# A word for a period: (days, ending how many days before today).
NAMED_PERIODS = {
    "today": (1, 0),
    "yesterday": (1, 1),
    "week": (7, 0),
    "month": (30, 0),
    "year": (365, 0),
}
USAGE = said("Usage: /report [DAYS | today | yesterday | week | month | year], e.g. /report 30")


def day_name(t: Texts, days_ago: int) -> str:
    if days_ago == 0:
        return t("today")
    if days_ago == 1:
        return t("yesterday")
    return t.plural("{n} day ago", "{n} days ago", days_ago)


def report_text(t: Texts, report: SalesReport, store: Store, *, days_ago: int = 0) -> str:
    """`days_ago`: how long before today the period ends (a one-day report says which day)."""

    def money(minor: int) -> str:
        return t.money(minor, store.currency)

    p = report.period
    days = (p.last - p.first).days + 1
    heading = (
        t("Sales {day}, {date}", day=day_name(t, days_ago), date=t.full_date(p.last))
        if p.first == p.last
        else t.plural(
            "Sales {first} – {last} ({n} day)",
            "Sales {first} – {last} ({n} days)",
            days,
            first=t.short_date(p.first),
            last=t.full_date(p.last),
        )
    )
    lines = [
        f"<b>{heading}</b>",
        t("Revenue: {amount}", amount=money(report.revenue_minor)),
        t("Orders: {n}", n=report.orders),
        t("Average basket: {amount}", amount=money(report.average_basket_minor)),
    ]
    if report.by_quantity:
        lines.append("\n<b>" + t("Best sellers by quantity") + "</b>")
        lines += [
            f"{n}. {esc(r.name)} — {t.quantity(r.quantity, r.unit)}"
            for n, r in enumerate(report.by_quantity, start=1)
        ]
        lines.append("\n<b>" + t("Best sellers by revenue") + "</b>")
        lines += [
            f"{n}. {esc(r.name)} — {money(r.revenue_minor)}"
            for n, r in enumerate(report.by_revenue, start=1)
        ]
    if report.unsold:
        shown = ", ".join(esc(name) for name in report.unsold[:MAX_UNSOLD])
        hidden = report.unsold_count - min(len(report.unsold), MAX_UNSOLD)
        unsold = (
            t.plural("{names} and {n} more", "{names} and {n} more", hidden, names=shown)
            if hidden > 0
            else shown
        )
        lines.append("\n" + t("<b>Did not sell</b>: {names}", names=unsold))
    return "\n".join(lines)


def revenue_chart(t: Texts, report: SalesReport, store: Store) -> bytes:
    """A PNG bar chart of revenue per day."""
    return bar_chart(
        [t.numeric_date(d.day) for d in report.days],
        # Pixels, not money: a float is exact enough to place a bar.
        [float(store.currency.to_major(d.revenue_minor)) for d in report.days],
    )


def chart_caption(t: Texts, report: SalesReport, store: Store, days: int, days_ago: int) -> str:
    """The chart's title (the image holds figures only)."""
    currency = store.currency.code
    caption = (
        t("Revenue {day} ({currency})", day=day_name(t, days_ago), currency=currency)
        if days == 1
        else t("Daily revenue, last {days} days ({currency})", days=days, currency=currency)
    )
    return caption if report.revenue_minor else caption + t(": no sales")


def sales_csv(rows: list[ProductSales], store: Store) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["sku", "name", "unit", "quantity", f"revenue_{store.currency.code}"])
    for row in rows:
        writer.writerow(
            [
                spreadsheet_safe(row.sku),
                spreadsheet_safe(row.name),
                row.unit,
                f"{row.quantity.normalize():f}",
                f"{store.currency.to_major(row.revenue_minor)}",
            ]
        )
    return text.getvalue().encode("utf-8")


@polite
async def report(update: Update, context: ShopContext) -> str | None:
    """/report [DAYS], 7 days by default."""
    me = await signed_in(update, context)
    assert me.id is not None
    days, days_ago = _days(context.args)
    store = context.shop.store
    result = await context.run(
        sales_report,
        days,
        requested_by=me.id,
        timezone=store.timezone,
        unsold_shown=MAX_UNSOLD,
        days_ago=days_ago,
    )
    p, t = result.period, context.texts(update)
    items = ReportItems(p.first.toordinal(), p.last.toordinal())
    await say(
        update,
        report_text(t, result, store, days_ago=days_ago),
        Keyboard([[button(t("📄 Item sales (CSV)"), items)]]),
    )
    chat = update.effective_chat
    assert chat is not None
    # Off the event loop: a year's chart is 15 ms of drawing that nobody else's taps wait for.
    png = await asyncio.to_thread(revenue_chart, t, result, store)
    caption = chart_caption(t, result, store, days, days_ago)
    await chat.send_photo(InputFile(png, filename="revenue.png"), caption=caption)
    return None


def _days(args: list[str] | None) -> tuple[int, int]:
    """/report's period: a number of days up to today, or a word (yesterday: 1 day, 1 ago)."""
    raw = (args or [str(DEFAULT_DAYS)])[0].lower()
    if raw in NAMED_PERIODS:
        return NAMED_PERIODS[raw]
    if not re.fullmatch(r"[0-9]{1,4}", raw):
        raise InvalidInput(USAGE)
    return int(raw), 0


def _period(pressed: ReportItems, store: Store) -> Period:
    """The button's days, checked: a forged one names no impossible or endless period."""
    last_day = date.max.toordinal()
    if not 1 <= pressed.first <= pressed.last <= last_day or (
        pressed.last - pressed.first >= MAX_REPORT_DAYS
    ):
        raise InvalidInput(said("That report button is not valid any more; send /report again."))
    return Period(date.fromordinal(pressed.first), date.fromordinal(pressed.last), store.timezone)


@polite
async def send_item_sales(update: Update, context: ShopContext) -> str | None:
    """The spreadsheet of a report's item sales, made when asked for."""
    me = await signed_in(update, context)
    assert me.id is not None
    store = context.shop.store
    period = _period(ReportItems.of(update), store)
    rows = await context.run(item_sales, period, requested_by=me.id)
    chat = update.effective_chat
    assert chat is not None
    # 100,000 lines take a moment to write: off the event loop.
    sales = await asyncio.to_thread(sales_csv, rows, store)
    t = context.texts(update)
    first, last = t.short_date(period.first), t.full_date(period.last)
    caption = (
        t("Item sales {first} – {last} (CSV)", first=first, last=last)
        if rows
        else t("Item sales {first} – {last} (CSV): nothing sold", first=first, last=last)
    )
    await chat.send_document(
        InputFile(sales, filename=f"sales-{period.first}-{period.last}.csv"), caption=caption
    )
    return None


FEATURE = Feature(
    commands=[
        Command(
            "report",
            report,
            Role.MANAGER,
            said("Sales report: /report [DAYS]"),
            said(
                "/report [DAYS | today | yesterday | week | month | year] – revenue, best "
                "sellers, a chart, the item sales as a CSV: /report 30"
            ),
        )
    ],
    presses=[Press(ReportItems, send_item_sales, Role.MANAGER)],
)
