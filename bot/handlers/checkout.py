"""Checkout, one question at a time. The answers live in the database, not in this process:
a customer who stops halfway (or meets a restart) continues where they were."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html import escape as esc

from telegram import KeyboardButton, Message, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.ext import MessageHandler, filters

from bot.domain.checkout import CheckoutDraft, CheckoutStep
from bot.domain.clock import utc_now
from bot.domain.customers import example_phone, show_phone
from bot.domain.delivery import DeliveryRefused
from bot.domain.errors import CartChanged, DomainError
from bot.domain.orders import FulfilmentKind
from bot.domain.promo_codes import (
    PromoNoLongerApplies,
    UnknownPromoCode,
    is_code_shaped,
    normalise_code,
)
from bot.domain.services import checkout, prompts
from bot.domain.services.cart import view_cart
from bot.domain.services.checkout import (
    CheckoutView,
    SlotGone,
    StaleStep,
    WindowGone,
)
from bot.domain.waiting import WaitingKind
from bot.handlers import news, payments, search
from bot.handlers.button_kinds import (
    CheckoutChoice,
    Choice,
    ConfirmOrder,
    DeliveryDay,
    DeliveryTime,
    LeaveCheckout,
    PickupDay,
    PickupTime,
    StartCheckout,
)
from bot.handlers.context import ShopContext, customer_of, user_id_of
from bot.handlers.delivery_views import delivery_refused_keyboard, window_choice, window_question
from bot.handlers.routes import Command, Feature, Press
from bot.handlers.screens import TRY_AGAIN, polite, refused_then, say, show
from bot.handlers.views import (
    EPOCH_ORDINAL,
    PickupChoice,
    cart_screen,
    checkout_prompt,
    chosen_line,
    order_screen,
)
from bot.handlers.waiting import honest_notice
from bot.i18n import Texts, said


def phone_keyboard(t: Texts, saved: str | None, country: str) -> ReplyKeyboardMarkup:
    """Share the phone with one tap, or (a returning customer) the number used last time,
    which arrives as typed text."""
    rows = [[KeyboardButton("📱 " + t("Share my phone number"), request_contact=True)]]
    if saved:
        rows.append([KeyboardButton(show_phone(saved, country))])
    return ReplyKeyboardMarkup(
        rows,
        resize_keyboard=True,
        one_time_keyboard=True,
        input_field_placeholder=example_phone(country),
    )


async def _ask(
    update: Update,
    context: ShopContext,
    view: CheckoutView,
    day: date | None = None,
    *,
    dropped: PromoNoLongerApplies | None = None,
) -> None:
    """Put the question of the current step to the customer (pickup times: of `day`, else of
    the first day that has some). A promo code taken off the checkout (`dropped` at Confirm,
    or found no longer applying as this view was read) is said first, at whichever step."""
    store = context.shop.store
    if (dropped := dropped or view.promo_dropped) is not None:
        await say(update, "⚠️ " + context.texts(update).refusal(dropped))
    pickup = None
    if view.draft.step is CheckoutStep.WINDOW:
        t = context.texts(update)
        await show(update, *window_question(t, window_choice(store, utc_now(), day), store))
        return
    if view.draft.step is CheckoutStep.SLOT:
        now = utc_now()
        days = store.slots.days(now)
        shown = day if day in days else (days[0] if days else None)
        windows = store.windows
        delivery_open = windows is None or bool(windows.days(now))
        pickup = PickupChoice(
            days, shown, store.slots.slots_on(shown, now) if shown else [], delivery_open
        )
    text, keyboard = checkout_prompt(context.texts(update), view, store, pickup)
    if view.draft.step is CheckoutStep.PHONE:
        if update.callback_query is not None:
            # The phone question needs a new message (a reply keyboard): the pressed one keeps
            # the answer given and loses its buttons, so no stale time can be tapped again.
            await show(update, chosen_line(context.texts(update), view.draft, store))
        await say(
            update,
            text,
            phone_keyboard(context.texts(update), view.saved_phone, context.shop.store.country),
        )
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
    """Buttons of the checkout: pickup/delivery, skip the note, change details."""
    pressed = CheckoutChoice.of(update)
    who, store, choice = customer_of(update), context.shop.store, pressed.choice
    if pressed.choice in (Choice.PICKUP, Choice.DELIVERY):
        kind = FulfilmentKind.PICKUP if choice is Choice.PICKUP else FulfilmentKind.DELIVERY
        view = await context.run(checkout.choose_fulfilment, who, kind, store=store)
    elif choice is Choice.SKIP_NOTE:
        view = await context.run(checkout.give_note, who, "", store=store)
    elif choice is Choice.PROMO:
        view = await context.run(checkout.ask_promo_code, who, store=store)
    elif choice is Choice.NO_PROMO:
        view = await context.run(checkout.drop_promo_code, who, pressed.step, store=store)
    elif choice is Choice.SAVED_ADDRESS:
        try:
            view = await context.run(checkout.use_saved_address, who, store=store)
        except DeliveryRefused as refused:
            await _refuse_delivery(update, context, refused)
            return None
    else:
        view = await context.run(checkout.restart_checkout, who, store=store)
    await _ask(update, context, view)
    return None


@polite
async def choose_time(update: Update, context: ShopContext) -> str | None:
    """A pickup time button."""
    who, store = customer_of(update), context.shop.store
    slot = datetime.fromtimestamp(PickupTime.of(update).minutes * 60, UTC)
    try:
        view = await context.run(checkout.choose_slot, who, slot, store=store)
    except SlotGone as gone:
        view = await context.run(checkout.start_checkout, who, store=store)
        await _ask(update, context, view)
        return context.texts(update).refusal(gone)
    await _ask(update, context, view)
    return None


async def _refuse_delivery(update: Update, context: ShopContext, refused: DomainError) -> None:
    """An address outside the zones, or a basket below its zone's minimum: said before the
    summary, with the ways on (another address typed, the cart, pickup)."""
    t = context.texts(update)
    await show(update, "🚚 " + refused_then(t, refused), delivery_refused_keyboard(t))


@polite
async def choose_window(update: Update, context: ShopContext) -> str | None:
    """A delivery time window button."""
    who, store = customer_of(update), context.shop.store
    try:
        start = datetime.fromtimestamp(DeliveryTime.of(update).minutes * 60, UTC)
    except (ValueError, OverflowError, OSError):  # a forged time beyond the calendar
        raise WindowGone() from None
    try:
        view = await context.run(checkout.choose_window, who, start, store=store)
    except WindowGone as gone:
        view = await context.run(checkout.start_checkout, who, store=store)
        await _ask(update, context, view)
        return context.texts(update).refusal(gone)
    await _ask(update, context, view)
    return None


@polite
async def choose_window_day(update: Update, context: ShopContext) -> str | None:
    """Another day's delivery windows."""
    await _another_day(update, context, DeliveryDay.of(update).day, CheckoutStep.WINDOW)
    return None


