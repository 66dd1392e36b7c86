"""Contactless hand-over: staff scan the customer's QR code (it opens `/start h_CODE`) or type
`/handover CODE`; the order is completed and the customer told. An order paid at the hand-over
shows the amount to collect and is completed with one tap saying how it was paid (cash or
card), as is one paid in Telegram to which the picking added (for what it added); one paid in
Telegram in full is completed at once. A delivery paid at the door is completed the same way
from its card in the queue. Behind the staff guard."""

from __future__ import annotations

from html import escape as esc

from telegram import InlineKeyboardMarkup, Update

from bot.domain.errors import DomainError, InvalidInput, NotAuthorised
from bot.domain.order_moves import TAKE_BUTTON
from bot.domain.orders import Order, OrderStatus
from bot.domain.payments import TAKEN_AT_HANDOVER
from bot.domain.picking import paid_in_telegram, takes_money_at_handover
from bot.domain.picking import to_collect as picked_extra
from bot.domain.prompts import DeliveryCodeDraft, Prompt, PromptKind
from bot.domain.services import orders, prompts
from bot.domain.staff import Role
from bot.domain.store import Store
from bot.domain.text import said
from bot.handlers.access import signed_in, staff_member
from bot.handlers.button_kinds import AskDeliveryCode, DeliveredPaid, TakeMoney
from bot.handlers.context import ShopContext, user_id_of
from bot.handlers.order_queue import card, order_keyboard
from bot.handlers.payment_views import TAKEN_LINE
from bot.handlers.routes import Command, Feature, Press
from bot.handlers.screens import TYPE_AGAIN, polite, refused_then, say, show
from bot.handlers.views import button
from bot.i18n import Texts

SCANNED_BY_CUSTOMER = said(
    "This is your pickup code: show it to the staff when you collect your order, and they "
    "scan it. Your order is in /myorders."
)


def _items(t: Texts, order: Order) -> list[str]:
    return [f"• {esc(line.name)} — {t.quantity(line.quantity, line.unit)}" for line in order.lines]


def _paid_before(t: Texts, order: Order, store: Store) -> list[str]:
    """What was paid in Telegram, for an order picked heavier than that."""
    if not (order.payment.is_paid and (order.extra_taken or picked_extra(order))):
        return []
    paid = t.money(paid_in_telegram(order), store.currency)
    return ["💳 " + t("Paid in Telegram: {paid}", paid=paid)]


def to_collect(t: Texts, order: Order, store: Store) -> str:
    """Before the hand-over of an order that takes money there: what to collect, then how
    was it paid?"""
    # The final total, as it is now; paid in Telegram, what the picking added to it.
    due = picked_extra(order) if order.payment.is_paid else order.total_minor
    total = t.money(due, store.currency)
    lines = [
        "🤝 "
        + t("<b>Order {code}</b>: collect <b>{total}</b>.", code=esc(order.code), total=total),
        *_paid_before(t, order, store),
        *_items(t, order),
        t("How did the customer pay? The order is completed when you tap."),
    ]
    return "\n".join(lines)


def money_keyboard(t: Texts, order: Order) -> InlineKeyboardMarkup:
    assert order.pickup_code is not None
    return InlineKeyboardMarkup(
        [
            [
                button(t(TAKE_BUTTON[way]), TakeMoney(order.pickup_code, way))
                for way in TAKEN_AT_HANDOVER
            ]
        ]
    )


def handed_over(t: Texts, order: Order, store: Store) -> str:
    """The order is completed: say so, and how its money was taken."""
    total = t.money(order.total_minor, store.currency)
    lines = [
        "🤝 " + t("<b>Order {code} handed over.</b> The customer is told.", code=esc(order.code))
    ]
    if order.extra_taken is not None:  # paid in Telegram, then picked heavier
        lines += _paid_before(t, order, store)
        extra = t.money(order.extra_taken_minor, store.currency)
        lines.append(t(TAKEN_LINE[order.extra_taken], total=extra))
    elif order.money_taken is not None:
        lines.append(t(TAKEN_LINE[order.money_taken], total=total))
    if order.payment.refund_due_minor:
        due = t.money(order.payment.refund_due_minor, store.currency)
        lines.append("↩️ " + t("Refund due: {amount}", amount=due))
    return "\n".join(lines + _items(t, order))


async def hand_over(update: Update, context: ShopContext, code: str) -> None:
    """The order behind a pickup code: paid in Telegram in full, it is completed now; paid
    here (or in part), the screen says what to collect and asks how it was paid."""
    account = await signed_in(update, context)
    assert account.id is not None
    order = await context.run(orders.order_to_hand_over, account.id, code)
    await _collect_or_complete(update, context, account.id, order, code)


