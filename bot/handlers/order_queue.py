"""Staff work the order queue: /orders, /order CODE, and a button for each allowed move.

A button carries the status it was pressed on: when two staff press at once, the second is
told the order already moved instead of having a different move applied. Behind the guard.
"""

from __future__ import annotations

from html import escape as esc

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.domain import permissions
from bot.domain.customers import show_phone
from bot.domain.errors import InvalidInput, OrderAlreadyMoved
from bot.domain.order_moves import DELIVERED_PAID, move_label, staff_moves
from bot.domain.orders import (
    CANCELLED_BY_CUSTOMER,
    MAX_REASON,
    FulfilmentKind,
    NewOrderAlert,
    Order,
    OrderCancelledAlert,
    OrderLine,
    OrderStatus,
    actor_label,
    cancel_reason,
    clean_reason,
)
from bot.domain.payments import TAKEN_AT_HANDOVER
from bot.domain.picking import PICKABLE, paid_in_telegram, to_collect
from bot.domain.prompts import CancelDraft, Prompt, PromptKind
from bot.domain.services import orders, prompts, waiting
from bot.domain.store import Store
from bot.domain.text import said
from bot.handlers.access import signed_in
from bot.handlers.button_kinds import (
    AskDeliveryCode,
    DeliveredPaid,
    MoreOrders,
    MoveOrder,
    OrderDetails,
    PickOrder,
)
from bot.handlers.context import ShopContext, user_id_of
from bot.handlers.notification_texts import Rendered, renders
from bot.handlers.payment_views import money_in, payment_line, payment_note
from bot.handlers.routes import Command, Feature, Press
from bot.handlers.screens import TYPE_AGAIN, polite, refused_then, say, show
from bot.handlers.views import button, promo_line, reason_text, slot_label, window_label
from bot.i18n import Texts

PAGE = 5
# A change in an order's history: "Accepted by clerk", "Cancelled by Ann".
CHANGED_BY = {
    OrderStatus.PLACED: said("Placed by {who}"),
    OrderStatus.ACCEPTED: said("Accepted by {who}"),
    OrderStatus.READY: said("Ready by {who}"),
    OrderStatus.OUT_FOR_DELIVERY: said("Out for delivery by {who}"),
    OrderStatus.COMPLETED: said("Completed by {who}"),
    OrderStatus.CANCELLED: said("Cancelled by {who}"),
}


def move_button(
    t: Texts,
    code: str,
    current: OrderStatus,
    target: OrderStatus,
    kind: FulfilmentKind = FulfilmentKind.PICKUP,
) -> InlineKeyboardButton:
    return button(t(move_label(target, kind)), MoveOrder(code, current, target))


def order_keyboard(t: Texts, order: Order) -> InlineKeyboardMarkup | None:
    kind = order.fulfilment.kind
    can = staff_moves(order)
    # A delivery with a code is completed by the code its customer gives the courier
    # (bot.handlers.handover); a pickup, by /handover with the customer's code.
    by_code = can.by_code and kind is FulfilmentKind.DELIVERY
    if not can.moves and not can.paid_there and not by_code:
        return None
    buttons = [move_button(t, order.code, order.status, m, kind) for m in can.moves]
    # Paid at the door, or paid in Telegram for less than the picking came to: completed with
    # how the money was taken there, in one tap (bot.handlers.handover).
    if can.paid_there:
        buttons[:0] = [
            button(t(DELIVERED_PAID[way]), DeliveredPaid(order.code, way))
            for way in TAKEN_AT_HANDOVER
        ]
    if by_code:
        buttons.append(button("🔑 " + t("Type the delivery code…"), AskDeliveryCode(order.code)))
    rows = [buttons]
    if order.status in PICKABLE and not order.payment.awaits_payment:
        rows.append([button("⚖️ " + t("Picking…"), PickOrder(order.code))])
    return InlineKeyboardMarkup(rows)


def new_order_keyboard(t: Texts, code: str) -> InlineKeyboardMarkup:
    """For the new-order message: the moves any placed order allows."""
    return InlineKeyboardMarkup(
        [
            [
                move_button(t, code, OrderStatus.PLACED, OrderStatus.ACCEPTED),
                move_button(t, code, OrderStatus.PLACED, OrderStatus.CANCELLED),
            ],
            [button(t("🔎 Details"), OrderDetails(code))],
        ]
    )


