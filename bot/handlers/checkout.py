"""Checkout, one question at a time. The answers live in the database, not in this process:
a customer who stops halfway (or meets a restart) continues where they were."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape as esc

from telegram import KeyboardButton, Message, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.domain.checkout import CheckoutStep
from bot.domain.errors import CartChanged, DomainError, InvalidInput
from bot.domain.orders import FulfilmentKind
from bot.domain.services import checkout
from bot.domain.services.cart import view_cart
from bot.domain.services.checkout import CheckoutView, SlotGone
from bot.handlers.callbacks import parse
from bot.handlers.context import ShopContext, customer_of
from bot.handlers.screens import polite, say, sentence, show
from bot.handlers.views import cart_screen, checkout_prompt, order_screen

SHARE_PHONE = ReplyKeyboardMarkup(
    [[KeyboardButton("📱 Share my phone number", request_contact=True)]],
    resize_keyboard=True,
    one_time_keyboard=True,
    input_field_placeholder="+44 20 7946 0958",
)


async def _ask(update: Update, context: ShopContext, view: CheckoutView) -> None:
    """Put the question of the current step to the customer."""
    store = context.shop.store
    slots = checkout.offered_slots(store=store) if view.draft.step is CheckoutStep.SLOT else []
    text, keyboard = checkout_prompt(view, store, slots)
    if view.draft.step is CheckoutStep.PHONE:
        await say(update, text, SHARE_PHONE)
    else:
        await show(update, text, keyboard)  # edits a pressed message, else sends


@polite
async def begin(update: Update, context: ShopContext) -> str | None:
    """The cart's Checkout button (and /checkout): start or resume."""
    view = await context.run(checkout.start_checkout, customer_of(update), store=context.shop.store)
    await _ask(update, context, view)
    return None


@polite
async def choose(update: Update, context: ShopContext) -> str | None:
    """Buttons of the checkout: pickup/delivery, a slot, skip the note, change details."""
    pressed = parse(update.callback_query.data if update.callback_query else None)
    assert pressed is not None
    who, store, choice = customer_of(update), context.shop.store, pressed.arg(0)
    if choice in ("pickup", "delivery"):
        kind = FulfilmentKind.PICKUP if choice == "pickup" else FulfilmentKind.DELIVERY
        view = await context.run(checkout.choose_fulfilment, who, kind, store=store)
    elif choice == "slot":
        minutes = pressed.int_arg(1)
        if minutes is None:
            raise InvalidInput("That button is out of date; please pick a time again.")
        slot = datetime.fromtimestamp(minutes * 60, UTC)
        try:
            view = await context.run(checkout.choose_slot, who, slot, store=store)
        except SlotGone as gone:
            view = await context.run(checkout.start_checkout, who, store=store)
            await _ask(update, context, view)
            return str(gone)
    elif choice == "skip":
        view = await context.run(checkout.give_note, who, "", store=store)
    elif choice == "restart":
        view = await context.run(checkout.restart_checkout, who, store=store)
    else:
        raise InvalidInput("That button is out of date.")
    await _ask(update, context, view)
    return None


@polite
async def confirm(update: Update, context: ShopContext) -> str | None:
    """Place the order. If the shelf changed, show the corrected cart instead."""
    who, store = customer_of(update), context.shop.store
    try:
        order = await context.run(checkout.confirm_checkout, who, store=store)
    except CartChanged as changed:
        cart = await context.run(view_cart, who)
        await show(update, *cart_screen(cart, store, notice=str(changed)))
        return "Your cart changed; please check it."
    except SlotGone as gone:
        view = await context.run(checkout.start_checkout, who, store=store)
        await _ask(update, context, view)
        return str(gone)
    heading = f"✅ <b>Order {order.code} placed.</b> Thank you!"
    await show(update, *order_screen(order, store, heading=heading))
    return "Order placed!"


async def _leave(update: Update, context: ShopContext) -> None:
    left = await context.run(checkout.cancel_checkout, customer_of(update))
    text = (
        "Checkout cancelled. Your cart is kept: /cart"
        if left
        else "You are not checking out. Your cart is at /cart"
    )
    await say(update, text, ReplyKeyboardRemove())


@polite
async def cancel_command(update: Update, context: ShopContext) -> str | None:
    """/cancel leaves checkout at any step; the cart stays."""
    await _leave(update, context)
    return None


@polite
async def cancel_button(update: Update, context: ShopContext) -> str | None:
    query = update.callback_query
    if query is not None and isinstance(query.message, Message):
        await query.message.edit_reply_markup(None)  # the pressed prompt loses its buttons
    await _leave(update, context)
    return None


async def answer_question(update: Update, context: ShopContext) -> None:
    """Typed answers (address, phone, note). Other text passes on to search."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    who, store = customer_of(update), context.shop.store
    view = await context.run(checkout.current_checkout, who, store=store)
    if view is None or not view.draft.step.expects_text:
        return
    await _take_answer(update, context, view.draft.step, message.text)
    raise ApplicationHandlerStop


async def _take_answer(update: Update, context: ShopContext, step: CheckoutStep, text: str) -> None:
    who, store = customer_of(update), context.shop.store
    use_case = {
        CheckoutStep.ADDRESS: checkout.give_address,
        CheckoutStep.PHONE: checkout.give_phone,
        CheckoutStep.NOTE: checkout.give_note,
    }[step]
    try:
        view = await context.run(use_case, who, text, store=store)
    except DomainError as refused:
        await say(update, f"{esc(sentence(str(refused)))} Please try again, or /cancel.")
        return
    if step is CheckoutStep.PHONE:
        await say(
            update,
            f"Thanks, we will call {esc(view.draft.phone or '')} if needed.",
            ReplyKeyboardRemove(),
        )
    await _ask(update, context, view)


async def take_contact(update: Update, context: ShopContext) -> None:
    """The Share-my-phone-number button sends a contact card."""
    message = update.effective_message
    if message is None or message.contact is None:
        return
    view = await context.run(
        checkout.current_checkout, customer_of(update), store=context.shop.store
    )
    if view is None or view.draft.step is not CheckoutStep.PHONE:
        await say(
            update, "Thanks! I only need a phone number during checkout.", ReplyKeyboardRemove()
        )
        return
    await _take_answer(update, context, CheckoutStep.PHONE, message.contact.phone_number)


def build_handlers() -> list[BaseHandler[Update, ShopContext, None]]:
    return [
        CommandHandler("checkout", begin),
        CommandHandler("cancel", cancel_command),
        CallbackQueryHandler(begin, pattern=r"^co:start$"),
        CallbackQueryHandler(confirm, pattern=r"^co:confirm$"),
        CallbackQueryHandler(cancel_button, pattern=r"^co:cancel$"),
        CallbackQueryHandler(choose, pattern=r"^co:"),
        MessageHandler(filters.TEXT & ~filters.COMMAND, answer_question),
        MessageHandler(filters.CONTACT, take_contact),
    ]
