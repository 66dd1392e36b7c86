"""/report [PERIOD] for managers: the figures as a message, a chart of daily revenue as a
photo, and on request the period's item sales as a CSV document whose revenue adds up to the
message's goods revenue. The period is typed in the manager's words (bot.domain.vocabulary).
Behind the guard (managers only)."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import date
from html import escape as esc

from telegram import InputFile, Update

from bot.catalogue_csv import spreadsheet_safe
from bot.domain import permissions
from bot.domain.errors import InvalidInput
from bot.domain.payments import MoneyTaken
from bot.domain.ports import ProductSales
from bot.domain.services.sales import (
    MAX_REPORT_DAYS,
    AskedPeriod,
    Period,
    SalesReport,
    asked_period,
    item_sales,
    sales_report,
)
from bot.domain.store import Store
from bot.domain.text import said
from bot.domain.vocabulary import MONTH_NAMES, REPORT_WORDS, Month, ReportWord
from bot.handlers.access import signed_in
from bot.handlers.button_kinds import ReportItems
from bot.handlers.context import ShopContext
from bot.handlers.revenue_chart import bar_chart
from bot.handlers.routes import Command, Feature, Press
from bot.handlers.screens import polite, say
from bot.handlers.views import Keyboard, button, clip
from bot.i18n import Texts

MAX_UNSOLD = 5  # the figures come first; a quiet week's long list of names buries them
# {words}: the reader's own words for today, yesterday, week, month, year; {month}: a month's
# name in their language.
USAGE = said("Usage: /report [DAYS | {words} | {month} | YYYY-MM], e.g. /report 30")
TAKEN = {
    MoneyTaken.CASH: said("💶 Cash: {amount}"),
    MoneyTaken.CARD: said("💳 Card: {amount}"),
    MoneyTaken.TELEGRAM: said("📱 Paid in Telegram: {amount}"),
    None: said("❔ Not recorded: {amount}"),
}


def usage(t: Texts) -> InvalidInput:
    """How to ask, in the reader's words."""
    words = " | ".join(REPORT_WORDS.words_for(t.language, tuple(ReportWord)))
    [month] = MONTH_NAMES.words_for(t.language, (Month.NOVEMBER,))
    return InvalidInput(USAGE, words=words, month=month)


def day_name(t: Texts, days_ago: int) -> str:
    if days_ago == 0:
        return t("today")
    if days_ago == 1:
        return t("yesterday")
    return t.plural("{n} day ago", "{n} days ago", days_ago)


def heading(t: Texts, asked: AskedPeriod) -> str:
    """ "Sales November 2026", "Sales today, Sat 05 Dec 2026", "Sales 29 Nov – Sat 05 Dec
    2026 (7 days)"."""
    p = asked.period
    if asked.is_month:
        return t("Sales {month}", month=t.month(p.first))
    if p.first == p.last:
        return t("Sales {day}, {date}", day=day_name(t, asked.days_ago), date=t.full_date(p.last))
    return t.plural(
        "Sales {first} – {last} ({n} day)",
        "Sales {first} – {last} ({n} days)",
        p.days,
        first=t.short_date(p.first),
        last=t.full_date(p.last),
    )


def report_text(t: Texts, report: SalesReport, store: Store, asked: AskedPeriod) -> str:
    """The figures of completed orders: goods (the CSV's sum), delivery fees apart, the money
    by how it was taken, then best sellers by revenue (each with its quantity and unit: pieces
    are never ranked against kilograms)."""

    def money(minor: int) -> str:
        return t.money(minor, store.currency)

    lines = [
        f"<b>{heading(t, asked)}</b>",
        t("Goods revenue: {amount}", amount=money(report.revenue_minor)),
        t("Delivery fees: {amount}", amount=money(report.delivery_fees_minor)),
        t("<b>Taken in all: {amount}</b>", amount=money(report.taken_minor)),
    ]
    lines += [t(TAKEN[way], amount=money(minor)) for way, minor in report.takings_listed]
    lines += [
        t("Completed orders: {n}", n=report.orders),
        t("Average basket: {amount}", amount=money(report.average_basket_minor)),
    ]
    # Further sections of figures (VAT per rate) are appended here, each starting "\n<b>…</b>".
    if any(entry.rate for entry in report.vat):
        lines.append("\n<b>" + t("VAT included") + "</b>")
        lines += [
            t(
                "VAT {rate} %: {vat} of {gross} (net {net})",
                rate=entry.rate,
                vat=money(entry.vat_minor),
                gross=money(entry.gross_minor),
                net=money(entry.net_minor),
            )
            for entry in report.vat
        ]
    if report.ratings.average is not None:
        lines.append("\n<b>" + t("Ratings") + "</b>")
        lines.append(
            t.plural(
                "★ {average} from {n} rated order",
                "★ {average} from {n} rated orders",
                report.ratings.count,
                average=t.one_decimal(report.ratings.average),
            )
        )
        lines += [
            f"{'★' * said.stars} {esc(clip(said.comment, 200))} ({esc(said.order_code)})"
            for said in report.ratings.comments
        ]
    if report.by_revenue:
        lines.append("\n<b>" + t("Best sellers") + "</b>")
        lines += [
            f"{n}. {esc(r.name)} — {money(r.revenue_minor)} ({t.quantity(r.quantity, r.unit)})"
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


def chart_caption(t: Texts, report: SalesReport, store: Store, asked: AskedPeriod) -> str:
    """The chart's title (the image holds figures only)."""
    currency, p = store.currency.code, asked.period
    days = p.days
    if asked.is_month:
        caption = t(
            "Daily revenue, {month} ({currency})", month=t.month(p.first), currency=currency
        )
    elif days == 1:
        caption = t(
            "Revenue {day} ({currency})", day=day_name(t, asked.days_ago), currency=currency
        )
    else:
        caption = t("Daily revenue, last {days} days ({currency})", days=days, currency=currency)
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
    """/report [DAYS | a word for a period | a month], 7 days by default."""
    me = await signed_in(update, context)
    assert me.id is not None
    store, t = context.shop.store, context.texts(update)
    asked = asked_period(" ".join(context.args or []) or None, timezone=store.timezone)
    if asked is None:
        raise usage(t)
    result = await context.run(
        sales_report,
        asked.period,
        requested_by=me.id,
        unsold_shown=MAX_UNSOLD,
    )
    p = result.period
    items = ReportItems(p.first.toordinal(), p.last.toordinal())
    # Off the event loop, and while the figures are on their way: a chart is 10-20 ms of
    # drawing that nobody else's taps wait for.
    drawing = asyncio.create_task(asyncio.to_thread(revenue_chart, t, result, store))
    try:
        await say(
            update,
            report_text(t, result, store, asked),
            Keyboard([[button(t("📄 Item sales (CSV)"), items)]]),
        )
    finally:
        png = await drawing
    chat = update.effective_chat
    assert chat is not None
    caption = chart_caption(t, result, store, asked)
    await chat.send_photo(InputFile(png, filename="revenue.png"), caption=caption)
    return None


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
            permissions.REPORTS,
            said("Sales report: /report [DAYS | PERIOD]"),
            said(
                "/report [DAYS | today | yesterday | week | month | year | a month's name | "
                "YYYY-MM] – revenue of completed orders, delivery fees, money by cash, card "
                "and Telegram, best sellers, a chart, the item sales as a CSV: /report 30"
            ),
        )
    ],
    presses=[Press(ReportItems, send_item_sales, permissions.REPORTS)],
)
