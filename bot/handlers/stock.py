"""Staff keep stock right from their phones: levels, deliveries, corrections, item details.

Behind the access guard: only logged-in staff reach these handlers."""

from __future__ import annotations

from decimal import Decimal
from html import escape as esc

from telegram import InlineKeyboardMarkup, Update

from bot.domain.catalogue import Product
from bot.domain.errors import InvalidInput, UnknownProduct
from bot.domain.quantity import format_quantity, parse_quantity
from bot.domain.services import catalogue
from bot.domain.services.stock import (
    StockMove,
    adjust_stock,
    count_stock,
    receive_stock,
    stock_history,
)
from bot.domain.staff import Role
from bot.domain.stock import adjustment_reason
from bot.domain.store import Store
from bot.handlers.access import signed_in
from bot.handlers.button_kinds import RestockAs, StockPage
from bot.handlers.context import ShopContext
from bot.handlers.routes import Command, Feature, Press
from bot.handlers.screens import polite, say, show
from bot.handlers.views import button

PAGE = 15
USAGE = {
    "restock": "Usage: /restock SKU QTY [NOTE], e.g. /restock RICE-1KG 12 invoice 4411",
    "adjust": "Usage: /adjust SKU ±QTY REASON [NOTE], REASON being damaged, lost or "
    "count_correction, e.g. /adjust EGGS-6 -2 damaged dropped box",
    "count": "Usage: /count SKU QTY, the quantity you counted on the shelf",
    "setprice": "Usage: /setprice SKU PRICE, e.g. /setprice RICE-1KG 3.79",
    "setthreshold": "Usage: /setthreshold SKU QTY (or default), e.g. /setthreshold MILK-1L 8",
    "archive": "Usage: /archive SKU",
    "unarchive": "Usage: /unarchive SKU",
}


def _marker(product: Product, store: Store) -> str:
    if not product.active:
        return "🗄"
    if product.stock <= 0:
        return "🔴"
    return "🟠" if product.is_low(store.default_low_stock_threshold) else "🟢"


def _line(product: Product, store: Store) -> str:
    unit = product.unit.value
    threshold = product.threshold(store.default_low_stock_threshold)
    return (
        f"{_marker(product, store)} <code>{esc(product.sku)}</code> {esc(product.name)}: "
        f"{format_quantity(product.stock, unit)} (min {format_quantity(threshold, unit)})"
    )


async def _levels(update: Update, context: ShopContext, text: str, offset: int) -> None:
    store = context.shop.store
    page = await context.run(catalogue.stock_levels, text, offset=offset, limit=PAGE)
    if page.total == 0:
        await say(update, f"No item matches “{esc(text)}”.")
        return
    items = f"{page.total} item" + ("" if page.total == 1 else "s")
    head = f"<b>Stock</b>{' for “' + esc(text) + '”' if text else ''}: {items}"
    lines = [head, "🔴 sold out · 🟠 low · 🗄 archived", *(_line(p, store) for p in page.items)]
    nav = []
    if page.has_previous:
        nav.append(button("‹ Previous", StockPage(max(offset - PAGE, 0), text[:30])))
    if page.has_next:
        nav.append(button("Next ›", StockPage(offset + PAGE, text[:30])))
    keyboard = InlineKeyboardMarkup([nav]) if nav else None
    await show(update, "\n".join(lines), keyboard)


async def _item(update: Update, context: ShopContext, sku: str) -> None:
    store = context.shop.store
    product, rows = await context.run(stock_history, sku, limit=10)
    unit = product.unit.value
    lines = [_line(product, store), f"{store.currency.format(product.price_minor)} per {unit}"]
    lines.append("\n<b>Last changes</b>" if rows else "\nNo stock changes yet.")
    for row in rows:
        when = row.at.astimezone(store.timezone).strftime("%d %b %H:%M")
        sign = "+" if row.change > 0 else ""
        note = f" – {esc(row.note)}" if row.note else ""
        lines.append(
            f"{when} {sign}{format_quantity(row.change, unit)} {row.reason.value} → "
            f"{format_quantity(row.resulting_level, unit)} by {esc(row.actor)}{note}"
        )
    await say(update, "\n".join(lines))


@polite
async def stock_command(update: Update, context: ShopContext) -> str | None:
    """/stock lists levels; /stock TEXT filters; /stock SKU shows one item's history."""
    await signed_in(update, context)
    text = " ".join(context.args or []).strip()
    if text and len(context.args or []) == 1:
        try:
            await _item(update, context, text)
            return None
        except (UnknownProduct, InvalidInput):
            pass  # not an SKU: a filter
    await _levels(update, context, text, 0)
    return None


@polite
async def stock_page(update: Update, context: ShopContext) -> str | None:
    pressed = StockPage.of(update)
    await _levels(update, context, pressed.text, pressed.offset)
    return None


def _args(context: ShopContext, command: str, minimum: int) -> list[str]:
    args = list(context.args or [])
    if len(args) < minimum:
        raise InvalidInput(USAGE[command])
    return args


def _moved(move: StockMove) -> str:
    product, unit = move.product, move.product.unit.value
    sign = "+" if move.entry.change > 0 else ""
    return (
        f"{esc(product.name)}: {sign}{format_quantity(move.entry.change, unit)}, now "
        f"{format_quantity(move.entry.resulting_level, unit)} on hand."
    )