@renders(NewOrderAlert)
def new_order_text(t: Texts, alert: NewOrderAlert, store: Store) -> Rendered:
    """Everything needed to start on the order from the alert itself (older alerts, queued
    before these facts were kept, show what they have), with the moves a placed order allows."""
    code = esc(alert.order_code)
    heading = (
        t("New order <b>{code}</b> from <b>{name}</b>", code=code, name=esc(alert.customer))
        if alert.customer
        else t("New order <b>{code}</b>", code=code)
    )
    lines = [f"🆕 {heading}"]
    for item in alert.items:
        lines.append(f"• {esc(item.name)} — {esc(t.quantity(item.quantity, item.unit))}")
    if alert.money is not None:
        total = money_in(t, alert.money.total_minor, alert.money.currency)
        lines.append(t("Total: {total}", total=total))
    if alert.address:
        lines.append("🚚 " + t("Deliver to {address}", address=esc(alert.address)))
        if alert.delivery_from and alert.delivery_until:
            window = (alert.delivery_from, alert.delivery_until)
            lines.append(
                "🕐 " + t("Delivery time: {window}", window=window_label(t, window, store))
            )
    elif alert.pickup_slot:
        lines.append("🏪 " + t("Pickup {when}", when=slot_label(t, alert.pickup_slot, store)))
    if alert.note:
        lines.append(f"📝 {esc(alert.note)}")
    if note := payment_note(t, alert.money):
        lines.append(note)
    return "\n".join(lines), new_order_keyboard(t, alert.order_code)


@renders(OrderCancelledAlert)
def cancelled_text(t: Texts, alert: OrderCancelledAlert, store: Store) -> Rendered:
    """The staff's message that a customer cancelled their order."""
    who = esc(alert.customer or t("the customer"))
    code = esc(alert.order_code)
    return "❌ " + t("Order <b>{code}</b> was cancelled by {who}.", code=code, who=who), None


def picked_note(t: Texts, line: OrderLine) -> str:
    """What a line held when ordered, once picking changed it (bot.domain.picking)."""
    if line.ordered_name is not None:
        return " · 🔁 " + t("instead of {name}", name=esc(line.ordered_name))
    if line.ordered_quantity is not None and line.ordered_quantity != line.quantity:
        return " · ⚖️ " + t("ordered {amount}", amount=t.quantity(line.ordered_quantity, line.unit))
    return ""


def order_card(t: Texts, order: Order, store: Store, *, with_history: bool = False) -> str:
    placed = t.moment(order.placed_at.astimezone(store.timezone))
    status = str(t.shown(order.status)).capitalize()
    lines = [t("<b>Order {code}</b>", code=order.code) + f" · {placed} · <b>{status}</b>"]
    lines += [
        f"• {esc(li.name)} ({esc(li.sku)}) — {t.quantity(li.quantity, li.unit)}"
        + picked_note(t, li)
        for li in order.lines
    ]
    f = order.fulfilment
    if f.kind is FulfilmentKind.DELIVERY:
        lines.append("🚚 " + t("Deliver to {address}", address=esc(f.address or "")))
        if f.window is not None:
            when = window_label(t, f.window, store)
            lines.append("🕐 " + t("Delivery time: {window}", window=when))
    elif f.pickup_slot is not None:
        lines.append("🏪 " + t("Pickup {when}", when=slot_label(t, f.pickup_slot, store)))
    if order.phone:
        who = f"👤 {esc(order.customer_name)} · " if order.customer_name else ""
        lines.append(f"{who}📞 {esc(show_phone(order.phone, store.country))}")
    else:  # every order has a phone number until its customer is erased (/forgetme)
        lines.append("👤 " + t("Personal data erased at the customer's request"))
    if order.note:
        lines.append(f"📝 {esc(order.note)}")
    if order.promo is not None:
        lines.append(promo_line(t, order.promo.code, order.discount_minor, store))
    lines.append(t("Total {total}", total=t.money(order.total_minor, store.currency)))
    lines.append(payment_line(t, order, store, for_staff=True))
    done = order.status is OrderStatus.COMPLETED  # then the payment line says how it was taken
    if paid_in_telegram(order) and (extra := to_collect(order)) and not done:
        more = t.money(extra, store.currency)
        lines.append("💶 " + t("To collect at the hand-over: {amount}", amount=more))
    if order.changes_untold:
        lines.append("📣 " + t("The customer has not been told of these changes yet."))
    if order.status is OrderStatus.READY and f.kind is FulfilmentKind.PICKUP:
        lines.append("🤝 " + t("Scan the customer's QR code, or /handover CODE, to hand it over."))
    if order.status is OrderStatus.OUT_FOR_DELIVERY and order.has_delivery_code:
        lines.append(
            "🔑 "
            + t(
                "The customer has a delivery code: the courier asks for it and types it "
                "after 🔑 Type the delivery code (or sends /handover CODE) to complete the "
                "delivery."
            )
        )
    if with_history:
        lines.append("\n" + t("<b>History</b>"))
        for change in order.history:
            at = change.at.astimezone(store.timezone)
            by = str(t.shown(actor_label(change.actor, order.customer_name)))
            # "cancelled by the customer" says nothing the line does not already say
            told = change.reason and cancel_reason(change.reason) is not CANCELLED_BY_CUSTOMER
            why = f": {reason_text(t, change.reason)}" if told else ""
            moved = t(CHANGED_BY[change.status], who=esc(by))
            lines.append(f"{t.short_date(at.date())} {at:%H:%M} {moved}{why}")
    return "\n".join(lines)


def card(update: Update, context: ShopContext, order: Order, *, with_history: bool = False) -> str:
    """The order's card in the words of the staff member reading it."""
    t = context.texts(update)
    return order_card(t, order, context.shop.store, with_history=with_history)