async def _collect_or_complete(
    update: Update, context: ShopContext, staff_id: int, order: Order, code: str
) -> None:
    """An order checked for its hand-over: what to collect and how it was paid, or, with
    nothing to collect, completed now."""
    store, t = context.shop.store, context.texts(update)
    if takes_money_at_handover(order):
        await say(update, to_collect(t, order, store), money_keyboard(t, order))
        return
    order = await context.run(orders.hand_over, staff_id, code, store=store)
    await say(update, handed_over(t, order, store))


@polite
async def take_money(update: Update, context: ShopContext) -> str | None:
    """Cash or card pressed: the order is completed with it (a second press, or a second
    clerk, is told it was already handed over)."""
    account = await signed_in(update, context)
    assert account.id is not None
    pressed, store = TakeMoney.of(update), context.shop.store
    order = await context.run(
        orders.hand_over, account.id, pressed.code, taken=pressed.taken, store=store
    )
    await show(update, handed_over(context.texts(update), order, store))
    return None


@polite
async def delivered_paid(update: Update, context: ShopContext) -> str | None:
    """A delivery paid at the door, completed with how it was paid."""
    account = await signed_in(update, context)
    assert account.id is not None
    pressed, store = DeliveredPaid.of(update), context.shop.store
    order = await context.run(
        orders.move_order,
        account.id,
        pressed.code,
        OrderStatus.COMPLETED,
        expected=OrderStatus.OUT_FOR_DELIVERY,
        taken=pressed.taken,
        store=store,
    )
    t = context.texts(update)
    await show(update, card(update, context, order), order_keyboard(t, order))
    # Paid in Telegram, only what the picking added was taken at the door.
    taken = order.extra_taken_minor if order.extra_taken else order.total_minor
    return t(TAKEN_LINE[pressed.taken], total=t.money(taken, store.currency))


@polite
async def ask_delivery_code(update: Update, context: ShopContext) -> str | None:
    """🔑 on a delivery's card: the courier is asked for the code its customer gives them."""
    await signed_in(update, context)
    code = AskDeliveryCode.of(update).code
    draft = DeliveryCodeDraft(code)
    await context.run(prompts.ask, user_id_of(update), PromptKind.DELIVERY_CODE, "code", draft)
    t = context.texts(update)
    await say(
        update,
        t(
            "Type the delivery code the customer gives you for order {code}. (/cancel to stop)",
            code=esc(code),
        ),
    )
    return None


async def take_delivery_code(update: Update, context: ShopContext, prompt: Prompt) -> None:
    """The typed code: the delivery is handed over as with /handover CODE (what to collect, or
    completed); a code that is not this order's keeps the question open for another try, any
    other refusal closes it."""
    message, t = update.effective_message, context.texts(update)
    draft = prompt.draft
    assert isinstance(draft, DeliveryCodeDraft)
    if message is None or not message.text or not message.text.strip():
        await say(update, t("Please type the delivery code, or /cancel."))
        return
    typed = message.text.strip()
    try:
        account = await signed_in(update, context)
        assert account.id is not None
        order = await context.run(
            orders.delivery_with_code,
            account.id,
            draft.order_code,
            typed,
            telegram_user_id=user_id_of(update),
        )
    except InvalidInput as refused:
        await say(update, refused_then(t, refused, t(TYPE_AGAIN)))
        return
    except DomainError as refused:  # logged out, or it may not leave (handed over, cancelled)
        await context.run(prompts.drop, user_id_of(update))
        await say(update, esc(t.refusal(refused)))
        return
    await _collect_or_complete(update, context, account.id, order, typed)


@polite
async def handover_command(update: Update, context: ShopContext) -> str | None:
    if not context.args:
        raise InvalidInput(
            said(
                "Usage: /handover CODE (the pickup code the customer shows), e.g. /handover K7Q2MZ"
            )
        )
    await hand_over(update, context, context.args[0])
    return None


async def scanned(update: Update, context: ShopContext, code: str) -> None:
    """A pickup QR opened the bot. Staff hand the order over; anyone else is told what the
    code is for (a customer scanning their own code learns nothing new)."""
    if await staff_member(update, context) is None:
        await say(update, context.texts(update)(SCANNED_BY_CUSTOMER))
        return
    try:
        await hand_over(update, context, code)
    except NotAuthorised:
        await say(update, context.texts(update)(SCANNED_BY_CUSTOMER))


FEATURE = Feature(
    commands=[
        Command(
            "handover",
            handover_command,
            Role.STAFF,
            said("Hand an order over: /handover CODE"),
            said(
                "/handover CODE – give a ready order to the customer showing this pickup code "
                "(or scan their QR code): /handover K7Q2MZ"
            ),
        )
    ],
    presses=[
        Press(TakeMoney, take_money, Role.STAFF),
        Press(DeliveredPaid, delivered_paid, Role.STAFF),
        Press(AskDeliveryCode, ask_delivery_code, Role.STAFF),
    ],
    answers={PromptKind.DELIVERY_CODE: take_delivery_code},
)
