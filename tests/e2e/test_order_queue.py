"""Staff work orders through to completed; the customer is told at every step."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine

from bot.domain.orders import Order, OrderStatus
from bot.domain.services import catalogue, orders
from bot.domain.services.cart import set_cart_quantity
from bot.domain.services.customers import CustomerRef
from bot.playground.bot_api.server import LocalBotApi
from tests.support.chat_person import ChatPerson
from tests.support.factories import delivery_details, make_product, pickup_details
from tests.support.running_bot import RunningBot, running_bot
from tests.support.shop_factories import logged_in_manager as logged_in
from tests.support.shop_factories import staff_id_of, work_to_completed


def order_for(
    bot: RunningBot, who: ChatPerson, quantity: int = 2, *, delivery: bool = False, **product: Any
) -> Order:
    item = catalogue.add_product(
        make_product(**product),
        initial_stock=Decimal(10),
        actor="test",
        store=bot.shop.store,
        uow=bot.shop.uow(),
    )
    ref = CustomerRef(who.person.id, who.person.first_name)
    set_cart_quantity(ref, item.id or 0, Decimal(quantity), uow=bot.shop.uow())
    details = delivery_details() if delivery else pickup_details(note="no plastic <please>")
    return orders.place_order(ref, details, store=bot.shop.store, uow=bot.shop.uow())


async def test_a_new_order_reaches_on_duty_staff_with_buttons_and_is_worked_to_completed(
    bot: RunningBot,
) -> None:
    clerk = logged_in(bot, "Clerk")
    ann = ChatPerson(bot.double, bot.double.person("Ann"))
    order = order_for(bot, ann, sku="TEA", name="Earl Grey")
    await bot.double.wait_for(
        lambda: clerk.has_seen(f"New order {order.code}"), what="the new-order message"
    )
    await clerk.presses("Accept")
    assert f"Order {order.code}" in clerk.screen
    assert "· Accepted" in clerk.screen
    assert clerk.last.button_texts == ["🛍 Ready for pickup", "❌ Cancel…", "⚖️ Picking…"]
    await clerk.presses("Ready for pickup")
    assert clerk.last.buttons == []  # a pickup leaves the shop only through its hand-over
    assert "Scan the customer's QR code, or /handover CODE" in clerk.screen
    pickup_code = orders.find_order(order.code, uow=bot.shop.uow()).pickup_code
    await clerk.says(f"/handover {pickup_code}")
    await clerk.presses("Paid in cash")
    assert f"Order {order.code} handed over." in clerk.screen
    assert orders.find_order(order.code, uow=bot.shop.uow()).status is OrderStatus.COMPLETED
    await bot.double.wait_for(
        lambda: ann.has_seen("is completed. Thank you!"), what="the customer's last status message"
    )
    told = [m.shown_text for m in ann.chat.from_bot if m.shown_text.startswith("📦")]
    assert ["was accepted" in told[0], "is ready for pickup" in told[1]] == [True, True]


async def test_orders_lists_open_orders_oldest_first_with_everything_staff_need(
    bot: RunningBot,
) -> None:
    ann = ChatPerson(bot.double, bot.double.person("Ann"))
    first = order_for(bot, ann, sku="TEA", name="Earl Grey")
    second = order_for(bot, ann, delivery=True, sku="JAM", name="Jam")
    done = order_for(bot, ann, sku="OIL", name="Olive oil")
    clerk = logged_in(bot, "Clerk")
    clerk_id = staff_id_of(bot, clerk)
    work_to_completed(bot, clerk_id, done.code)
    await clerk.says("/orders")
    cards = [m for m in clerk.chat.from_bot if m.shown_text.startswith("Order ")]
    assert [c.shown_text.split()[1] for c in cards[-2:]] == [first.code, second.code]
    assert "Earl Grey (TEA) — 2 pc" in cards[-2].shown_text
    assert "no plastic <please>" in cards[-2].shown_text
    assert "Deliver to 12 High Street, Springfield" in cards[-1].shown_text
    assert "👤 Ann · 📞 01234 567890" in cards[-1].shown_text
    await clerk.says(f"/order {done.code.lower()}")
    assert "History" in clerk.screen
    assert "Completed by clerk" in clerk.screen
    assert "Placed by Ann" in clerk.screen


async def test_a_customer_whose_name_looks_like_markup_is_named_as_typed_on_cards(
    bot: RunningBot,
) -> None:
    odd = ChatPerson(bot.double, bot.double.person("<b>Zoë</b> & Co"))
    order = order_for(bot, odd, sku="TEA", name="Earl Grey")
    await odd.says("/myorders")
    await odd.presses(order.code)
    await odd.presses("Cancel order")
    await odd.presses("Yes, cancel it")
    clerk = logged_in(bot, "Clerk")
    await clerk.says(f"/order {order.code}")
    assert "👤 <b>Zoë</b> & Co · 📞" in clerk.screen
    assert "Cancelled by <b>Zoë</b> & Co" in clerk.screen


async def test_cancelling_asks_for_a_reason_gives_stock_back_and_tells_the_customer(
    bot: RunningBot,
) -> None:
    ann = ChatPerson(bot.double, bot.double.person("Ann"))
    order = order_for(bot, ann, 3, sku="TEA", name="Earl Grey")
    clerk = logged_in(bot, "Clerk")
    await clerk.says(f"/order {order.code}")
    await clerk.presses("Cancel")
    assert "Why is order" in clerk.screen
    await clerk.says("We ran out of bags <sorry>")
    assert "· Cancelled" in clerk.screen
    assert catalogue.find_product("TEA", uow=bot.shop.uow()).stock == 10
    await bot.double.wait_for(
        lambda: ann.has_seen("Reason: We ran out of bags <sorry>"), what="the customer to hear why"
    )


async def test_the_cancel_command_keeps_an_order_whose_reason_was_being_asked(
    bot: RunningBot,
) -> None:
    order = order_for(bot, ChatPerson(bot.double, bot.double.person("Ann")), sku="TEA")
    clerk = logged_in(bot, "Clerk")
    await clerk.says(f"/order {order.code}")
    await clerk.presses("Cancel")
    await clerk.says("/cancel")
    assert "Stopped. Nothing was changed." in clerk.screen
    assert orders.find_order(order.code, uow=bot.shop.uow()).status is OrderStatus.PLACED


async def test_two_staff_pressing_different_buttons_at_once_one_wins(bot: RunningBot) -> None:
    order = order_for(bot, ChatPerson(bot.double, bot.double.person("Ann")), sku="TEA")
    first, second = logged_in(bot, "First"), logged_in(bot, "Second")
    await first.says(f"/order {order.code}")
    await second.says(f"/order {order.code}")
    accept = bot.double.press(first.person, first.last, "Accept")
    accept_too = bot.double.press(second.person, second.last, "Accept")
    await bot.double.settle()
    answers = [first.alert_for(accept) or "", second.alert_for(accept_too) or ""]
    won = f"Order {order.code}: accepted. The customer is told."
    [lost] = [a for a in answers if a != won]
    assert answers.count(won) == 1
    assert lost.startswith(f"Order {order.code} was changed by someone else a moment ago")
    final = orders.find_order(order.code, uow=bot.shop.uow())
    assert [h.status for h in final.history] == [OrderStatus.PLACED, OrderStatus.ACCEPTED]


async def test_a_stale_button_says_the_order_moved_and_shows_it_as_it_is(
    bot: RunningBot,
) -> None:
    order = order_for(bot, ChatPerson(bot.double, bot.double.person("Ann")), sku="TEA")
    clerk = logged_in(bot, "Clerk")
    await clerk.says(f"/order {order.code}")
    old = clerk.last
    orders.move_order(
        staff_id_of(bot, clerk),
        order.code,
        OrderStatus.ACCEPTED,
        store=bot.shop.store,
        uow=bot.shop.uow(),
    )
    alert = await clerk.presses_data(old.buttons[0]["callback_data"], on=old)  # ✅ Accept
    who = old.chat.first_name.lower()
    assert alert == (
        f"Order {order.code} was changed by someone else a moment ago: it is accepted now ({who})."
    )
    assert "· Accepted" in old.shown_text  # the stale message now shows the order as it is
    assert old.button_texts == ["🛍 Ready for pickup", "❌ Cancel…", "⚖️ Picking…"]
    await clerk.says("/order NOPE1234")
    assert "There is no order NOPE1234." in clerk.screen


async def test_an_old_cards_cancel_for_a_finished_order_says_so_before_asking_why(
    bot: RunningBot,
) -> None:
    order = order_for(bot, ChatPerson(bot.double, bot.double.person("Ann")), sku="TEA")
    clerk = logged_in(bot, "Clerk")
    await clerk.says(f"/order {order.code}")
    old = clerk.last
    for status in (OrderStatus.ACCEPTED, OrderStatus.CANCELLED):
        orders.move_order(
            staff_id_of(bot, clerk),
            order.code,
            status,
            reason="out of tea",
            store=bot.shop.store,
            uow=bot.shop.uow(),
        )
    alert = await clerk.presses_data(old.buttons[1]["callback_data"], on=old)  # ❌ Cancel…
    assert alert is not None and "it is cancelled now" in alert
    assert not clerk.has_seen("Why is order"), "no reason is asked for a finished order"
    assert "· Cancelled" in old.shown_text and old.button_texts == []


async def test_the_customer_hears_of_a_move_at_once_not_at_the_next_poll(
    double: LocalBotApi, engine: Engine, mode: str
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    async with running_bot(double, url, mode, outbox_poll_seconds=60) as bot:
        clerk = logged_in(bot, "Clerk")
        ann = ChatPerson(bot.double, bot.double.person("Ann"))
        order = order_for(bot, ann, sku="TEA", name="Earl Grey")
        await bot.double.wait_for(lambda: clerk.has_seen(order.code), what="the new order")
        await clerk.presses("Accept")
        # The next poll is a minute away: only the commit's wake-up can send it this soon.
        await bot.double.wait_for(
            lambda: ann.has_seen(f"Order {order.code} was accepted"),
            timeout=3,
            what="the customer to hear at once",
        )


async def test_a_burst_of_notifications_leaves_together_and_each_chat_keeps_its_order(
    bot: RunningBot,
) -> None:
    customers = [ChatPerson(bot.double, bot.double.person(f"Customer {n}")) for n in range(8)]
    placed = [order_for(bot, c, sku=f"TEA{n}", name=f"Tea {n}") for n, c in enumerate(customers)]
    clerk_id = staff_id_of(bot, logged_in(bot, "Clerk"))
    await bot.another_sender_round()  # the new-order alerts are out of the way
    bot.double.slow_down("sendMessage", 0.4)  # one message after another would take 6.4 s
    bot.double.reset_peak()
    started = time.monotonic()
    store, uow = bot.shop.store, bot.shop.uow
    for order in placed:  # staff accept each order, then cancel it: two messages per customer
        orders.move_order(clerk_id, order.code, OrderStatus.ACCEPTED, store=store, uow=uow())
        orders.move_order(
            clerk_id, order.code, OrderStatus.CANCELLED, reason="no tea", store=store, uow=uow()
        )

    def told(c: ChatPerson) -> list[str]:
        return [m.shown_text for m in c.chat.from_bot if m.shown_text.startswith("📦 Order")]

    await bot.double.wait_for(
        lambda: all(len(told(c)) == 2 for c in customers), timeout=15, what="16 messages"
    )
    elapsed = time.monotonic() - started
    assert bot.double.peak_in_flight >= 4  # different chats at once
    assert elapsed < 4  # not one after another
    for c in customers:
        assert ["was accepted" in told(c)[0], "was cancelled" in told(c)[1]] == [True, True]
