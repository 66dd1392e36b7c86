"""Staff keep stock right from their phones: levels, deliveries, corrections, item details.

Behind the access guard: only logged-in staff reach these handlers."""

from __future__ import annotations

import re
from decimal import Decimal
from html import escape as esc

from telegram import InlineKeyboardMarkup, Update

from bot.domain import permissions
from bot.domain.catalogue import Product
from bot.domain.clock import utc_now
from bot.domain.errors import AmbiguousItem, InvalidInput, UnknownProduct
from bot.domain.orders import actor_label
from bot.domain.quantity import parse_quantity
from bot.domain.services import catalogue
from bot.domain.services.stock import (
    StockMove,
    adjust_stock,
    count_stock,
    named_item_among,
    receive_stock,
    stock_history,
)
from bot.domain.stock import MOVE_NAMES, adjustment_reason, adjustment_words
from bot.domain.store import Store
from bot.domain.text import UnitLabel
from bot.handlers.access import signed_in
from bot.handlers.button_kinds import RestockAs, StockPage
from bot.handlers.context import ShopContext
from bot.handlers.routes import Command, Feature, Press
from bot.handlers.screens import polite, say, show
from bot.handlers.views import button, offer_note, unit_price
from bot.i18n import Texts, said

PAGE = 15
USAGE = {
    "restock": said(
        "Usage: /restock SKU QTY [NOTE], e.g. /restock RICE-1KG 12 invoice 4411 (the item's "
        "name works instead of its SKU: /restock greek yoghurt 6)"
    ),
    "adjust": said(
        "Usage: /adjust SKU ±QTY REASON [NOTE], REASON being one of: {reasons}; e.g. "
        "/adjust EGGS-6 -2 {damaged} dropped box (the item's name works instead of its SKU)"
    ),
    "count": said(
        "Usage: /count SKU QTY, the quantity you counted on the shelf (the item's name works "
        "instead of its SKU)"
    ),
    "setprice": said("Usage: /setprice SKU PRICE, e.g. /setprice RICE-1KG 3.79"),
    "setthreshold": said("Usage: /setthreshold SKU QTY (or default), e.g. /setthreshold MILK-1L 8"),
    "archive": said("Usage: /archive SKU"),
    "unarchive": said("Usage: /unarchive SKU"),
}


def _marker(product: Product, store: Store) -> str:
    if not product.active:
        return "🗄"
    if product.stock <= 0:
        return "🔴"
    return "🟠" if product.is_low(store.default_low_stock_threshold) else "🟢"


def _line(t: Texts, product: Product, store: Store) -> str:
    unit = product.unit.value
    threshold = product.threshold(store.default_low_stock_threshold)
    level = t(
        "{level} (min {threshold})",
        level=t.quantity(product.stock, unit),
        threshold=t.quantity(threshold, unit),
    )
    return f"{_marker(product, store)} <code>{esc(product.sku)}</code> {esc(product.name)}: {level}"


async def _levels(update: Update, context: ShopContext, text: str, offset: int) -> None:
    store, t = context.shop.store, context.texts(update)
    page = await context.run(catalogue.stock_levels, text, offset=offset, limit=PAGE)
    if page.total == 0:
        await say(update, t("No item matches “{text}”.", text=esc(text)))
        return
    items = t.plural("{n} item", "{n} items", page.total)
    head = (
        t("<b>Stock</b> for “{text}”: {items}", text=esc(text), items=items)
        if text
        else t("<b>Stock</b>: {items}", items=items)
    )
    legend = t("🔴 sold out · 🟠 low · 🗄 archived")
    lines = [head, legend, *(_line(t, p, store) for p in page.items)]
    nav = []
    if page.has_previous:
        nav.append(button(t("‹ Previous"), StockPage(max(offset - PAGE, 0), text[:30])))
    if page.has_next:
        nav.append(button(t("Next ›"), StockPage(offset + PAGE, text[:30])))
    keyboard = InlineKeyboardMarkup([nav]) if nav else None
    await show(update, "\n".join(lines), keyboard)


async def _item(update: Update, context: ShopContext, sku: str) -> None:
    store, t = context.shop.store, context.texts(update)
    product, rows = await context.run(stock_history, sku, limit=10)
    unit = product.unit.value
    lines = [_line(t, product, store), unit_price(t, product, store)]
    offer = offer_note(t, product, store, utc_now())
    if offer is not None:
        lines.append(offer)
    lines.append("\n" + (t("<b>Last changes</b>") if rows else t("No stock changes yet.")))
    for row in rows:
        at = row.at.astimezone(store.timezone)
        note = f" – {esc(t.ledger_note(row.note))}" if row.note else ""
        change = t(
            "{when} {change} {reason} → {level} by {who}",
            when=f"{t.short_date(at.date())} {at:%H:%M}",
            change=t.change(row.change, unit),
            reason=t(MOVE_NAMES[row.reason]),
            level=t.quantity(row.resulting_level, unit),
            who=esc(str(t.shown(actor_label(row.actor)))),
        )
        lines.append(change + note)
    await say(update, "\n".join(lines))


