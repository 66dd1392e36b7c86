"""Paying in the chat and collecting without contact, through the real bot and the local Bot
API's invoices, pre-checkout queries and test payment sheet."""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select

from bot.domain.clock import utc_now
from bot.domain.orders import Order, OrderStatus
from bot.domain.payments import MoneyTaken, PaymentMethod
from bot.domain.services import orders
from bot.domain.services.customers import CustomerRef
from bot.handlers import payments
from bot.handlers.button_kinds import ConfirmOrder
from bot.handlers.pickup_qr import handover_link, qr_png
from bot.persistence.models import PaymentRow
from bot.playground.bot_api.server import LocalBotApi
from bot.playground.bot_api.spec import UploadedFile
from tests.support.chat_person import ChatPerson
from tests.support.running_bot import RunningBot, running_bot
from tests.support.shop_factories import (
    PROVIDER_TOKEN,
    checkout_for_pickup,
    fill_cart,
    logged_in_manager,
    sell,
    someone,
    staff_id_of,
    stock_of,
)


def order_of(bot: RunningBot, ann: ChatPerson) -> Order:
    found = re.search(r"Order (\w{8})", ann.chat.from_bot[-2].shown_text + ann.screen)
    assert found is not None, "no order code on screen"
    return orders.find_order(found.group(1), uow=bot.shop.uow())


async def ordered_and_invoiced(bot: RunningBot, name: str = "Ann") -> tuple[ChatPerson, Order]:
    """A customer who put 2 jars of honey and 1 bread in the cart and chose to pay now."""
    sell(bot, 5, sku="HONEY", name="Honey", price_minor=650)
    sell(bot, 5, sku="BREAD", name="Bread", price_minor=220)
    ann = someone(bot, name)
    await fill_cart(ann, "Honey", presses_of_plus=1)
    await fill_cart(ann, "Bread")
    await checkout_for_pickup(ann)
    assert [b for b in ann.last.button_texts if "Confirm" in b] == [
        "💳 Confirm and pay 15.20 EUR now",
        "✅ Confirm, pay at pickup",
    ]
    await ann.presses("Confirm and pay")
    return ann, order_of(bot, ann)


async def test_pay_in_the_chat_then_collect_without_contact(paying_shop: RunningBot) -> None:
    bot = paying_shop
    clerk = logged_in_manager(bot, "Clerk")
    ann, order = await ordered_and_invoiced(bot)
    assert "reserved for you" in ann.chat.from_bot[-2].shown_text
    assert "Please pay within 30 minutes" in ann.chat.from_bot[-2].shown_text
    invoice = ann.last_invoice.invoice
    assert invoice is not None
    assert invoice.prices == (("Honey × 2 pc", 1300), ("Bread × 1 pc", 220))
    assert (invoice.currency, invoice.total_amount) == ("EUR", order.total_minor)
    assert len(invoice.payload.encode()) <= 128
    assert not clerk.has_seen(order.code)  # nobody prepares an unpaid order

    attempt = await ann.pays()
    assert attempt.ok
    assert f"Payment received for order {order.code}" in ann.screen
    assert "💳 Paid in Telegram" in ann.screen
    await bot.double.wait_for(
        lambda: (
            clerk.has_seen(f"New order {order.code} from Ann")
            and clerk.has_seen("Total: 15.20 EUR\n🏪 Pickup")
        ),
        what="the clerk to hear of the paid order",
    )
    await clerk.presses("Accept")
    assert "💳 Paid in Telegram" in clerk.screen
    await clerk.presses("Ready for pickup")
    await bot.double.wait_for(lambda: ann.has_seen("Pickup code:"), what="the pickup code")
    ready = ann.last
    code = re.search(r"Pickup code: (\w{6})", ready.shown_text)
    assert code is not None and ready.photo is not None
    qr = bot.double.files[ready.photo]
    assert isinstance(qr, UploadedFile)
    assert qr.content == qr_png(handover_link("shopkeeps_test_bot", code.group(1)))

    await clerk.says(f"/start h_{code.group(1)}")  # the clerk's phone scanned the QR code
    assert f"Order {order.code} handed over." in clerk.screen
    assert "Already paid in Telegram: nothing to collect." in clerk.screen
    assert orders.find_order(order.code, uow=bot.shop.uow()).money_taken is MoneyTaken.TELEGRAM
    await bot.double.wait_for(lambda: ann.has_seen("is completed. Thank you!"), what="Ann told")
    assert orders.find_order(order.code, uow=bot.shop.uow()).status is OrderStatus.COMPLETED
    await clerk.says(f"/handover {code.group(1).lower()}")
    assert "was already handed over" in clerk.screen


