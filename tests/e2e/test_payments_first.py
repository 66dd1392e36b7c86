"""Payments first (issue 23): Telegram's payment questions are answered ahead of whatever else
the customer sent, and money that does not match its order never marks it paid."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.domain.orders import OrderStatus
from bot.domain.services import orders
from bot.persistence.models import PaymentRow
from bot.playground.bot_api.model import PRE_CHECKOUT_SECONDS
from tests.e2e.test_payments import ordered_and_invoiced
from tests.support.running_bot import RunningBot, both_modes
from tests.support.shop_factories import logged_in_manager

EARLIER_MESSAGES = ["/cart", "/myorders", "/info", "/help"]


@both_modes  # the payment question overtakes a batch polled together, or updates posted one by one
async def test_paying_is_answered_in_time_behind_a_busy_chat_on_a_slow_telegram(
    paying_shop: RunningBot,
) -> None:
    bot = paying_shop
    ann, order = await ordered_and_invoiced(bot)
    # Telegram is slow to take messages: each reply to Ann's earlier messages takes 3 s.
    bot.double.slow_down("sendMessage", 3.0)
    bot.double.slow_down("editMessageText", 3.0)
    for text in EARLIER_MESSAGES:
        bot.double.send_text(ann.person, text)

    attempt = await bot.double.pay(ann.person, ann.last_invoice)

    assert attempt.ok, attempt.error
    answer = bot.double.callback_answer(attempt.query_id)
    assert answer is not None and answer["ok"] is True
    # Then Telegram recovers: what still waits behind the slow replies goes at its own pace.
    bot.double.slow_down("sendMessage", 0)
    bot.double.slow_down("editMessageText", 0)
    await bot.double.settle(timeout=4 * PRE_CHECKOUT_SECONDS)
    paid = orders.find_order(order.code, uow=bot.shop.uow())
    assert paid.payment.is_paid and paid.status is OrderStatus.PLACED
    assert ann.has_seen(f"Payment received for order {order.code}")


@pytest.mark.parametrize(
    ("currency", "amount", "paid"), [("EUR", 1, "0.01 EUR"), ("USD", 1520, "15.20 USD")]
)
async def test_a_payment_that_does_not_match_its_order_is_refunded_not_paid(
    paying_shop: RunningBot, currency: str, amount: int, paid: str
) -> None:
    bot = paying_shop
    boss = logged_in_manager(bot, "Boss")
    ann, order = await ordered_and_invoiced(bot)  # 15.20 EUR
    bot.double.forge_payment(ann.person, ann.last_invoice, currency=currency, total_amount=amount)
    await bot.double.settle()

    assert ann.screen == (
        f"💳 Your payment for order {order.code} did not match the order, so the order is not "
        "paid. The store will refund it; a manager has been told."
    )
    await bot.double.wait_for(
        lambda: boss.has_seen(
            f"Refund due: {paid} for order {order.code} (the payment did not match the "
            "order's total)"
        ),
        what="the manager to hear a refund is due",
    )
    unpaid = orders.find_order(order.code, uow=bot.shop.uow())
    assert unpaid.status is OrderStatus.PLACED and unpaid.payment.awaits_payment
    # The order keeps what it owes in its own currency; another's is in the manager's message.
    assert unpaid.payment.refund_due_minor == (amount if currency == "EUR" else 0)
    with bot.shop.engine.connect() as db:
        charges = db.execute(select(PaymentRow.currency, PaymentRow.amount_minor)).all()
    assert [tuple(c) for c in charges] == [(currency, amount)]
    assert not boss.has_seen(f"New order {order.code}")  # nobody prepares an unpaid order

    assert (await ann.pays()).ok  # the invoice itself still pays for the order
    assert f"Payment received for order {order.code}" in ann.screen
    assert orders.find_order(order.code, uow=bot.shop.uow()).payment.is_paid
    await bot.double.wait_for(
        lambda: boss.has_seen(f"New order {order.code}"), what="the paid order announced"
    )