@polite
async def stock_command(update: Update, context: ShopContext) -> str | None:
    """/stock lists levels; /stock TEXT filters; /stock SKU shows one item's history."""
    await signed_in(update, context)
    text = " ".join(context.args or []).strip()
    if text:  # a SKU, or a name only one item fits: that item; otherwise a filter
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


def adjust_words(language: str) -> dict[str, object]:
    """/adjust's usage line lists its reasons in the reader's own words."""
    words = adjustment_words(language)
    return {"reasons": ", ".join(words), "damaged": words[0]}


def _usage(update: Update, context: ShopContext, command: str) -> InvalidInput:
    if command == "adjust":
        return InvalidInput(USAGE[command], **adjust_words(context.texts(update).language))
    return InvalidInput(USAGE[command])


def _args(update: Update, context: ShopContext, command: str, minimum: int) -> list[str]:
    args = list(context.args or [])
    if len(args) < minimum:
        raise _usage(update, context, command)
    return args


# A typed quantity, signed or not, with a decimal point or comma ("6", "-0,5", "+1.25").
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d*)?")


async def _item_then_quantity(
    update: Update, context: ShopContext, command: str
) -> tuple[str, str, list[str]]:
    """The item (a SKU, or a name with spaces: "greek yoghurt"), its quantity and the words
    after it. The quantity is the first number after the item's first word, unless a longer
    reading names an item exactly ("/restock coca 33 cl 24": 24 of "Coca 33 cl")."""
    args = _args(update, context, command, 2)
    numbers = [i for i in range(1, len(args)) if _NUMBER.fullmatch(args[i])]
    if not numbers:
        if len(args) > 2:  # words and no number: the quantity is missing
            raise _usage(update, context, command)
        numbers = [1]  # "/restock EGGS lots": that is not a quantity
    if len(numbers) > 1:
        refs = [" ".join(args[:i]) for i in numbers]
        numbers = [numbers[await context.run(named_item_among, refs)]]
    at = numbers[0]
    return " ".join(args[:at]), args[at], args[at + 1 :]


def _moved(t: Texts, move: StockMove) -> str:
    product, unit = move.product, move.product.unit.value
    sign = "+" if move.entry.change > 0 else ""
    return t(
        "{name}: {change}, now {level} on hand.",
        name=esc(product.name),
        change=sign + t.quantity(move.entry.change, unit),
        level=t.quantity(move.entry.resulting_level, unit),
    )


def _restocked(t: Texts, move: StockMove) -> str:
    return "📦 " + t("Restocked.") + " " + _moved(t, move)


@polite
async def restock(update: Update, context: ShopContext) -> str | None:
    """/restock SKU QTY [NOTE]: goods received. A SKU that does not exist gets the closest
    items as buttons that restock them instead."""
    account = await signed_in(update, context)
    sku, qty, words = await _item_then_quantity(update, context, "restock")
    quantity, note, t = parse_quantity(qty), " ".join(words), context.texts(update)
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
        text = (
            t(
                "“{ref}” fits several items. Restock {amount} of which one?",
                ref=esc(unknown.ref),
                amount=esc(qty),
            )
            if isinstance(unknown, AmbiguousItem)
            else t(
                "There is no item {ref}. Restock {amount} of one of these?",
                ref=esc(unknown.ref),
                amount=esc(qty),
            )
        )
        await say(update, text, InlineKeyboardMarkup(rows))
        return None
    await say(update, _restocked(t, move))
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
    t = context.texts(update)
    await show(update, _restocked(t, move))
    return None


@polite
async def adjust(update: Update, context: ShopContext) -> str | None:
    """/adjust SKU ±QTY REASON [NOTE]: damaged, lost, or a correction."""
    account = await signed_in(update, context)
    sku, qty, after = await _item_then_quantity(update, context, "adjust")
    if not after:
        raise _usage(update, context, "adjust")
    reason, *note = after
    why = adjustment_reason(reason)
    if why is None:
        raise InvalidInput(
            said("“{reason}” is not a reason I know. {usage}"),
            reason=reason[:20],
            usage=_usage(update, context, "adjust").words,
        )
    move = await context.run(
        adjust_stock,
        sku,
        parse_quantity(qty),
        why,
        note=" ".join(note),
        actor=f"staff:{account.username}",
        store=context.shop.store,
    )
    t = context.texts(update)
    adjusted = t("Adjusted ({reason}).", reason=t(MOVE_NAMES[why]))
    await say(update, f"✏️ {adjusted} " + _moved(t, move))
    return None