@pytest.mark.parametrize("mode", ["webhook"])  # Telegram redelivers to a webhook
async def test_a_redelivered_payment_changes_nothing(paying_shop: RunningBot) -> None:
    bot = paying_shop
    clerk = logged_in_manager(bot, "Clerk")
    ann, order = await ordered_and_invoiced(bot)
    attempt = await ann.pays()
    assert attempt.update_id is not None
    bot.double.redeliver(attempt.update_id)
    await bot.double.settle()
    await bot.double.wait_for(lambda: clerk.has_seen(order.code), what="the new-order alert")
    await bot.another_sender_round()
    with bot.shop.engine.connect() as db:
        payments_rows = db.scalar(select(func.count()).select_from(PaymentRow))
    assert payments_rows == 1
    assert sum("Payment received" in m.shown_text for m in ann.chat.from_bot) == 1
    assert sum(order.code in m.shown_text for m in clerk.chat.from_bot) == 1
    fresh = orders.find_order(order.code, uow=bot.shop.uow())
    assert fresh.payment.is_paid and fresh.payment.refund_due_minor == 0
    # The same invoice paid again is refused before any money moves.
    again = await ann.pays()
    assert not again.ok
    assert again.error == f"Order {order.code} is already paid; nothing more was charged."


async def test_a_cancelled_order_cannot_be_paid_and_says_why(paying_shop: RunningBot) -> None:
    bot = paying_shop
    clerk = logged_in_manager(bot, "Clerk")
    ann, order = await ordered_and_invoiced(bot)
    assert stock_of(bot, "HONEY") == 3
    # The reservation took both items below their threshold: those alerts come first (the
    # outbox sends them within the bot's budget, maybe after a quick reply).
    await bot.double.wait_for(
        lambda: clerk.has_seen("Low stock: Honey") and clerk.has_seen("Low stock: Bread"),
        what="both low-stock alerts",
    )
    await clerk.says(f"/order {order.code}")
    assert "Waiting for payment" in clerk.screen and "do not prepare it yet" in clerk.screen
    assert clerk.last.button_texts == ["❌ Cancel…"]  # no Accept before the money is in
    with pytest.raises(Exception, match="waiting for the customer's payment"):
        orders.move_order(
            staff_id_of(bot, clerk),
            order.code,
            OrderStatus.ACCEPTED,
            store=bot.shop.store,
            uow=bot.shop.uow(),
        )
    await clerk.presses("Cancel")
    await clerk.says("Honey delivery did not come")
    assert stock_of(bot, "HONEY") == 5

    attempt = await ann.pays()
    assert not attempt.ok
    assert attempt.error == (
        f"Order {order.code} was cancelled (Honey delivery did not come); nothing was charged."
    )
    answer = bot.double.callback_answer(attempt.query_id)
    assert answer is not None and answer["ok"] is False
    with bot.shop.engine.connect() as db:
        assert db.scalar(select(func.count()).select_from(PaymentRow)) == 0


async def test_an_unpaid_order_expires_and_its_stock_returns(paying_shop: RunningBot) -> None:
    bot = paying_shop
    ann, order = await ordered_and_invoiced(bot)
    assert stock_of(bot, "HONEY") == 3
    with bot.shop.uow() as uow:  # half an hour later
        assert order.id is not None
        uow.orders.set_pay_by(order.id, utc_now() - timedelta(seconds=1))
        uow.commit()
    assert bot.application.job_queue is not None
    [release] = bot.application.job_queue.get_jobs_by_name(payments.RELEASE_JOB)
    await release.run(bot.application)
    await release.run(bot.application)  # a second worker's round: nothing more happens
    assert stock_of(bot, "HONEY") == 5
    assert stock_of(bot, "BREAD") == 5
    expired = orders.find_order(order.code, uow=bot.shop.uow())
    assert expired.status is OrderStatus.CANCELLED
    await bot.double.wait_for(lambda: ann.has_seen("Reason: not paid in time"), what="Ann told")
    attempt = await ann.pays()  # the old invoice, tapped too late
    assert not attempt.ok
    assert attempt.error is not None and "not paid in time" in attempt.error


