"""Stock cannot be hoarded: one order holds at most what the store allows of an item (and at
most half of what is on hand), forged amounts of nothing or less are refused, and a
pay-at-pickup order nobody collects lets its items go once its day and the grace are over."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from bot.domain.catalogue import Product
from bot.domain.clock import utc_now
from bot.domain.orders import CancelReason, Fulfilment, Order, OrderStatus
from bot.domain.services import orders
from bot.domain.services.cart import view_cart
from bot.domain.services.customers import CustomerRef
from bot.domain.services.orders import CheckoutDetails
from bot.handlers import housekeeping
from tests.support.chat_person import ChatPerson
from tests.support.factories import FixedClock, placed_order
from tests.support.running_bot import RunningBot
from tests.support.shop_factories import (
    checkout_for_pickup,
    fill_cart,
    logged_in_manager,
    sell,
    someone,
    staff_id_of,
    stock_of,
)

STALE = "This button is no longer valid. Send /start for a fresh menu."


def ref(person: ChatPerson) -> CustomerRef:
    return CustomerRef(person.person.id, person.person.first_name)


def in_cart(bot: RunningBot, person: ChatPerson, product_id: int | None) -> Decimal:
    return view_cart(ref(person), uow=bot.shop.uow()).quantity_of(product_id or 0)


# ------------------------------------------------------------------ the most one order holds


async def test_a_forged_button_for_the_whole_shelf_puts_in_only_what_one_order_may_hold(
    bot: RunningBot,
) -> None:
    tea = sell(bot, 500, sku="TEA", name="Earl Grey")
    ann = someone(bot, "Ann")
    await ann.says("/start")
    limit = "You can take at most 20 pc of Earl Grey per order."
    assert await ann.presses_data(f"add:{tea.id}:500") == limit
    assert in_cart(bot, ann, tea.id) == 20
    assert limit in ann.screen  # the card says why its picker is gone
    assert not any("to cart" in label for label in ann.last.button_texts)
    assert await ann.presses_data(f"add:{tea.id}:1") == limit  # once more: the same words
    assert await ann.presses_data(f"add:{tea.id}:9999999") == limit  # absurd: the same
    await ann.says("/cart")
    await ann.presses("➕")
    assert ann.toasts[-1] == limit
    assert in_cart(bot, ann, tea.id) == 20


async def test_one_order_holds_at_most_half_of_a_short_shelf_and_the_picker_says_so(
    bot: RunningBot,
) -> None:
    jam = sell(bot, 3, sku="JAM", name="Strawberry jam")
    ann = someone(bot, "Ann")
    await ann.says("/start p_JAM")
    await ann.presses("➕")
    assert "Add 2 pc to cart" in ann.screen + " ".join(ann.last.button_texts)
    await ann.presses("➕")  # a third would leave nobody else any
    assert ann.toasts[-1] == "You can take at most 2 pc of Strawberry jam per order."
    assert await ann.presses_data(f"add:{jam.id}:3") == ann.toasts[-1]
    assert in_cart(bot, ann, jam.id) == 2


async def test_confirming_after_others_bought_checks_the_limit_again(bot: RunningBot) -> None:
    tea = sell(bot, 10, sku="TEA", name="Earl Grey")
    ann, bob = someone(bot, "Ann"), someone(bot, "Bob")
    await fill_cart(ann, "Earl Grey", presses_of_plus=4)  # 5 of 10
    await checkout_for_pickup(ann)
    placed_order(bot.shop.uow(), ref(bob), (tea, 5), store=bot.shop.store)  # 5 left
    await ann.presses("✅ Confirm")
    assert "You can take at most 3 pc of Earl Grey per order." in ann.screen
    assert orders.my_orders(ref(ann), uow=bot.shop.uow()) == []
    assert in_cart(bot, ann, tea.id) == 3
    assert stock_of(bot, "TEA") == 5


async def test_forged_amounts_of_nothing_or_less_are_refused_and_change_nothing(
    bot: RunningBot,
) -> None:
    tea = sell(bot, 10, sku="TEA", name="Earl Grey")
    ann = someone(bot, "Ann")
    await fill_cart(ann, "Earl Grey", presses_of_plus=1)
    for forged in (f"add:{tea.id}:-5", f"add:{tea.id}:0", f"p:{tea.id}:-5", f"p:{tea.id}:0"):
        assert await ann.presses_data(forged) == STALE, forged
        assert in_cart(bot, ann, tea.id) == 2
    assert await ann.presses_data(f"add:{tea.id}:lots") == STALE


# ------------------------------------------------------------------ pickups nobody collects


def pickup_at(day_offset: int, store_now: datetime, bot: RunningBot) -> datetime:
    """10:00 in the store's time zone, this many days from today (every day opens by then)."""
    today = store_now.astimezone(bot.shop.store.timezone).date()
    local = datetime.combine(today + timedelta(days=day_offset), time(10), bot.shop.store.timezone)
    return local.astimezone(UTC)