@polite
async def choose_day(update: Update, context: ShopContext) -> str | None:
    """Another day's pickup times."""
    await _another_day(update, context, PickupDay.of(update).day, CheckoutStep.SLOT)
    return None


async def _another_day(
    update: Update, context: ShopContext, pressed: int, step: CheckoutStep
) -> None:
    """The question of `step` (pickup times, delivery windows) for the day pressed, counted in
    days since 1970, while the checkout still asks it."""
    try:
        day = date.fromordinal(EPOCH_ORDINAL + pressed)
    except (ValueError, OverflowError):  # a forged day beyond the calendar
        raise StaleStep() from None
    view = await context.run(
        checkout.current_checkout, customer_of(update), store=context.shop.store
    )
    if view is None or view.draft.step is not step:
        raise StaleStep()
    await _ask(update, context, view, day)


@polite
async def confirm(update: Update, context: ShopContext) -> str | None:
    """Place the order. If the shelf changed, show the corrected cart instead."""
    who, store = customer_of(update), context.shop.store
    method = ConfirmOrder.of(update).pay
    try:
        order = await context.run(checkout.confirm_checkout, who, method, store=store)
    except CartChanged as changed:
        cart = await context.run(view_cart, who)
        t = context.texts(update)
        await show(update, *cart_screen(t, cart, store, notice=t.refusal(changed)))
        return t("Your cart changed; please check it.")
    except (SlotGone, WindowGone) as gone:
        view = await context.run(checkout.start_checkout, who, store=store)
        await _ask(update, context, view)
        return context.texts(update).refusal(gone)
    except DeliveryRefused as refused:  # the cart or the zones changed since the address
        await _refuse_delivery(update, context, refused)
        return None
    except PromoNoLongerApplies as dropped:  # taken off the checkout: the summary again
        view = await context.run(checkout.start_checkout, who, store=store)
        await _ask(update, context, view, dropped=dropped)
        t = context.texts(update)
        return t("Please check your order again.")
    context.shop.metrics.orders_placed.inc()
    t = context.texts(update)
    heading = "✅ " + t("<b>Order {code} placed.</b> Thank you!", code=order.code)
    if order.payment.awaits_payment:
        minutes = int(store.payments.timeout.total_seconds() // 60)
        heading = "🧾 " + t.plural(
            "<b>Order {code} is reserved for you.</b> Please pay within {n} minute with the "
            "invoice below; the store prepares it once it is paid.",
            "<b>Order {code} is reserved for you.</b> Please pay within {n} minutes with the "
            "invoice below; the store prepares it once it is paid.",
            minutes,
            code=order.code,
        )
    # Honestly: when the shop will see it (closed, nobody logged in, or now).
    status = await honest_notice(context, t, WaitingKind.ORDER)
    screen = order_screen(t, order, store, heading=heading, status=status)
    if await news.ask_once(context, who):  # their first order: would they like news?
        screen = news.with_question(t, screen)
    await show(update, *screen)
    if order.payment.awaits_payment:
        await payments.send_invoice(update, context, order)
    return t("Order placed!")


async def _leave(update: Update, context: ShopContext) -> None:
    left = await context.run(checkout.cancel_checkout, customer_of(update))
    t = context.texts(update)
    text = (
        t("You left checkout; nothing was ordered. Your cart is kept: /cart")
        if left
        else t("You are not checking out. Your cart is at /cart")
    )
    await say(update, text, ReplyKeyboardRemove())


@polite
async def cancel_command(update: Update, context: ShopContext) -> str | None:
    """/cancel stops an open question (login, a new item...), else leaves checkout."""
    if await context.run(prompts.drop, user_id_of(update)):
        t = context.texts(update)
        await say(update, t("Stopped. Nothing was changed."), ReplyKeyboardRemove())
        return None
    await _leave(update, context)
    return None


@polite
async def cancel_button(update: Update, context: ShopContext) -> str | None:
    query = update.callback_query
    if query is not None and isinstance(query.message, Message):
        await query.message.edit_reply_markup(None)  # the pressed prompt loses its buttons
    await _leave(update, context)
    return None


CONTINUE_HINT = said("You were checking out: /checkout to continue.")
USE_BUTTONS = said("Please answer with the buttons below, or /cancel to leave checkout.")
TYPED_CHOICES = {"pickup": FulfilmentKind.PICKUP, "delivery": FulfilmentKind.DELIVERY}


async def take_text(update: Update, context: ShopContext, draft: CheckoutDraft) -> None:
    """Typed text during checkout (the conversation router read the draft). A fresh question
    takes it as its answer (or asks again for a button). After a long break, text that does
    not fit the question is what it looks like, a search, with a hint to continue."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    who, store, text = customer_of(update), context.shop.store, message.text
    if draft.is_abandoned(utc_now()) and not draft.fits(text, store.country):
        hint = "🧺 " + context.texts(update)(CONTINUE_HINT)
        await search.show_results(update, context, text, hint=hint)
    elif draft.step.expects_text:
        await _take_answer(update, context, draft.step, text)
    elif draft.step is CheckoutStep.CONFIRM and await _typed_promo_code(update, context, text):
        return
    elif draft.step is CheckoutStep.FULFILMENT and text.strip().lower() in TYPED_CHOICES:
        kind = TYPED_CHOICES[text.strip().lower()]
        view = await context.run(checkout.choose_fulfilment, who, kind, store=store)
        await _ask(update, context, view)
    else:
        await say(update, context.texts(update)(USE_BUTTONS))
        current = await context.run(checkout.current_checkout, who, store=store)
        if current is not None:
            await _ask(update, context, current)


async def _typed_promo_code(update: Update, context: ShopContext, text: str) -> bool:
    """A promo code typed at the summary, without its button, is taken as one; False: it
    names no code and looks like a word ("yes"), so the buttons are asked for."""
    if not is_code_shaped(normalise_code(text)):
        return False
    who, store, t = customer_of(update), context.shop.store, context.texts(update)
    try:
        view = await context.run(checkout.give_promo_code, who, text, store=store)
    except UnknownPromoCode as unknown:
        if not re.search(r"[\d_-]", text):
            return False  # a word ("yes"), not a mistyped code ("SPRNG-10")
        await say(update, t.refusal(unknown))
        return True
    except DomainError as refused:
        await say(update, t.refusal(refused))
        return True
    await _ask(update, context, view)
    return True


async def _take_answer(
    update: Update, context: ShopContext, step: CheckoutStep, text: str, **vouched: bool
) -> None:
    who, store = customer_of(update), context.shop.store
    use_case = {
        CheckoutStep.ADDRESS: checkout.give_address,
        CheckoutStep.PHONE: checkout.give_phone,
        CheckoutStep.NOTE: checkout.give_note,
        CheckoutStep.PROMO: checkout.give_promo_code,
    }[step]
    t = context.texts(update)
    try:
        view = await context.run(use_case, who, text, store=store, **vouched)
    except DeliveryRefused as refused:
        await _refuse_delivery(update, context, refused)
        return
    except DomainError as refused:
        await say(update, refused_then(t, refused, t(TRY_AGAIN)))
        return
    if step is CheckoutStep.PHONE:
        phone = show_phone(view.draft.phone or "", store.country)
        thanks = t("Thanks, we will call {phone} if needed.", phone=esc(phone))
        await say(update, thanks, ReplyKeyboardRemove())
    await _ask(update, context, view)


async def take_contact(update: Update, context: ShopContext) -> None:
    """The Share-my-phone-number button sends a contact card."""
    message = update.effective_message
    if message is None or message.contact is None:
        return
    view = await context.run(
        checkout.current_checkout, customer_of(update), store=context.shop.store
    )
    t = context.texts(update)
    if view is None:
        later = t("Thanks! I only need a phone number when you check out.")
        await say(update, later, ReplyKeyboardRemove())
        return
    if view.draft.step is not CheckoutStep.PHONE:
        # A stale share button, mid-checkout: say so, and put the question of this step again.
        soon = t("Thanks! I will ask for your number in a moment.")
        await say(update, soon, ReplyKeyboardRemove())
        await _ask(update, context, view)
        return
    # The customer's own card (the share button sends it) carries a number Telegram verified;
    # someone else's card, forwarded, is checked like a typed number.
    contact, user = message.contact, update.effective_user
    own = user is not None and contact.user_id == user.id
    await _take_answer(update, context, CheckoutStep.PHONE, contact.phone_number, own_contact=own)


FEATURE = Feature(
    commands=[
        Command("checkout", begin),
        Command("cancel", cancel_command, menu=said("Leave checkout")),
    ],
    presses=[
        Press(StartCheckout, begin),
        Press(ConfirmOrder, confirm),
        Press(LeaveCheckout, cancel_button),
        Press(CheckoutChoice, choose),
        Press(PickupTime, choose_time),
        Press(PickupDay, choose_day),
        Press(DeliveryTime, choose_window),
        Press(DeliveryDay, choose_window_day),
    ],
    messages=[MessageHandler(filters.CONTACT, take_contact)],
)
