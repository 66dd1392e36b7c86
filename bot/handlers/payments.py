"""Paying in the chat: the invoice, Telegram's pre-checkout question, the payment itself.

Telegram waits at most 10 seconds for the pre-checkout answer, so it is one short
transaction and nothing else. A successful payment is recorded by its charge id: Telegram
may deliver the same payment twice, and only the first changes anything.
"""

from __future__ import annotations

import logging
from html import escape as esc

from telegram import LabeledPrice, Update
from telegram.ext import MessageHandler, PreCheckoutQueryHandler, filters

from bot.domain.errors import (
    CANNOT_SAVE_NOW,
    ConcurrentUpdate,
    OutcomeUnknown,
    StoreUnavailable,
    UnknownOrder,
)
from bot.domain.orders import Order, cancel_reason
from bot.domain.payments import CannotPay, PaymentReceipt, RefundDueAlert, invoice_payload
from bot.domain.services import payments
from bot.domain.store import Store
from bot.domain.waiting import WaitingKind
from bot.handlers.context import ShopContext, customer_of, user_id_of
from bot.handlers.notification_texts import Rendered, renders
from bot.handlers.patience import patiently
from bot.handlers.payment_views import money_in
from bot.handlers.routes import Feature
from bot.handlers.screens import say
from bot.handlers.views import clip, order_screen, reason_text
from bot.handlers.waiting import honest_notice
from bot.i18n import Texts

log = logging.getLogger(__name__)
# How long a payment's record is retried while the database cannot save (then: by hand).
RECORD_PATIENCE_SECONDS = 600.0
MAX_TITLE = 32  # Telegram's limits for an invoice
MAX_DESCRIPTION = 255


@renders(RefundDueAlert)
def refund_due_text(t: Texts, alert: RefundDueAlert, store: Store) -> Rendered:
    """The managers' message: money to give back in the payment provider's dashboard."""
    refund = t(
        "<b>Refund due: {amount}</b> for order <b>{code}</b> ({reason}). Refund it in your "
        "payment provider's dashboard; the customer has been told the store will.",
        amount=money_in(t, alert.amount_minor, alert.currency),
        code=esc(alert.order_code),
        reason=_refund_reason(t, alert.reason),
    )
    return f"↩️ {refund}", None


def _refund_reason(t: Texts, kept: str) -> str:
    """A cancellation's reason (a code, or as staff typed it), or the store's own marked words
    for money that paid for nothing ("paid twice")."""
    if not kept:
        return ""
    return reason_text(t, kept) if cancel_reason(kept) else esc(t(kept))


MAX_LABEL = 64
RELEASE_JOB = "release-unpaid"
RELEASE_EVERY_SECONDS = 60


def invoice_prices(t: Texts, order: Order) -> list[LabeledPrice]:
    """One price line per item, and the delivery fee: what the payment sheet lists."""
    prices = [
        LabeledPrice(
            clip(f"{line.name} × {t.quantity(line.quantity, line.unit)}", MAX_LABEL),
            line.line_total_minor,
        )
        for line in order.lines
    ]
    if order.promo is not None and order.discount_minor:
        # Telegram lists a negative portion as a deduction from the total.
        label = clip(t("Promo code {code}", code=order.promo.code), MAX_LABEL)
        prices.append(LabeledPrice(label, -order.discount_minor))
    if order.fulfilment.delivery_fee_minor:
        prices.append(LabeledPrice(t("Delivery"), order.fulfilment.delivery_fee_minor))
    return prices


def invoice_description(t: Texts, order: Order, store: Store) -> str:
    described = t.plural(
        "{n} item from {store}. Order {code}.",
        "{n} items from {store}. Order {code}.",
        len(order.lines),
        store=store.name,
        code=order.code,
    )
    return clip(described, MAX_DESCRIPTION)


async def send_invoice(update: Update, context: ShopContext, order: Order) -> None:
    token = context.shop.settings.payment_provider_token
    chat = update.effective_chat
    assert token is not None and chat is not None, "only offered when payments are set up"
    t = context.texts(update)
    await context.bot.send_invoice(
        chat.id,
        title=clip(t("Order {code}", code=order.code), MAX_TITLE),
        description=invoice_description(t, order, context.shop.store),
        payload=invoice_payload(order.code),
        provider_token=token.get_secret_value(),
        currency=order.currency,
        prices=invoice_prices(t, order),
    )


