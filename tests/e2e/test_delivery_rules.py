"""Delivery in a Paris corner shop, end to end on SQLite and MariaDB: zones by postcode with
their fee and minimum basket, free delivery from a basket, a time window chosen at checkout,
and no pickup code for a delivery."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine

from bot.domain.orders import Order, OrderStatus
from bot.domain.payments import MoneyTaken
from bot.domain.services import orders
from bot.domain.services.cart import set_cart_quantity
from bot.domain.services.customers import CustomerRef
from bot.handlers.button_kinds import DeliveryDay, DeliveryTime
from bot.playground.bot_api.server import LocalBotApi
from tests.support.chat_person import ChatPerson
from tests.support.databases import sqlite_only
from tests.support.factories import delivery_details, placed_order
from tests.support.running_bot import RunningBot, running_bot
from tests.support.shop_factories import (
    PROVIDER_TOKEN,
    fill_cart,
    logged_in_manager,
    picks_first_delivery_time,
    sell,
    someone,
    staff_id_of,
)

# As a shop owner writes them: decimal commas and a euro sign are fine.
PARIS = {
    "country": "FR",
    "delivery_fee": "3,50 €",
    "delivery_zones": "75011,75012=4,90/min 15; 93*=6.90/min 30",
    "free_delivery_from": "20",
    "delivery_window_minutes": 60,
}
OBERKAMPF = "12 rue Oberkampf, 75011 Paris"


async def _shop(double: LocalBotApi, engine: Engine, mode: str, **extra: Any) -> Any:
    url = engine.url.render_as_string(hide_password=False)
    return running_bot(double, url, mode, **(PARIS | extra))


@pytest.fixture
async def paris(double: LocalBotApi, engine: Engine, mode: str) -> AsyncIterator[RunningBot]:
    async with await _shop(double, engine, mode) as running:
        yield running


@pytest.fixture
async def paris_with_codes(
    double: LocalBotApi, engine: Engine, mode: str
) -> AsyncIterator[RunningBot]:
    """The same shop, whose couriers ask for a delivery code."""
    async with await _shop(double, engine, mode, delivery_code=True) as running:
        yield running


@pytest.fixture
async def paris_taking_payments(
    double: LocalBotApi, engine: Engine, mode: str
) -> AsyncIterator[RunningBot]:
    """The same shop, taking payments in the chat too."""
    async with await _shop(double, engine, mode, payment_provider_token=PROVIDER_TOKEN) as shop:
        yield shop


def ref(person: ChatPerson) -> CustomerRef:
    return CustomerRef(person.person.id, person.person.first_name)


async def _teas_in_cart(bot: RunningBot, ann: ChatPerson, teas: int) -> int:
    """Earl Grey at 3.00 in Ann's cart, `teas` of them."""
    tea = sell(bot, 50, sku="TEA", name="Earl Grey", price_minor=300)
    await fill_cart(ann, "Earl Grey")
    assert tea.id is not None
    set_cart_quantity(ref(ann), tea.id, Decimal(teas), uow=bot.shop.uow())
    return tea.id


async def _delivered_order(bot: RunningBot, ann: ChatPerson, address: str = OBERKAMPF) -> Order:
    """From the checkout's address question to a placed order, at the first window."""
    await ann.says(address)
    await picks_first_delivery_time(ann)
    await ann.shares_phone("+33 6 12 34 56 78")
    await ann.presses("Skip")
    await ann.presses("✅ Confirm")
    [order] = orders.my_orders(ref(ann), uow=bot.shop.uow())
    return order


async def _alerted(bot: RunningBot, clerk: ChatPerson, order: Order) -> None:
    """Until the new-order alert has reached the clerk: it comes from the outbox, and would
    otherwise land between the card they work and the buttons they press on it."""
    await bot.double.wait_for(
        lambda: clerk.has_seen(f"New order {order.code}"), what="the new-order message"
    )


async def test_an_address_outside_the_zones_is_refused_before_the_summary(
    paris: RunningBot,
) -> None:
    ann = someone(paris, "Ann")
    await _teas_in_cart(paris, ann, 5)  # 15.00: below free delivery (20.00), fees differ by zone
    await ann.says("/checkout")
    await ann.presses("Delivery (from +4.90 EUR)")
    assert "We deliver to these postcodes: 75011, 75012; 93*" in ann.screen
    await ann.says("5 avenue Foch, 75116 Paris")
    assert ann.screen == (
        "🚚 Sorry, we do not deliver to 75116. We deliver to 75011, 75012; 93*. You can give "
        "another address, or choose pickup instead."
    )
    assert "Please check your order" not in ann.screen
    assert ann.last.button_texts[:2] == ["🏪 Pickup instead", "🧺 Edit cart"]
    await ann.says("5 avenue Foch, Paris")
    assert "could not find a postcode in that address" in ann.screen
    await ann.presses("🏪 Pickup instead")
    assert "When would you like to pick it up?" in ann.screen
    assert orders.my_orders(ref(ann), uow=paris.shop.uow()) == []


