"""Low and sold-out items for managers: /lowstock on demand, and a digest every morning."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from html import escape as esc

from telegram import Update

from bot.domain.services import low_stock
from bot.domain.staff import Role
from bot.domain.store import Store
from bot.handlers.access import signed_in
from bot.handlers.context import ShopContext
from bot.handlers.routes import Command, Feature
from bot.handlers.screens import polite, say

DIGEST_JOB = "daily-low-stock-digest"
MAX_LINES = 40  # keeps the message well under Telegram's 4096 characters


def low_stock_text(lines: list[dict[str, str]], heading: str, more: int = 0) -> str:
    if not lines:
        return f"{heading}\nNothing is low. 👍"
    out = [heading]
    for line in lines[:MAX_LINES]:
        unit = line["unit"]
        cover = f"{line['cover']} days of cover" if line["cover"] else "no recent sales"
        mark = "🔴" if line["stock"] == "0" else "🟠"
        out.append(
            f"{mark} <code>{esc(line['sku'])}</code> {esc(line['name'])}: "
            f"{line['stock']} {unit}, {cover}; reorder {line['reorder']} {unit}"
        )
    more += max(0, len(lines) - MAX_LINES)
    if more > 0:
        out.append(f"…and {more} more low items: /stock shows every item's level.")
    return "\n".join(out)


def digest_text(payload: dict[str, str], store: Store) -> str:
    """The morning digest: yesterday's trade, the orders waiting, then what to reorder (a
    digest queued before the first two were kept shows what it has)."""
    day = date.fromisoformat(payload["day"])
    lines = [f"<b>Good morning: {day:%A %d %B}</b>"]
    if "yesterday_orders" in payload:
        orders = int(payload["yesterday_orders"])
        revenue = store.currency.format(int(payload["yesterday_revenue_minor"]))
        plural = "" if orders == 1 else "s"
        lines.append(f"Yesterday: {orders} order{plural}, {revenue}.")
    if "open_orders" in payload:
        waiting = int(payload["open_orders"])
        lines.append(f"Open orders: {waiting}" + (" (/orders)." if waiting else "."))
    lines.append("")
    lines.append(
        low_stock_text(
            json.loads(payload["items"]), "<b>Low stock</b>", int(payload.get("more", "0"))
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
    await say(update, low_stock_text(lines, "<b>Low and sold-out items</b>", low.more))
    return None


async def queue_digest(context: ShopContext) -> None:
    """The scheduled job: queue today's digest (the outbox sender delivers it)."""
    shop = context.shop
    await asyncio.to_thread(low_stock.queue_daily_digest, store=shop.store, uow=shop.uow())


FEATURE = Feature(
    commands=[
        Command(
            "lowstock",
            show_low_stock,
            Role.MANAGER,
            "Low and sold-out items",
            "/lowstock – what to reorder, with days of cover",
        )
    ]
)
