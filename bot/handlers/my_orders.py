"""My orders: the list, one order, cancel while placed, reorder."""

from __future__ import annotations

from html import escape as esc

from telegram import InlineKeyboardMarkup, Update

from bot.domain.orders import Order, OrderStatus, PaymentState, StatusNews
from bot.domain.services import orders
from bot.domain.services.buy_again import order_again
from bot.domain.services.cart import view_cart
from bot.domain.store import Store
from bot.domain.waiting import WaitingKind
from bot.handlers import payments
from bot.handlers.button_kinds import Menu, MyOrder, MyOrdersPage, OrderAction, Screen
from bot.handlers.context import ShopContext, customer_of
from bot.handlers.notification_texts import Rendered, renders
from bot.handlers.payment_views import payment_note
from bot.handlers.routes import Command, Feature, Press
from bot.handlers.screens import polite, say, show
from bot.handlers.views import (
    PAGE_SIZE,
    STATUS_NEWS,
    button,
    cancel_question,
    cart_screen,
    delivery_code_line,
    order_screen,
    orders_screen,
    pickup_code_line,
    reason_text,
)
from bot.handlers.waiting import honest_notice
from bot.i18n import Texts, said


@renders(StatusNews)
def status_text(t: Texts, news: StatusNews, store: Store) -> Rendered:
    """The customer's message that their order moved on (its pickup code's QR image goes with
    it: bot.handlers.notifications)."""
    lines = ["📦 " + t(STATUS_NEWS[news.status], code=f"<b>{esc(news.order_code)}</b>")]
    if news.reason:
        lines.append(t("Reason: {reason}", reason=reason_text(t, news.reason)))
    if news.pickup_code:
        lines.append(pickup_code_line(t, news.pickup_code))
    elif news.delivery_code:  # told, not scanned: no QR image
        lines.append(delivery_code_line(t, news.delivery_code))
    if news.status is OrderStatus.CANCELLED:
        if news.money is not None and news.money.payment is PaymentState.PAID:
            lines.append("↩️ " + t("The store will refund your payment."))
    elif note := payment_note(t, news.money, news.status):
        lines.append(note)
    view = MyOrder(OrderAction.VIEW, news.order_code)
    return "\n".join(lines), InlineKeyboardMarkup([[button(t("View order"), view)]])


async def _order_screen(
    update: Update, context: ShopContext, order: Order
) -> tuple[str, InlineKeyboardMarkup]:
    """The order's card; a placed one says when the shop will see it, as it did when it was
    placed (closed: when it opens), never "shortly" while nobody can."""
    t = context.texts(update)
    status = ""
    if order.status is OrderStatus.PLACED and not order.payment.awaits_payment:
        status = await honest_notice(context, t, WaitingKind.ORDER)
    return order_screen(t, order, context.shop.store, status=status)


async def _list(update: Update, context: ShopContext, offset: int) -> None:
    found = await context.run(
        orders.my_orders, customer_of(update), limit=PAGE_SIZE + 1, offset=offset
    )
    text, keyboard = orders_screen(
        context.texts(update), found[:PAGE_SIZE], context.shop.store, offset, len(found) > PAGE_SIZE
    )
    await show(update, text, keyboard)


@polite
async def my_orders_command(update: Update, context: ShopContext) -> str | None:
    """/myorders: recent orders, newest first."""
    await _list(update, context, 0)
    return None


@polite
async def show_orders(update: Update, context: ShopContext) -> str | None:
    page = MyOrdersPage.unpack(update.callback_query.data if update.callback_query else None)
    await _list(update, context, page.offset if page else 0)
    return None


@polite
async def order_action(update: Update, context: ShopContext) -> str | None:
    """View, cancel or reorder; the code must name one of the presser's orders."""
    pressed = MyOrder.of(update)
    action, code, who = pressed.action, pressed.code, customer_of(update)
    store = context.shop.store
    if action is OrderAction.CANCEL:
        found = await context.run(orders.order_to_cancel, who, code)
        if isinstance(found, orders.Refused):  # moved on since the card was drawn
            await show(update, *await _order_screen(update, context, found.order))
            raise found.why
        await show(update, *cancel_question(context.texts(update), found, store))
        return None
    if action is OrderAction.CANCEL_CONFIRMED:
        order = await context.run(orders.cancel_my_order, who, code, store=store)
        await show(update, *await _order_screen(update, context, order))
        t = context.texts(update)
        return t("Your order is cancelled.")
    if action is OrderAction.PAY:
        await payments.pay_again(update, context, code)
        t = context.texts(update)
        return t("Here is your invoice.")
    if action is OrderAction.REORDER:
        result = await context.run(order_again, who, code, max_per_item=store.max_per_item)
        t = context.texts(update)
        lines = []
        if result.added:
            lines.append(t("Back in your cart: {names}.", names=", ".join(result.added)))
        if result.left_out:
            left_out = "; ".join(t.words(words) for words in result.left_out)
            lines.append(t("Left out: {items}.", items=left_out))
        lines += [t.words(words) for words in result.capped]
        cart = await context.run(view_cart, who)
        await say(update, *cart_screen(context.texts(update), cart, store, notice="\n".join(lines)))
        return None
    order = await context.run(orders.my_order, who, code)
    await show(update, *await _order_screen(update, context, order))
    return None


FEATURE = Feature(
    commands=[Command("myorders", my_orders_command, menu=said("Your orders"))],
    presses=[
        Press(Menu, show_orders, only=Menu(Screen.ORDERS)),
        Press(MyOrdersPage, show_orders),
        Press(MyOrder, order_action),
    ],
)