async def test_a_basket_below_the_zone_minimum_is_told_the_missing_amount_then_delivered(
    paris: RunningBot,
) -> None:
    clerk = logged_in_manager(paris, "Clerk")
    ann = someone(paris, "Ann")
    tea_id = await _teas_in_cart(paris, ann, 3)  # 9.00 of a 15.00 minimum
    await ann.says("/checkout")
    await ann.presses("Delivery")
    await ann.says(OBERKAMPF)
    assert ann.screen == (
        "🚚 Delivery to 75011 starts from a basket of 15.00 EUR: please add 6.00 EUR more to "
        "your cart, or choose pickup instead."
    )
    set_cart_quantity(ref(ann), tea_id, Decimal(5), uow=paris.shop.uow())  # 15.00
    await ann.says("/checkout")
    await ann.presses(f"🏠 {OBERKAMPF}")  # the address given is kept for one tap
    await picks_first_delivery_time(ann)
    await ann.shares_phone("+33 6 12 34 56 78")
    await ann.presses("Skip")
    assert f"🚚 Delivery to {OBERKAMPF}: 4.90 EUR" in ann.screen
    assert "🕐 Delivery time: " in ann.screen
    assert "Total: 19.90 EUR" in ann.screen
    await ann.presses("✅ Confirm")
    [order] = orders.my_orders(ref(ann), uow=paris.shop.uow())
    assert (order.fulfilment.delivery_fee_minor, order.total_minor) == (490, 1_990)
    window = order.fulfilment.window
    assert window is not None and window[1] - window[0] == timedelta(hours=1)
    local = window[0].astimezone(paris.shop.store.timezone)
    shown = f"{local:%a %d %b, %H:%M}–{local + timedelta(hours=1):%H:%M}"
    assert f"🕐 Delivery time: {shown}" in ann.screen
    await paris.double.wait_for(
        lambda: clerk.has_seen(f"New order {order.code}"), what="the new order to reach staff"
    )
    alert = next(m for m in clerk.chat.from_bot if order.code in m.shown_text).shown_text
    assert f"🚚 Deliver to {OBERKAMPF}\n🕐 Delivery time: {shown}" in alert
    await clerk.says(f"/order {order.code}")
    assert f"🕐 Delivery time: {shown}" in clerk.screen


async def test_delivery_is_free_from_the_threshold(paris: RunningBot) -> None:
    ann = someone(paris, "Ann")
    await _teas_in_cart(paris, ann, 7)  # 21.00, free from 20.00
    await ann.says("/checkout")
    await ann.presses("🚚 Delivery (free)")  # said before the address: no fee shown
    order = await _delivered_order(paris, ann)
    assert f"🚚 Delivery to {OBERKAMPF}: free" in ann.screen
    assert "Total: 21.00 EUR" in ann.screen
    assert (order.fulfilment.delivery_fee_minor, order.total_minor) == (0, 2_100)


async def test_a_delivery_sends_no_pickup_code_and_staff_mark_it_delivered(
    paris: RunningBot,
) -> None:
    clerk = logged_in_manager(paris, "Clerk")
    ann = someone(paris, "Ann")
    await _teas_in_cart(paris, ann, 5)
    await ann.says("/checkout")
    await ann.presses("Delivery")
    order = await _delivered_order(paris, ann)
    await _alerted(paris, clerk, order)
    await clerk.says(f"/order {order.code}")
    await clerk.presses("✅ Accept")
    await clerk.presses("🚚 Out for delivery")
    assert clerk.last.button_texts == ["🏁 Delivered, paid in cash", "🏁 Delivered, paid by card"]
    await paris.double.wait_for(
        lambda: ann.has_seen(f"Order {order.code} is out for delivery"),
        what="the news that it left",
    )
    news = [m for m in ann.chat.from_bot if "out for delivery" in m.shown_text]
    assert [m.photo for m in news] == [None]  # no QR code
    assert not ann.has_seen("Pickup code") and not ann.has_seen("Delivery code")
    out = orders.find_order(order.code, uow=paris.shop.uow())
    assert (out.status, out.pickup_code) == (OrderStatus.OUT_FOR_DELIVERY, None)
    await clerk.presses("🏁 Delivered, paid in cash")
    delivered = orders.find_order(order.code, uow=paris.shop.uow())
    assert (delivered.status, delivered.pickup_code) == (OrderStatus.COMPLETED, None)