@polite
async def list_orders(update: Update, context: ShopContext) -> str | None:
    """/orders: open orders, oldest first, one message each with its buttons."""
    more = MoreOrders.unpack(update.callback_query.data if update.callback_query else None)
    offset = more.offset if more else 0
    found = await context.run(waiting.order_queue, limit=PAGE + 1, offset=offset)
    t = context.texts(update)
    if not found and offset == 0:
        await say(update, t("No open orders right now.") + " 🎉")
        return None
    for order in found[:PAGE]:
        await say(
            update, card(update, context, order), order_keyboard(context.texts(update), order)
        )
    if len(found) > PAGE:
        await say(
            update,
            t("More open orders are waiting."),
            InlineKeyboardMarkup([[button(t("Show more"), MoreOrders(offset + PAGE))]]),
        )
    return None


@polite
async def show_details(update: Update, context: ShopContext) -> str | None:
    """The new-order message's Details button: the order with its history, in place."""
    order = await context.run(orders.find_order, OrderDetails.of(update).code)
    await show(
        update,
        card(update, context, order, with_history=True),
        order_keyboard(context.texts(update), order),
    )
    return None


@polite
async def show_order(update: Update, context: ShopContext) -> str | None:
    """/order CODE: one order with its history."""
    await signed_in(update, context)
    if not context.args:
        raise InvalidInput(said("Usage: /order CODE, e.g. /order K7Q2MZ4P"))
    order = await context.run(orders.find_order, context.args[0])
    await say(
        update,
        card(update, context, order, with_history=True),
        order_keyboard(context.texts(update), order),
    )
    return None


@polite
async def press_move(update: Update, context: ShopContext) -> str | None:
    """A move button: apply it if the order is still where the presser saw it."""
    account = await signed_in(update, context)
    pressed = MoveOrder.of(update)
    code, store = pressed.code, context.shop.store
    expected, target = pressed.seen, pressed.target
    if target is OrderStatus.CANCELLED:
        # A stale card: say where the order is now before asking for any reason.
        found = await context.run(orders.order_still_at, code, expected)
        if isinstance(found, orders.Refused):
            await show(
                update,
                card(update, context, found.order),
                order_keyboard(context.texts(update), found.order),
            )
            raise found.why
        await context.run(
            prompts.ask,
            user_id_of(update),
            PromptKind.CANCEL_REASON,
            "reason",
            CancelDraft(code, expected),
        )
        t = context.texts(update)
        await say(
            update,
            t(
                "Why is order {code} cancelled? Type the reason (at most {limit} characters); "
                "the customer will read it. (/cancel to keep the order)",
                code=esc(code),
                limit=MAX_REASON,
            ),
        )
        return None
    assert account.id is not None
    try:
        order = await context.run(
            orders.move_order, account.id, code, target, expected=expected, store=store
        )
    except OrderAlreadyMoved:
        fresh = await context.run(orders.find_order, code)
        await show(
            update, card(update, context, fresh), order_keyboard(context.texts(update), fresh)
        )
        raise
    await show(update, card(update, context, order), order_keyboard(context.texts(update), order))
    t = context.texts(update)
    return t("Order {code}: {status}. The customer is told.", code=order.code, status=order.status)


async def take_reason(update: Update, context: ShopContext, prompt: Prompt) -> None:
    """The typed reason for cancelling: then the order is cancelled and its stock returns."""
    message, t = update.effective_message, context.texts(update)
    if message is None or not message.text:
        await say(update, t("Please type the reason, or /cancel to keep the order."))
        return
    account = await signed_in(update, context)
    assert account.id is not None
    draft = prompt.draft
    assert isinstance(draft, CancelDraft)
    store, code = context.shop.store, draft.order_code
    try:
        reason = clean_reason(message.text)
    except InvalidInput as refused:  # the question stays open for a shorter reason
        await say(update, refused_then(t, refused, t(TYPE_AGAIN)))
        return
    await context.run(prompts.drop, user_id_of(update))
    try:
        order = await context.run(
            orders.move_order,
            account.id,
            code,
            OrderStatus.CANCELLED,
            reason=reason,
            store=store,
            expected=draft.seen,
        )
    except (OrderAlreadyMoved, InvalidInput) as refused:
        await say(update, esc(t.refusal(refused)))
        return
    await say(
        update,
        card(update, context, order)
        + "\n"
        + t("Stock is back on the shelf; the customer is told."),
    )


FEATURE = Feature(
    commands=[
        Command(
            "orders",
            list_orders,
            permissions.ORDERS,
            said("Open orders"),
            said("/orders – open orders, oldest first, each with its buttons"),
        ),
        Command(
            "order",
            show_order,
            permissions.ORDERS,
            said("One order: /order CODE"),
            said("/order CODE – one order and its history: /order K7Q2MZ4P"),
        ),
    ],
    presses=[
        Press(MoreOrders, list_orders, permissions.ORDERS),
        Press(OrderDetails, show_details, permissions.ORDERS),
        Press(MoveOrder, press_move, permissions.ORDERS),
    ],
    answers={PromptKind.CANCEL_REASON: take_reason},
)
