"""Low and sold-out items for managers: /lowstock on demand, and a digest every morning."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from html import escape as esc

from telegram import Update

from bot.domain.services import low_stock
from bot.domain.staff import Role
from bot.domain.store import Store
from bot.handlers.access import signed_in
from bot.handlers.context import ShopContext
from bot.handlers.routes import Command, Feature
from bot.handlers.screens import polite, say
from bot.i18n import Texts, said

DIGEST_JOB = "daily-low-stock-digest"
MAX_LINES = 40  # keeps the message well under Telegram's 4096 characters


def low_stock_text(t: Texts, lines: list[dict[str, str]], heading: str, more: int = 0) -> str:
    if not lines:
        return f"{heading}\n" + t("Nothing is low.") + " 👍"
    out = [heading]
    for line in lines[:MAX_LINES]:
        unit = line["unit"]
        cover = (
            t("{days} days of cover", days=Decimal(line["cover"]))
            if line["cover"]
            else t("no recent sales")
        )
        mark = "🔴" if line["stock"] == "0" else "🟠"
        level = t(
            "{stock}, {cover}; reorder {reorder}",
            stock=t.quantity(Decimal(line["stock"]), unit),
            cover=cover,
            reorder=t.quantity(Decimal(line["reorder"]), unit),
        )
        out.append(f"{mark} <code>{esc(line['sku'])}</code> {esc(line['name'])}: {level}")
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


def digest_text(t: Texts, payload: dict[str, str], store: Store) -> str:
    """The morning digest: yesterday's trade, the orders waiting, then what to reorder (a
    digest queued before the first two were kept shows what it has)."""
    day = date.fromisoformat(payload["day"])
    lines = ["<b>" + t("Good morning: {day}", day=t.day(day, long=True)) + "</b>"]
    if "yesterday_orders" in payload:
        orders = int(payload["yesterday_orders"])
        revenue = t.money(int(payload["yesterday_revenue_minor"]), store.currency)
        lines.append(
            t.plural(
                "Yesterday: {n} order, {revenue}.",
                "Yesterday: {n} orders, {revenue}.",
                orders,
                revenue=revenue,
            )
        )
    if "open_orders" in payload:
        waiting = int(payload["open_orders"])
        lines.append(
            t("Open orders: {n} (/orders).", n=waiting) if waiting else t("Open orders: 0.")
        )
    lines.append("")
    lines.append(
        low_stock_text(
            t,
            json.loads(payload["items"]),
            "<b>" + t("Low stock") + "</b>",
            int(payload.get("more", "0")),
        )
    )
    return "\n".join(lines)


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