async def test_a_shop_with_delivery_codes_tells_the_customer_to_give_it_to_the_courier(
    paris_with_codes: RunningBot,
) -> None:
    bot = paris_with_codes
    clerk = logged_in_manager(bot, "Clerk")
    ann = someone(bot, "Ann")
    await _teas_in_cart(bot, ann, 5)
    await ann.says("/checkout")
    await ann.presses("Delivery")
    order = await _delivered_order(bot, ann)
    await _alerted(bot, clerk, order)
    await clerk.says(f"/order {order.code}")
    await clerk.presses("✅ Accept")
    await clerk.presses("🚚 Out for delivery")
    assert not any("Delivered" in b for b in clerk.last.button_texts)  # only the code does
    assert "the courier asks for it and types it after 🔑 Type the delivery code" in clerk.screen
    out = orders.find_order(order.code, uow=bot.shop.uow())
    assert out.pickup_code is not None
    await bot.double.wait_for(
        lambda: ann.has_seen(f"Delivery code: {out.pickup_code}"), what="the delivery code"
    )
    news = next(m for m in ann.chat.from_bot if "out for delivery" in m.shown_text)
    assert news.photo is None
    assert "Please give it to the courier when your order arrives." in news.shown_text
    assert "Pickup code" not in news.shown_text
    await clerk.says(f"/handover {out.pickup_code.lower()}")  # the courier types the code
    await clerk.presses("💶 Paid in cash")
    delivered = orders.find_order(order.code, uow=bot.shop.uow())
    assert delivered.status is OrderStatus.COMPLETED


async def out_with_a_code(bot: RunningBot, clerk: ChatPerson, who: str) -> Order:
    """Two teas for delivery to `who`, placed, accepted and out for delivery: with its code."""
    tea = sell(bot, 50, sku=f"TEA-{who}", name="Earl Grey", price_minor=300)
    person = someone(bot, who)
    order = placed_order(
        bot.shop.uow(), ref(person), (tea, 2), details=delivery_details(), store=bot.shop.store
    )
    await _alerted(bot, clerk, order)
    for step in (OrderStatus.ACCEPTED, OrderStatus.OUT_FOR_DELIVERY):
        order = orders.move_order(
            staff_id_of(bot, clerk), order.code, step, store=bot.shop.store, uow=bot.shop.uow()
        )
    assert order.pickup_code is not None
    return order


async def test_a_courier_types_the_delivery_code_after_its_button_and_only_that_code_works(
    paris_with_codes: RunningBot,
) -> None:
    bot = paris_with_codes
    clerk = logged_in_manager(bot, "Clerk")
    anns, bobs = await out_with_a_code(bot, clerk, "Ann"), await out_with_a_code(bot, clerk, "Bob")
    await clerk.says(f"/order {anns.code}")
    await clerk.presses("🔑 Type the delivery code…")
    assert f"Type the delivery code the customer gives you for order {anns.code}" in clerk.screen
    await clerk.says(str(bobs.pickup_code))  # Bob's code at Ann's door: hands nothing over
    assert f"That is not the delivery code of order {anns.code}." in clerk.screen
    await clerk.says("ZZZZZZ")
    assert f"That is not the delivery code of order {anns.code}." in clerk.screen
    assert {o.status for o in (now(bot, anns), now(bot, bobs))} == {OrderStatus.OUT_FOR_DELIVERY}

    await clerk.says(f" {str(anns.pickup_code).lower()} ")  # as the courier types it
    assert f"Order {anns.code}: collect 9.00 EUR." in clerk.screen  # with its delivery fee
    await clerk.presses("💳 Paid by card")
    assert (now(bot, anns).status, now(bot, anns).money_taken) == (
        OrderStatus.COMPLETED,
        MoneyTaken.CARD,
    )
    await clerk.says("hello")  # the question is closed: no code is asked for any more
    assert "delivery code" not in clerk.screen
    assert now(bot, bobs).status is OrderStatus.OUT_FOR_DELIVERY


def now(bot: RunningBot, order: Order) -> Order:
    return orders.find_order(order.code, uow=bot.shop.uow())