@polite
async def restock(update: Update, context: ShopContext) -> str | None:
    """/restock SKU QTY [NOTE]: goods received. A SKU that does not exist gets the closest
    items as buttons that restock them instead."""
    account = await signed_in(update, context)
    sku, qty, *words = _args(context, "restock", 2)
    quantity, note = parse_quantity(qty), " ".join(words)
    try:
        move = await context.run(
            receive_stock,
            sku,
            quantity,
            note=note,
            actor=f"staff:{account.username}",
            store=context.shop.store,
        )
    except UnknownProduct as unknown:
        choices = [RestockAs(quantity, s.stock, s.sku, note) for s in unknown.suggestions]
        # Offered only if each button carries the whole note: a cut note would be lost.
        if not choices or any(RestockAs.unpack(c.pack()) != c for c in choices):
            raise
        rows = [
            [button(f"{c.sku} · {s.name[:40]}", c)]
            for c, s in zip(choices, unknown.suggestions, strict=True)
        ]
        amount = esc(qty)
        text = f"There is no item {esc(unknown.ref)}. Restock {amount} of one of these?"
        await say(update, text, InlineKeyboardMarkup(rows))
        return None
    await say(update, "📦 Restocked. " + _moved(move))
    return None


@polite
async def restock_suggested(update: Update, context: ShopContext) -> str | None:
    """A suggested item's button: that delivery, onto the level that was shown."""
    account = await signed_in(update, context)
    pressed = RestockAs.of(update)
    move = await context.run(
        receive_stock,
        pressed.sku,
        pressed.quantity,
        note=pressed.note,
        expected_level=pressed.seen,
        actor=f"staff:{account.username}",
        store=context.shop.store,
    )
    await show(update, "📦 Restocked. " + _moved(move))
    return None


@polite
async def adjust(update: Update, context: ShopContext) -> str | None:
    """/adjust SKU ±QTY REASON [NOTE]: damaged, lost, or a correction."""
    account = await signed_in(update, context)
    sku, qty, reason, *note = _args(context, "adjust", 3)
    why = adjustment_reason(reason)
    if why is None:
        raise InvalidInput(f"“{reason[:20]}” is not a reason I know. " + USAGE["adjust"])
    move = await context.run(
        adjust_stock,
        sku,
        parse_quantity(qty),
        why,
        note=" ".join(note),
        actor=f"staff:{account.username}",
        store=context.shop.store,
    )
    await say(update, f"✏️ Adjusted ({why.value}). " + _moved(move))
    return None


@polite
async def count(update: Update, context: ShopContext) -> str | None:
    """/count SKU QTY: what is on the shelf, recorded as a correction."""
    account = await signed_in(update, context)
    sku, qty, *note = _args(context, "count", 2)
    move = await context.run(
        count_stock,
        sku,
        parse_quantity(qty),
        note=" ".join(note),
        actor=f"staff:{account.username}",
        store=context.shop.store,
    )
    await say(
        update,
        "✅ The count matches: nothing to change."
        if move is None
        else "🧮 Counted. " + _moved(move),
    )
    return None


@polite
async def set_price(update: Update, context: ShopContext) -> str | None:
    await signed_in(update, context)
    sku, price = _args(context, "setprice", 2)[:2]
    store = context.shop.store
    product = await context.run(
        catalogue.update_product, sku, {"price_minor": store.currency.parse(price)}
    )
    price_text = store.currency.format(product.price_minor)
    await say(update, f"💶 {esc(product.name)} now costs {price_text} per {product.unit.value}.")
    return None


@polite
async def set_threshold(update: Update, context: ShopContext) -> str | None:
    await signed_in(update, context)
    sku, qty = _args(context, "setthreshold", 2)[:2]
    value: Decimal | None = None if qty.lower() == "default" else parse_quantity(qty)
    product = await context.run(catalogue.update_product, sku, {"low_stock_threshold": value})
    store = context.shop.store
    threshold = format_quantity(
        product.threshold(store.default_low_stock_threshold), product.unit.value
    )
    await say(update, f"🔔 {esc(product.name)} counts as low at {threshold} or less.")
    return None


async def _set_active(update: Update, context: ShopContext, active: bool) -> None:
    await signed_in(update, context)
    sku = _args(context, "unarchive" if active else "archive", 1)[0]
    product = await context.run(catalogue.set_active, sku, active)
    await say(
        update,
        f"{esc(product.name)} is back on sale."
        if active
        else f"🗄 {esc(product.name)} is archived: hidden from customers, history kept.",
    )


@polite
async def archive(update: Update, context: ShopContext) -> str | None:
    await _set_active(update, context, False)
    return None


@polite
async def unarchive(update: Update, context: ShopContext) -> str | None:
    await _set_active(update, context, True)
    return None


STAFF = Role.STAFF
FEATURE = Feature(
    commands=[
        Command(
            "stock",
            stock_command,
            STAFF,
            "Stock levels: /stock [TEXT or SKU]",
            "/stock [TEXT or SKU] – levels, or one item's last changes: /stock rice",
        ),
        Command("restock", restock, STAFF, "Goods in: /restock SKU QTY [NOTE]", USAGE["restock"]),
        Command(
            "adjust",
            adjust,
            STAFF,
            "Damaged, lost, correction: /adjust SKU ±QTY REASON",
            USAGE["adjust"],
        ),
        Command("count", count, STAFF, "Counted level: /count SKU QTY", USAGE["count"]),
        Command("setprice", set_price, STAFF, "/setprice SKU PRICE", USAGE["setprice"]),
        Command(
            "setthreshold", set_threshold, STAFF, "/setthreshold SKU QTY", USAGE["setthreshold"]
        ),
        Command("archive", archive, STAFF, "/archive SKU", USAGE["archive"]),
        Command("unarchive", unarchive, STAFF, "/unarchive SKU", USAGE["unarchive"]),
    ],
    presses=[Press(StockPage, stock_page, STAFF), Press(RestockAs, restock_suggested, STAFF)],
)