def order_for_pickup(
    bot: RunningBot, person: ChatPerson, tea: Product, quantity: int, slot: datetime
) -> Order:
    """Placed the day before its pickup, to be paid at the counter."""
    return placed_order(
        bot.shop.uow(),
        ref(person),
        (tea, quantity),
        details=CheckoutDetails(Fulfilment.pickup(slot), "+44 20 7946 0958"),
        store=bot.shop.store,
        clock=FixedClock(slot - timedelta(days=1)),
    )


async def test_a_pickup_nobody_collects_goes_back_on_sale_after_its_day_and_the_grace(
    bot: RunningBot,
) -> None:
    tea = sell(bot, 10, sku="TEA", name="Earl Grey")
    clerk = logged_in_manager(bot, "Clerk")
    clerk_id = staff_id_of(bot, clerk)
    ann, cid, bob = someone(bot, "Ann"), someone(bot, "Cid"), someone(bot, "Bob")
    for person in (ann, cid, bob):
        await person.says("/start")
    now = utc_now()
    ready = order_for_pickup(bot, ann, tea, 2, pickup_at(-3, now, bot))  # prepared, not fetched
    accepted = order_for_pickup(bot, cid, tea, 1, pickup_at(-3, now, bot))
    tomorrow = order_for_pickup(bot, bob, tea, 1, pickup_at(1, now, bot))
    store = bot.shop.store
    for status in (OrderStatus.ACCEPTED, OrderStatus.READY):
        ready = orders.move_order(clerk_id, ready.code, status, store=store, uow=bot.shop.uow())
    orders.move_order(
        clerk_id, accepted.code, OrderStatus.ACCEPTED, store=store, uow=bot.shop.uow()
    )
    await clerk.says(f"/order {accepted.code}")
    [old_card] = [m for m in clerk.chat.from_bot if "🛍 Ready for pickup" in m.button_texts]
    assert stock_of(bot, "TEA") == 6

    assert bot.application.job_queue is not None
    [release] = bot.application.job_queue.get_jobs_by_name(housekeeping.UNCOLLECTED_JOB)
    await release.run(bot.application)
    await release.run(bot.application)  # a second worker's round: nothing more happens

    for gone in (ready, accepted):
        after = orders.find_order(gone.code, uow=bot.shop.uow())
        assert after.status is OrderStatus.CANCELLED
        assert (after.history[-1].actor, after.history[-1].reason) == (
            "shop",
            CancelReason.NOT_PICKED_UP,
        )
    assert orders.find_order(tomorrow.code, uow=bot.shop.uow()).status is OrderStatus.PLACED
    assert stock_of(bot, "TEA") == 9
    with bot.shop.uow() as uow:
        assert uow.ledger.balance(tea.id or 0) == 9

    await bot.double.wait_for(
        lambda: (
            ann.has_seen("Reason: not picked up in time")
            and cid.has_seen(f"Order {accepted.code} was cancelled")
        ),
        what="Ann and Cid to be told",
    )
    await bot.another_sender_round()
    told = [m for m in ann.chat.from_bot if f"Order {ready.code} was cancelled" in m.shown_text]
    assert len(told) == 1
    assert cid.has_seen(f"Order {accepted.code} was cancelled")
    assert not bob.has_seen("was cancelled")

    # The clerk's card from before moves nothing, and the counter will not hand it over.
    await clerk.presses("Ready for pickup", on=old_card)
    assert clerk.toasts[-1] == (
        f"Order {accepted.code} was changed by someone else a moment ago: "
        "it is cancelled now (the shop)."
    )
    assert "Cancelled" in old_card.shown_text
    await clerk.says(f"/handover {ready.pickup_code}")
    assert clerk.screen == f"Order {ready.code} was cancelled: please do not hand it over."