async def test_forged_or_stale_delivery_time_buttons_are_refused_politely(
    paris: RunningBot,
) -> None:
    ann = someone(paris, "Ann")
    await _teas_in_cart(paris, ann, 5)
    await ann.says("/checkout")
    await ann.presses("Delivery")
    await ann.says(OBERKAMPF)
    question = ann.last
    beyond = DeliveryTime(10**15).pack()  # past the year 9999
    assert await ann.presses_data(beyond, on=question) == (
        "This button is no longer valid. Send /start for a fresh menu."
    )
    assert await ann.presses_data(DeliveryTime(60).pack(), on=question) == (  # 1970
        "That delivery time is no longer available; please pick another."
    )
    assert await ann.presses_data(DeliveryDay(10**11).pack(), on=question) == (
        "That question was already answered. Please use the latest message."
    )
    await picks_first_delivery_time(ann)
    assert "share your phone number" in ann.screen
    assert await ann.presses_data(DeliveryDay(0).pack(), on=question) == (
        "That question was already answered. Please use the latest message."
    )


async def test_the_invoice_charges_the_zone_fee_and_nothing_above_the_threshold(
    paris_taking_payments: RunningBot,
) -> None:
    bot = paris_taking_payments
    ann = someone(bot, "Ann")
    tea_id = await _teas_in_cart(bot, ann, 5)  # 15.00: 4.90 to deliver in 75011
    await ann.says("/checkout")
    await ann.presses("Delivery")
    await ann.says("3 rue de la Mairie, 75012 Paris")
    await picks_first_delivery_time(ann)
    await ann.shares_phone("+33 6 12 34 56 78")
    await ann.presses("Skip")
    await ann.presses("💳 Confirm and pay 19.90 EUR now")
    invoice = ann.last_invoice.invoice
    assert invoice is not None
    assert invoice.prices == (("Earl Grey × 5 pc", 1_500), ("Delivery", 490))
    await fill_cart(ann, "Earl Grey")
    set_cart_quantity(ref(ann), tea_id, Decimal(7), uow=bot.shop.uow())  # 21.00: free
    await ann.says("/checkout")
    await ann.presses("Delivery")
    await ann.presses("🏠 3 rue de la Mairie, 75012 Paris")
    await picks_first_delivery_time(ann)
    await ann.says("+33 6 12 34 56 78")
    await ann.presses("Skip")
    await ann.presses("💳 Confirm and pay 21.00 EUR now")
    invoice = ann.last_invoice.invoice
    assert invoice is not None
    assert invoice.prices == (("Earl Grey × 7 pc", 2_100),)


async def test_with_no_pickup_nor_delivery_time_in_the_coming_days_checkout_says_so(
    double: LocalBotApi, engine: Engine, mode: str
) -> None:
    today = datetime.now(ZoneInfo("Europe/Paris")).date()
    holidays = ", ".join(str(today + timedelta(days=n)) for n in range(10))
    shop = await _shop(
        double, engine, mode, delivery_hours="mon-sun 10:00-18:00", closed_dates=holidays
    )
    async with shop as paris:
        ann = someone(paris, "Ann")
        await _teas_in_cart(paris, ann, 10)
        await ann.says("/checkout")
        await ann.presses("Pickup")
        nothing_left = (
            "Sorry, there are no pickup or delivery times in the coming days, so no order can "
            "be placed now. Your cart is kept: please try again later."
        )
        # Not sent to delivery, which has no time either, and from there back to pickup.
        assert (ann.screen, ann.last.button_texts) == (nothing_left, ["✖ Leave checkout"])
        await ann.presses("Leave checkout")
        await ann.says("/checkout")
        await ann.presses("Delivery")
        await ann.says(OBERKAMPF)
        assert (ann.screen, ann.last.button_texts) == (nothing_left, ["✖ Leave checkout"])
        await ann.says("/cart")
        assert "Earl Grey" in ann.screen


@sqlite_only
async def test_info_tells_where_the_shop_delivers_and_at_what_fee(
    double: LocalBotApi, engine: Engine, mode: str
) -> None:
    # The suburbs have a threshold of their own; the centre has the store's (20.00).
    zones = "75011,75012=4,90/min 15; 93*=6.90/min 30/free 60"
    async with await _shop(double, engine, mode, delivery_zones=zones) as paris:
        ann = someone(paris, "Ann")
        await ann.says("/info")
    assert ann.screen.endswith(
        "\nDelivery\n"
        "• 75011, 75012: 4.90 EUR, minimum basket 15.00 EUR, free from 20.00 EUR\n"
        "• 93*: 6.90 EUR, minimum basket 30.00 EUR, free from 60.00 EUR"
    )
