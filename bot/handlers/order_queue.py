"""Staff work the order queue: /orders, /order CODE, and a button for each allowed move.

A button carries the status it was pressed on: when two staff press at once, the second is
told the order already moved instead of having a different move applied. Behind the guard.
"""

from __future__ import annotations

from html import escape as esc

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.domain.errors import InvalidInput, OrderAlreadyMoved
from bot.domain.orders import Actor, FulfilmentKind, Order, OrderStatus, allowed_next
from bot.domain.prompts import Prompt, PromptKind
from bot.domain.quantity import format_quantity
from bot.domain.services import orders, prompts
from bot.domain.store import Store
from bot.handlers.access import signed_in
from bot.handlers.callbacks import parse
from bot.handlers.context import ShopContext, user_id_of
from bot.handlers.screens import polite, say, show
from bot.handlers.views import button, slot_label

PAGE = 5
SHORT = {
    OrderStatus.PLACED: "pl",
    OrderStatus.ACCEPTED: "ac",
    OrderStatus.READY: "rd",
    OrderStatus.OUT_FOR_DELIVERY: "od",
    OrderStatus.COMPLETED: "cp",
    OrderStatus.CANCELLED: "cx",
}
FROM_SHORT = {short: status for status, short in SHORT.items()}
LABELS = {
    OrderStatus.ACCEPTED: "✅ Accept",
    OrderStatus.READY: "🛍 Ready for pickup",
    OrderStatus.OUT_FOR_DELIVERY: "🚚 Out for delivery",
    OrderStatus.COMPLETED: "🏁 Completed",
    OrderStatus.CANCELLED: "❌ Cancel…",
}


def move_button(code: str, current: OrderStatus, target: OrderStatus) -> InlineKeyboardButton:
    return button(LABELS[target], "so", code, SHORT[current], SHORT[target])


def order_keyboard(order: Order) -> InlineKeyboardMarkup | None:
    moves = allowed_next(order.status, order.fulfilment.kind, Actor.STAFF)
    if not moves:
        return None
    return InlineKeyboardMarkup([[move_button(order.code, order.status, m) for m in moves]])


def new_order_keyboard(code: str) -> InlineKeyboardMarkup:
    """For the new-order message: the moves any placed order allows."""
    return InlineKeyboardMarkup(
        [
            [
                move_button(code, OrderStatus.PLACED, OrderStatus.ACCEPTED),
                move_button(code, OrderStatus.PLACED, OrderStatus.CANCELLED),
            ],
            [button("🔎 Details", "so", code, "view")],
        ]
    )


def order_card(order: Order, store: Store, *, with_history: bool = False) -> str:
    placed = order.placed_at.astimezone(store.timezone).strftime("%a %d %b %H:%M")
    lines = [f"<b>Order {order.code}</b> · {placed} · <b>{order.status.label}</b>"]
    lines += [
        f"• {esc(li.name)} ({esc(li.sku)}) — {format_quantity(li.quantity, li.unit)}"
        for li in order.lines
    ]
    f = order.fulfilment
    if f.kind is FulfilmentKind.DELIVERY:
        lines.append(f"🚚 Deliver to {esc(f.address or '')}")
    elif f.pickup_slot is not None:
        lines.append(f"🏪 Pickup {slot_label(f.pickup_slot, store)}")
    lines.append(f"📞 {esc(order.phone)}")
    if order.note:
        lines.append(f"📝 {esc(order.note)}")
    lines.append(f"Total {store.currency.format(order.total_minor)}")
    if with_history:
        lines.append("\n<b>History</b>")
        for change in order.history:
            when = change.at.astimezone(store.timezone).strftime("%d %b %H:%M")
            why = f": {esc(change.reason)}" if change.reason else ""
            lines.append(f"{when} {change.status.label} by {esc(change.actor)}{why}")
    return "\n".join(lines)


