"""Low and sold-out items for managers: /lowstock on demand, and a digest every morning."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape as esc

from telegram import Update

from bot.domain.services import low_stock
from bot.domain.staff import Role
from bot.domain.stock import LowLine, LowStockAlert, MorningDigest
from bot.domain.store import Store
from bot.handlers.access import signed_in
from bot.handlers.context import ShopContext
from bot.handlers.notification_texts import Rendered, renders
from bot.handlers.routes import Command, Feature
from bot.handlers.screens import polite, say
from bot.i18n import Texts, said

DIGEST_JOB = "daily-low-stock-digest"
MAX_LINES = 40  # keeps the message well under Telegram's 4096 characters


def low_stock_text(t: Texts, lines: Sequence[LowLine], heading: str, more: int = 0) -> str:
    if not lines:
        return f"{heading}\n" + t("Nothing is low.") + " 👍"
    out = [heading]
    for line in lines[:MAX_LINES]:
        unit = line.unit
        cover = (
            t("{days} days of cover", days=line.cover)
            if line.cover is not None
            else t("no recent sales")
        )
        mark = "🔴" if line.stock == 0 else "🟠"
        level = t(
            "{stock}, {cover}; reorder {reorder}",
            stock=t.quantity(line.stock, unit),
            cover=cover,
            reorder=t.quantity(line.reorder, unit),
        )
        out.append(f"{mark} <code>{esc(line.sku)}</code> {esc(line.name)}: {level}")
    more += max(0, len(lines) - MAX_LINES)
    if more > 0:
        out.append(
            t.plural(
                "…and {n} more low item: /stock shows every item's level.",
                "…and {n} more low items: /stock shows every item's level.",
                more,
            )
        )
    return "\n".join(out)


@renders(LowStockAlert)
def low_stock_alert_text(t: Texts, alert: LowStockAlert, store: Store) -> Rendered:
    """The managers' alert: an item down to its threshold, or sold out."""
    name, sku = esc(alert.name), esc(alert.sku)
    restock = t("/restock {sku} QTY when it arrives.", sku=sku)
    if alert.level <= 0:
        sold_out = t("Sold out: <b>{name}</b> ({sku}).", name=name, sku=sku)
        return f"🔴 {sold_out} {restock}", None
    low = t(
        "Low stock: <b>{name}</b> ({sku}) is down to {level} (threshold {threshold}).",
        name=name,
        sku=sku,
        level=t.quantity(alert.level, alert.unit),
        threshold=t.quantity(alert.threshold, alert.unit),
    )
    return f"⚠️ {low} {restock}", None


@renders(MorningDigest)
def digest_text(t: Texts, digest: MorningDigest, store: Store) -> Rendered:
    """The morning digest: yesterday's trade, the orders waiting, then what to reorder (a
    digest queued before the first two were kept shows what it has)."""
    lines = ["<b>" + t("Good morning: {day}", day=t.day(digest.day, long=True)) + "</b>"]
    if digest.yesterday_orders is not None:
        revenue = t.money(digest.yesterday_revenue_minor or 0, store.currency)
        lines.append(
            t.plural(
                "Yesterday: {n} order, {revenue}.",
                "Yesterday: {n} orders, {revenue}.",
                digest.yesterday_orders,
                revenue=revenue,
            )
        )
    if digest.open_orders is not None:
        waiting = digest.open_orders
        lines.append(
            t("Open orders: {n} (/orders).", n=waiting) if waiting else t("Open orders: 0.")
        )
    lines.append("")
    lines.append(low_stock_text(t, digest.items, "<b>" + t("Low stock") + "</b>", digest.more))
    return "\n".join(lines), None


@polite
async def show_low_stock(update: Update, context: ShopContext) -> str | None:
    """/lowstock: what to reorder now."""
    me = await signed_in(update, context)
    assert me.id is not None
    low = await context.run(low_stock.low_stock_list, me.id, store=context.shop.store)
    lines = [low_stock.describe(item) for item in low.items]
    t = context.texts(update)
    heading = "<b>" + t("Low and sold-out items") + "</b>"
    await say(update, low_stock_text(t, lines, heading, low.more))
    return None


async def queue_digest(context: ShopContext) -> None:
    """The scheduled job: queue today's digest (the outbox sender delivers it)."""
    await context.run(low_stock.queue_daily_digest, store=context.shop.store)


FEATURE = Feature(
    commands=[
        Command(
            "lowstock",
            show_low_stock,
            Role.MANAGER,
            said("Low and sold-out items"),
            said("/lowstock – what to reorder, with days of cover"),
        )
    ]
)