async def pre_checkout(update: Update, context: ShopContext) -> None:
    """Yes only if the order can still be honoured; a no carries a reason the customer reads."""
    query = update.pre_checkout_query
    assert query is not None
    try:
        await context.run(
            payments.check_pre_checkout,
            query.from_user.id,
            query.invoice_payload,
            query.currency,
            query.total_amount,
        )
    except (CannotPay, StoreUnavailable, OutcomeUnknown) as refused:
        # No charge is made on a "no": a database that cannot answer is said like a refusal.
        await query.answer(ok=False, error_message=context.texts(update).refusal(refused))
        return
    except ConcurrentUpdate:
        await query.answer(ok=False, error_message=context.texts(update)(CANNOT_SAVE_NOW))
        return
    await query.answer(ok=True)


async def _recorded(
    context: ShopContext, user_id: int, receipt: PaymentReceipt
) -> payments.PaymentOutcome:
    """Record the payment, however long the database takes to come back (within reason): the
    money is taken, and nobody can be told to pay again."""
    return await patiently(
        lambda: context.run(payments.record_payment, user_id, receipt),
        failures=(StoreUnavailable, ConcurrentUpdate),
        patience=RECORD_PATIENCE_SECONDS,
        first_pause=1.0,
        longest_pause=30.0,
        waiting=lambda pause: log.warning(
            "payment %s cannot be recorded yet; trying again in %.0f s",
            receipt.telegram_charge_id,
            pause,
        ),
    )


async def paid(update: Update, context: ShopContext) -> None:
    """The money was taken: mark the order paid (once) and say what happens next."""
    message = update.effective_message
    assert message is not None and message.successful_payment is not None
    payment = message.successful_payment
    receipt = PaymentReceipt(
        payment.invoice_payload,
        payment.currency,
        payment.total_amount,
        payment.telegram_payment_charge_id,
        payment.provider_payment_charge_id,
    )
    t = context.texts(update)
    try:
        outcome = await _recorded(context, user_id_of(update), receipt)
    except (StoreUnavailable, ConcurrentUpdate):
        log.error(
            "payment %s (provider %s) could not be recorded for %.0f minutes: record it by "
            "hand (the order is in its invoice payload %r)",
            receipt.telegram_charge_id,
            receipt.provider_charge_id,
            RECORD_PATIENCE_SECONDS / 60,
            receipt.payload,
        )
        unrecorded = t(
            "Your payment arrived, but we could not record it yet because of a problem on our "
            "side. Please keep this reference and show it to the shop (/info): {reference}",
            reference=esc(receipt.telegram_charge_id),
        )
        await say(update, f"💳 {unrecorded}")
        return
    except UnknownOrder:  # logged as an error by the use case: money with no order
        lost = t(
            "Your payment arrived, but I cannot find its order. Please contact the shop "
            "(/info) with this reference: {reference}",
            reference=esc(receipt.telegram_charge_id),
        )
        await say(update, f"💳 {lost}")
        return
    if not outcome.first:
        log.info("payment %s was delivered again; nothing changed", receipt.telegram_charge_id)
        return
    context.shop.metrics.payments.inc()
    store, order = context.shop.store, outcome.order
    if outcome.mismatched:
        unmatched = t(
            "Your payment for order <b>{code}</b> did not match the order, so the order is "
            "not paid. The store will refund it; a manager has been told.",
            code=esc(order.code),
        )
        await say(update, f"💳 {unmatched}")
        return
    if outcome.refund_due:
        late = t(
            "Your payment for order <b>{code}</b> arrived after the order could no longer "
            "take it. The store will refund it; a manager has been told.",
            code=esc(order.code),
        )
        await say(update, f"💳 {late}")
        return
    paid = t("<b>Payment received for order {code}.</b> Thank you!", code=esc(order.code))
    heading = f"💳 {paid}"
    # As after placing it: honestly, when the shop will see it (closed, nobody on duty, now).
    status = await honest_notice(context, t, WaitingKind.ORDER)
    await say(update, *order_screen(t, order, store, heading=heading, status=status))


async def pay_again(update: Update, context: ShopContext, code: str) -> None:
    """The order's Pay button: a fresh invoice (the old one may be lost or scrolled away)."""
    order = await context.run(payments.payable_order, customer_of(update), code)
    await send_invoice(update, context, order)


async def release_unpaid(context: ShopContext) -> None:
    """A repeating job: online orders not paid in time are cancelled and their stock returns.
    Each order is released in its own transaction; another worker doing the same is harmless."""
    shop = context.shop
    due = await context.run(payments.unpaid_past_deadline)
    for code in due:
        if await context.run(payments.release_unpaid, code, store=shop.store):
            log.info("order %s was not paid in time and was released", code)


FEATURE = Feature(
    messages=[
        PreCheckoutQueryHandler(pre_checkout),
        MessageHandler(filters.SUCCESSFUL_PAYMENT, paid),
    ],
)
