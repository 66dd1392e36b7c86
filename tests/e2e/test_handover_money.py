"""At the hand-over staff say how the money was taken: cash or card in one tap, or nothing to
ask when it was paid in Telegram. The screen says what to collect; a second tap, or a second
clerk, completes nothing twice."""

from __future__ import annotations

from bot.domain.orders import Order, OrderStatus
from bot.domain.payments import MoneyTaken
from bot.domain.services import orders
from bot.domain.services.customers import CustomerRef
from tests.support.chat_person import ChatPerson
from tests.support.factories import delivery_details, placed_order
from tests.support.running_bot import RunningBot
from tests.support.shop_factories import logged_in_manager, sell, someone, staff_id_of


async def ready_for_pickup(
    bot: RunningBot, clerk: ChatPerson, customer: ChatPerson, *on_duty: ChatPerson
) -> Order:
    """2 teas at 3.00 to pay at pickup, accepted and ready, with their pickup code (once the
    staff on duty have had the new-order message, which comes on its own time)."""
    tea = sell(bot, sku="TEA", name="Earl Grey", price_minor=300)
    who = CustomerRef(customer.person.id, customer.person.first_name)
    order = placed_order(bot.shop.uow(), who, (tea, 2), store=bot.shop.store)
    told = f"New order {order.code}"
    await bot.double.wait_for(
        lambda: all(m.has_seen(told) for m in (clerk, *on_duty)), what="the new-order message"
    )
    for step in (OrderStatus.ACCEPTED, OrderStatus.READY):
        order = orders.move_order(
            staff_id_of(bot, clerk), order.code, step, store=bot.shop.store, uow=bot.shop.uow()
        )
    assert order.pickup_code is not None
    return order


def now(bot: RunningBot, order: Order) -> Order:
    return orders.find_order(order.code, uow=bot.shop.uow())


async def test_a_pay_at_pickup_order_shows_what_to_collect_and_is_completed_by_one_tap(
    bot: RunningBot,
) -> None:
    clerk, ann = logged_in_manager(bot, "Clerk"), someone(bot, "Ann")
    order = await ready_for_pickup(bot, clerk, ann)
    await clerk.says(f"/handover {order.pickup_code}")
    assert f"Order {order.code}: collect 6.00 EUR." in clerk.screen
    assert "• Earl Grey — 2 pc" in clerk.screen
    assert clerk.last.button_texts == ["💶 Paid in cash", "💳 Paid by card"]
    asking = clerk.last
    assert now(bot, order).status is OrderStatus.READY  # nothing completed before the tap

    await clerk.presses("Paid by card")
    assert f"Order {order.code} handed over." in clerk.screen
    assert "💳 6.00 EUR taken by card." in clerk.screen
    assert clerk.last.buttons == []
    done = now(bot, order)
    assert (done.status, done.money_taken) == (OrderStatus.COMPLETED, MoneyTaken.CARD)
    await bot.double.wait_for(lambda: ann.has_seen("is completed. Thank you!"), what="Ann told")

    # The same tap again (a double tap, or the old message): nothing changes.
    alert = await clerk.presses_data(f"hm:{order.pickup_code}:cash", on=asking)
    assert alert == f"Order {order.code} was already handed over."
    assert now(bot, order).money_taken is MoneyTaken.CARD


async def test_two_clerks_tapping_cash_and_card_at_once_complete_the_order_once(
    bot: RunningBot,
) -> None:
    first, second = logged_in_manager(bot, "Clerk"), logged_in_manager(bot, "Sam")
    order = await ready_for_pickup(bot, first, someone(bot, "Ann"), second)
    await first.says(f"/handover {order.pickup_code}")
    await second.says(f"/handover {order.pickup_code}")
    await first.presses("Paid in cash")
    alert = await second.presses_data(f"hm:{order.pickup_code}:card")
    assert alert == f"Order {order.code} was already handed over."
    done = now(bot, order)
    assert (done.status, done.money_taken) == (OrderStatus.COMPLETED, MoneyTaken.CASH)
    completed = [c for c in done.history if c.status is OrderStatus.COMPLETED]
    assert [c.actor for c in completed] == ["staff:clerk"]


async def test_a_forged_money_button_completes_nothing(bot: RunningBot) -> None:
    clerk = logged_in_manager(bot, "Clerk")
    order = await ready_for_pickup(bot, clerk, someone(bot, "Ann"))
    await clerk.says(f"/handover {order.pickup_code}")
    for forged in (
        f"hm:{order.pickup_code}:telegram",
        f"hm:{order.pickup_code}:gold",
        "hm:ZZZZZZ:cash",
    ):
        alert = await clerk.presses_data(forged)
        assert alert is not None and "Traceback" not in alert
    assert now(bot, order).status is OrderStatus.READY


async def test_a_delivery_paid_at_the_door_is_completed_with_how_it_was_paid(
    bot: RunningBot,
) -> None:
    clerk, ann = logged_in_manager(bot, "Clerk"), someone(bot, "Ann")
    tea = sell(bot, sku="TEA", name="Earl Grey", price_minor=300)
    who = CustomerRef(ann.person.id, ann.person.first_name)
    order = placed_order(
        bot.shop.uow(), who, (tea, 2), details=delivery_details(), store=bot.shop.store
    )
    await bot.double.wait_for(
        lambda: clerk.has_seen(f"New order {order.code}"), what="the new-order message"
    )
    for step in (OrderStatus.ACCEPTED, OrderStatus.OUT_FOR_DELIVERY):
        orders.move_order(
            staff_id_of(bot, clerk), order.code, step, store=bot.shop.store, uow=bot.shop.uow()
        )
    await clerk.says(f"/order {order.code}")
    paid_at_the_door = [b for b in clerk.last.button_texts if "paid" in b]
    assert paid_at_the_door == ["🏁 Delivered, paid in cash", "🏁 Delivered, paid by card"]
    await clerk.presses("Delivered, paid in cash")
    done = now(bot, order)
    assert (done.status, done.money_taken) == (OrderStatus.COMPLETED, MoneyTaken.CASH)
    assert clerk.toasts[-1].endswith("taken in cash.")
    assert "💶 Paid in cash (not paid in Telegram)" in clerk.screen  # the card, in place