@polite
async def count(update: Update, context: ShopContext) -> str | None:
    """/count SKU QTY: what is on the shelf, recorded as a correction."""
    account = await signed_in(update, context)
    sku, qty, note = await _item_then_quantity(update, context, "count")
    move = await context.run(
        count_stock,
        sku,
        parse_quantity(qty),
        note=" ".join(note),
        actor=f"staff:{account.username}",
        store=context.shop.store,
    )
    t = context.texts(update)
    await say(
        update,
        "✅ " + t("The count matches: nothing to change.")
        if move is None
        else "🧮 " + t("Counted.") + " " + _moved(t, move),
    )
    return None


@polite
async def set_price(update: Update, context: ShopContext) -> str | None:
    await signed_in(update, context)
    sku, price = _args(update, context, "setprice", 2)[:2]
    store = context.shop.store
    product = await context.run(
        catalogue.update_product, sku, {"price_minor": store.currency.parse(price)}
    )
    t = context.texts(update)
    costs = t(
        "{name} now costs {price} per {unit}.",
        name=esc(product.name),
        price=t.money(product.price_minor, store.currency),
        unit=UnitLabel(product.unit.value),
    )
    await say(update, f"💶 {costs}")
    return None


@polite
async def set_threshold(update: Update, context: ShopContext) -> str | None:
    await signed_in(update, context)
    sku, qty = _args(update, context, "setthreshold", 2)[:2]
    value: Decimal | None = None if qty.lower() == "default" else parse_quantity(qty)
    product = await context.run(catalogue.update_product, sku, {"low_stock_threshold": value})
    store, t = context.shop.store, context.texts(update)
    threshold = t.quantity(product.threshold(store.default_low_stock_threshold), product.unit.value)
    low = t(
        "{name} counts as low at {threshold} or less.", name=esc(product.name), threshold=threshold
    )
    await say(update, f"🔔 {low}")
    return None


async def _set_active(update: Update, context: ShopContext, active: bool) -> None:
    await signed_in(update, context)
    sku = _args(update, context, "unarchive" if active else "archive", 1)[0]
    product = await context.run(catalogue.set_active, sku, active)
    t, name = context.texts(update), esc(product.name)
    await say(
        update,
        t("{name} is back on sale.", name=name)
        if active
        else "🗄 " + t("{name} is archived: hidden from customers, history kept.", name=name),
    )


@polite
async def archive(update: Update, context: ShopContext) -> str | None:
    await _set_active(update, context, False)
    return None


@polite
async def unarchive(update: Update, context: ShopContext) -> str | None:
    await _set_active(update, context, True)
    return None


FEATURE = Feature(
    commands=[
        Command(
            "stock",
            stock_command,
            permissions.STOCK,
            said("Stock levels: /stock [TEXT or SKU]"),
            said("/stock [TEXT or SKU] – levels, or one item's last changes: /stock rice"),
        ),
        Command(
            "restock",
            restock,
            permissions.STOCK,
            said("Goods in: /restock SKU QTY [NOTE]"),
            USAGE["restock"],
        ),
        Command(
            "adjust",
            adjust,
            permissions.STOCK,
            said("Damaged, lost, correction: /adjust SKU ±QTY REASON"),
            USAGE["adjust"],
            words=adjust_words,
        ),
        Command(
            "count", count, permissions.STOCK, said("Counted level: /count SKU QTY"), USAGE["count"]
        ),
        Command(
            "setprice",
            set_price,
            permissions.CATALOGUE,
            said("New price: /setprice SKU PRICE"),
            USAGE["setprice"],
        ),
        Command(
            "setthreshold",
            set_threshold,
            permissions.CATALOGUE,
            said("Low-stock level: /setthreshold SKU QTY"),
            USAGE["setthreshold"],
        ),
        Command(
            "archive",
            archive,
            permissions.CATALOGUE,
            said("Stop selling: /archive SKU"),
            USAGE["archive"],
        ),
        Command(
            "unarchive",
            unarchive,
            permissions.CATALOGUE,
            said("Sell again: /unarchive SKU"),
            USAGE["unarchive"],
        ),
    ],
    presses=[
        Press(StockPage, stock_page, permissions.STOCK),
        Press(RestockAs, restock_suggested, permissions.STOCK),
    ],
)