async def test_paying_at_pickup_is_an_explicit_choice(paying_shop: RunningBot) -> None:
    bot = paying_shop
    clerk = logged_in_manager(bot, "Clerk")
    sell(bot, 5, sku="TEA", name="Earl Grey", price_minor=450)
    ann = someone(bot, "Ann")
    await fill_cart(ann, "Earl Grey")
    await checkout_for_pickup(ann)
    await ann.presses("Confirm, pay at pickup")
    assert "To pay at pickup" in ann.screen
    assert not any(m.invoice for m in ann.chat.from_bot)
    order = order_of(bot, ann)
    await bot.double.wait_for(lambda: clerk.has_seen(order.code), what="the new-order alert")
    alert = next(
        m.shown_text for m in clerk.chat.from_bot if f"New order {order.code}" in m.shown_text
    )
    assert alert.endswith("💶 To pay at pickup: 4.50 EUR.")
    await clerk.presses("Accept")
    assert "To pay at pickup" in clerk.screen
    await clerk.presses("Ready for pickup")
    fresh = orders.find_order(order.code, uow=bot.shop.uow())
    await bot.double.wait_for(
        lambda: ann.has_seen("is ready for pickup.\n🔑 Pickup code"), what="Ann's pickup code"
    )
    assert "💶 To pay at pickup: 4.50 EUR." in ann.screen
    await clerk.says(f"/handover {fresh.pickup_code}")
    assert "collect <b>" not in clerk.screen  # the HTML is rendered, not shown
    assert f"Order {order.code}: collect 4.50 EUR." in clerk.screen
    await clerk.presses("Paid in cash")
    assert "💶 4.50 EUR taken in cash." in clerk.screen


async def test_a_store_without_pay_at_pickup_offers_only_paying_now(
    double: LocalBotApi, engine: Engine, mode: str
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    async with running_bot(
        double, url, mode, payment_provider_token=PROVIDER_TOKEN, pay_on_pickup=False
    ) as bot:
        sell(bot, 5, sku="TEA", name="Earl Grey", price_minor=450)
        ann = someone(bot, "Ann")
        await fill_cart(ann, "Earl Grey")
        await checkout_for_pickup(ann)
        summary = ann.last
        assert [b for b in summary.button_texts if "Confirm" in b] == [
            "💳 Confirm and pay 4.50 EUR now"
        ]
        forged = ConfirmOrder(PaymentMethod.ON_HANDOVER).pack()
        alert = await ann.presses_data(forged, on=summary)
        assert alert == "The store does not take that way of paying; please choose again"
        assert orders.my_orders(CustomerRef(ann.person.id, "Ann"), uow=bot.shop.uow()) == []


async def test_cancelling_a_paid_order_records_a_refund_and_tells_the_manager(
    paying_shop: RunningBot,
) -> None:
    bot = paying_shop
    boss = logged_in_manager(bot, "Boss")
    ann, order = await ordered_and_invoiced(bot)
    assert (await ann.pays()).ok
    await ann.says("/myorders")
    await ann.presses(order.code)
    await ann.presses("Cancel order")
    assert "You paid online: 15.20 EUR will be refunded." in ann.screen
    await ann.presses("Yes, cancel it")
    assert "↩️ Refund due: 15.20 EUR" in ann.screen
    await bot.double.wait_for(
        lambda: boss.has_seen(f"Refund due: 15.20 EUR for order {order.code}"),
        what="the manager to hear a refund is due",
    )
    assert orders.find_order(order.code, uow=bot.shop.uow()).payment.refund_due_minor == 1520


async def test_the_pay_button_sends_the_invoice_again(paying_shop: RunningBot) -> None:
    bot = paying_shop
    ann, order = await ordered_and_invoiced(bot)
    await ann.says("/myorders")
    await ann.presses(order.code)
    await ann.presses("💳 Pay 15.20 EUR")
    invoices = [m for m in ann.chat.from_bot if m.invoice is not None]
    assert len(invoices) == 2
    assert (await ann.pays(invoices[-1])).ok
    assert (await ann.pays(invoices[0])).error == (
        f"Order {order.code} is already paid; nothing more was charged."
    )


async def test_someone_elses_invoice_cannot_be_paid(paying_shop: RunningBot) -> None:
    bot = paying_shop
    ann, order = await ordered_and_invoiced(bot)
    bob = someone(bot, "Bob")
    forwarded = ann.last_invoice
    with bot.double.lock:  # Ann forwards her invoice to Bob, who taps Pay
        copy = dataclasses.replace(forwarded, message_id=10_000, chat=bob.person)
        bot.double.chat(bob.person).messages.append(copy)
    attempt = await bob.pays(copy)
    assert not attempt.ok
    assert attempt.error == "This invoice is not for one of your orders; nothing was charged."
    assert orders.find_order(order.code, uow=bot.shop.uow()).payment.awaits_payment