@polite
async def list_orders(update: Update, context: ShopContext) -> str | None:
    """/orders: open orders, oldest first, one message each with its buttons."""
    await signed_in(update, context)
    pressed = parse(update.callback_query.data if update.callback_query else None)
    offset = (pressed.int_arg(1) or 0) if pressed else 0
    found = await context.run(orders.open_orders, limit=PAGE + 1, offset=offset)
    if not found and offset == 0:
        await say(update, "No open orders right now. 🎉")
        return None
    store = context.shop.store
    for order in found[:PAGE]:
        await say(update, order_card(order, store), order_keyboard(order))
    if len(found) > PAGE:
        await say(
            update,
            "More open orders are waiting.",
            InlineKeyboardMarkup([[button("Show more", "so", "list", offset + PAGE)]]),
        )
    return None


@polite
async def show_order(update: Update, context: ShopContext) -> str | None:
    """/order CODE: one order with its history."""
    await signed_in(update, context)
    if not context.args:
        raise InvalidInput("Usage: /order CODE, e.g. /order K7Q2MZ4P")
    order = await context.run(orders.find_order, context.args[0])
    await say(
        update, order_card(order, context.shop.store, with_history=True), order_keyboard(order)
    )
    return None


@polite
async def press_move(update: Update, context: ShopContext) -> str | None:
    """A move button: apply it if the order is still where the presser saw it."""
    account = await signed_in(update, context)
    pressed = parse(update.callback_query.data if update.callback_query else None)
    assert pressed is not None
    code, store = pressed.arg(0), context.shop.store
    if pressed.arg(1) == "view":
        order = await context.run(orders.find_order, code)
        await show(update, order_card(order, store, with_history=True), order_keyboard(order))
        return None
    expected, target = FROM_SHORT.get(pressed.arg(1)), FROM_SHORT.get(pressed.arg(2))
    if expected is None or target is None:
        raise InvalidInput("That button is out of date; send /orders for a fresh list.")
    if target is OrderStatus.CANCELLED:
        await context.run(
            prompts.ask,
            user_id_of(update),
            PromptKind.CANCEL_REASON,
            "reason",
            {"code": code, "expected": expected.value},
        )
        await say(
            update,
            f"Why is order {esc(code)} cancelled? Type the reason; the customer "
            "will read it. (/cancel to keep the order)",
        )
        return None
    assert account.id is not None
    try:
        order = await context.run(
            orders.move_order, account.id, code, target, expected=expected, store=store
        )
    except OrderAlreadyMoved:
        fresh = await context.run(orders.find_order, code)
        await show(update, order_card(fresh, store), order_keyboard(fresh))
        raise
    await show(update, order_card(order, store), order_keyboard(order))
    return f"Order {order.code}: {order.status.label}. The customer is told."


async def take_reason(update: Update, context: ShopContext, prompt: Prompt) -> None:
    """The typed reason for cancelling: then the order is cancelled and its stock returns."""
    message = update.effective_message
    if message is None or not message.text:
        await say(update, "Please type the reason, or /cancel to keep the order.")
        return
    account = await signed_in(update, context)
    assert account.id is not None
    store, code = context.shop.store, prompt.data["code"]
    await context.run(prompts.drop, user_id_of(update))
    try:
        order = await context.run(
            orders.move_order,
            account.id,
            code,
            OrderStatus.CANCELLED,
            reason=message.text,
            store=store,
            expected=OrderStatus(prompt.data["expected"]),
        )
    except (OrderAlreadyMoved, InvalidInput) as refused:
        await say(update, esc(str(refused)))
        return
    await say(
        update, order_card(order, store) + "\nStock is back on the shelf; the customer is told."
    )


def build_handlers() -> list[BaseHandler[Update, ShopContext, None]]:
    return [
        CommandHandler("orders", list_orders),
        CommandHandler("order", show_order),
        CallbackQueryHandler(list_orders, pattern=r"^so:list:"),
        CallbackQueryHandler(press_move, pattern=r"^so:"),
    ]
