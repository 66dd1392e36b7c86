"""Customers ordering by chat, end to end: the real bot, over HTTP, on SQLite and MariaDB."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from bot.domain.catalogue import Unit
from bot.domain.orders import FulfilmentKind, OrderStatus
from bot.domain.services import catalogue, orders, staff
from bot.domain.services.cart import set_cart_quantity, view_cart
from bot.domain.services.customers import CustomerRef
from bot.domain.services.orders import place_order
from bot.playground.bot_api.server import LocalBotApi
from tests.support.chat_person import ChatPerson
from tests.support.databases import sqlite_only
from tests.support.factories import FAST_HASHER, pickup_details
from tests.support.running_bot import RunningBot, both_modes, running_bot
from tests.support.shop_factories import (
    CUSTOMER_MENU,
    checkout_for_pickup,
    fill_cart,
    picks_first_delivery_time,
    sell,
    stock_of,
    work_to_completed,
)

PASSWORD = "correct horse battery"


def customer(bot: RunningBot, name: str = "Ann") -> ChatPerson:
    return ChatPerson(bot.double, bot.double.person(name))


def ref(person: ChatPerson) -> CustomerRef:
    return CustomerRef(person.person.id, person.person.first_name)


def on_duty_staff(bot: RunningBot) -> ChatPerson:
    """A manager logged in from their own chat, who hears about new orders."""
    clerk = customer(bot, "Clerk")
    staff.create_manager("boss", PASSWORD, uow=bot.shop.uow(), hasher=FAST_HASHER)
    staff.log_in(
        "boss", PASSWORD, telegram_user_id=clerk.person.id, uow=bot.shop.uow(), hasher=FAST_HASHER
    )
    return clerk


# ------------------------------------------------------------------ start and browsing


@sqlite_only
async def test_start_greets_with_the_store_and_the_menu(bot: RunningBot) -> None:
    ann = customer(bot)
    await ann.says("/start")
    assert "Welcome to Corner Shop <&> Co" in ann.screen
    assert ann.last.button_texts == [
        "🛍 Catalogue",
        "🔎 Search",
        "⭐ Favourites",
        "🔁 Buy again",
        "🧺 Cart",
        "📦 My orders",
        "💬 Ask the shop",
        "❓ Help",
    ]
    assert bot.double.commands_for(ann.person) == CUSTOMER_MENU


@sqlite_only
async def test_a_shelf_qr_code_opens_the_item(bot: RunningBot) -> None:
    sell(bot, sku="RICE-1KG", name="Basmati rice 1 kg", price_minor=349)
    ann = customer(bot)
    await ann.says("/start p_rice-1kg")
    assert "Basmati rice 1 kg" in ann.screen
    assert "3.49 EUR per pc" in ann.screen
    for link in ("p_NO-SUCH", "p_", "p_<b>%%"):  # a stale, a cut and a garbled link
        await ann.says(f"/start {link}")
        assert ann.screen == "That link does not lead to any item. Browse the catalogue: /catalogue"


@sqlite_only
async def test_browsing_pages_through_a_category_in_one_message(bot: RunningBot) -> None:
    for n in range(8):
        sell(bot, sku=f"PASTA-{n}", name=f"Pasta no. {n}", category="Pasta & Rice")
    sell(bot, sku="TEA", name="Earl Grey", category="Drinks")
    ann = customer(bot)
    await ann.says("/catalogue")
    assert ann.last.button_texts[:2] == ["Drinks", "Pasta & Rice"]
    listing = await ann.presses("Pasta & Rice")
    assert "page 1 of 2" in ann.screen
    assert len([t for t in ann.last.button_texts if t.startswith("Pasta no.")]) == 6
    await ann.presses("Next ›")
    assert "page 2 of 2" in ann.screen
    assert ann.last.message_id == listing.message_id  # edited in place, not a new message
    assert len(ann.chat.from_bot) == 1


@sqlite_only
async def test_an_item_card_shows_price_availability_and_photo(bot: RunningBot) -> None:
    sell(
        bot,
        2,
        sku="AVO",
        name="Avocado, ripe",
        price_minor=129,
        photo_file_id="photo-avo",
        description="From Spain",
    )
    sell(bot, 0, sku="YOG", name="Greek yoghurt", category="Pantry")
    ann = customer(bot)
    await ann.says("/start p_AVO")
    card = ann.last
    assert card.photo == "photo-avo"
    assert "Only 2 pc left" in card.shown_text
    assert "From Spain" in card.shown_text
    await ann.says("/start p_YOG")
    assert "Sold out" in ann.screen
    assert not any("to cart" in t for t in ann.last.button_texts)


async def test_the_quantity_picker_moves_by_the_step_of_an_item_sold_by_weight(
    bot: RunningBot,
) -> None:
    apples = sell(
        bot,
        "5",
        sku="APPLES",
        name="Gala apples",
        unit=Unit.KILOGRAM,
        step=Decimal("0.25"),
        price_minor=400,
        category="Fruit",
    )
    ann = customer(bot)
    await ann.says("/start p_APPLES")
    assert "0.25 kg" in ann.last.button_texts
    query = bot.double.press(ann.person, ann.last, "➖")
    await bot.double.settle()
    assert ann.alert_for(query) == "That is the smallest amount you can order."
    query = bot.double.press(ann.person, ann.last, "0.25 kg", nth=0)
    await bot.double.settle()
    assert ann.alert_for(query) == "Use ➖ and ➕ to change the amount, then add it to your cart."
    await ann.presses("➕")
    await ann.presses("➕")
    assert "Add 0.75 kg to cart · 3.00 EUR" in ann.last.button_texts
    await ann.presses("➖")
    await ann.presses("Add 0.5 kg")
    assert "In your cart: 0.5 kg" in ann.screen
    cart = view_cart(ref(ann), uow=bot.shop.uow())
    assert cart.quantity_of(apples.id or 0) == Decimal("0.5")


async def test_the_picker_stops_at_what_the_shop_has_and_says_so(bot: RunningBot) -> None:
    # The last jar: one order may hold half of a shelf (tests/e2e/test_hoarding.py), but
    # never less than one, so here the shelf is what stops the picker.
    sell(bot, 1, sku="JAM", name="Strawberry jam")
    ann = customer(bot)
    await ann.says("/start p_JAM")
    assert "Only 1 pc left" in ann.screen
    assert "Add 1 pc to cart · 2.50 EUR" in ann.last.button_texts
    query = bot.double.press(ann.person, ann.last, "➕")
    await bot.double.settle()
    assert ann.alert_for(query) == "That is all we have in stock."
    assert not any(label.startswith("Add 2") for label in ann.last.button_texts)

    await ann.presses("Add 1 pc")
    assert "In your cart: 1 pc" in ann.screen
    assert "All we have of it is in your cart." in ann.screen
    assert not any("to cart" in label for label in ann.last.button_texts)


@sqlite_only
async def test_a_forged_amount_past_the_stock_is_shown_as_what_can_be_sold(
    bot: RunningBot,
) -> None:
    jam = sell(bot, 1, sku="JAM", name="Strawberry jam")
    ann = customer(bot)
    await ann.says("/start p_JAM")
    await ann.presses_data(f"p:{jam.id}:40")
    assert "Add 1 pc to cart · 2.50 EUR" in ann.last.button_texts


async def test_a_chosen_pickup_time_is_shown_and_the_other_times_cannot_be_tapped(
    bot: RunningBot,
) -> None:
    sell(bot, 5, sku="JAM", name="Strawberry jam")
    ann = customer(bot)
    await fill_cart(ann, "Strawberry jam")
    await ann.says("/cart")
    await ann.presses("Checkout")
    await ann.presses("Pickup")
    times = ann.last
    slot = times.button_texts[0]
    await ann.presses(slot, on=times)
    assert times.shown_text.startswith("✅ Pickup: ")
    assert times.inline_keyboard is None or times.button_texts == []
    assert ann.chat.reply_keyboard is not None  # the next question: the phone


@sqlite_only
async def test_search_finds_items_by_text_or_command_ignoring_case_and_accents(
    bot: RunningBot,
) -> None:
    sell(bot, sku="CREME", name="Crème brûlée", category="Desserts")
    ann = customer(bot)
    await ann.says("creme BRULEE")
    assert "Found 1" in ann.screen
    assert ann.last.button_texts[0].startswith("Crème brûlée")
    await ann.says("/search desserts")
    assert "Found 1" in ann.screen
    await ann.says("/search caviar")
    assert "Nothing found for “caviar”" in ann.screen


@sqlite_only
async def test_search_forgives_a_typo_and_puts_items_named_so_first(bot: RunningBot) -> None:
    sell(bot, sku="BUTTER", name="Butter 250 g", category="Dairy & Eggs")
    sell(bot, sku="EGGS-6", name="Free-range eggs ×6", category="Dairy & Eggs")
    sell(bot, sku="DISH", name="Washing-up liquid", category="Household")
    ann = customer(bot)
    await ann.says("eggs")
    assert "Found 2" in ann.screen
    assert [b.split(" · ")[0] for b in ann.last.button_texts[:2]] == [
        "Free-range eggs ×6",
        "Butter 250 g",
    ]
    await ann.says("buttter")
    assert "Found 1" in ann.screen
    assert ann.last.button_texts[0].startswith("Butter 250 g")
    await ann.says("hi")  # not the middle of "wasHIng"
    assert "Nothing found for “hi”" in ann.screen


@sqlite_only
async def test_names_with_html_characters_are_shown_as_written(bot: RunningBot) -> None:
    sell(bot, sku="MILK", name="Milk 2.5% <fresh> & co", description="<b>not bold</b>")
    ann = customer(bot)
    await ann.says("/start p_MILK")
    assert "Milk 2.5% <fresh> & co" in ann.screen
    assert "<b>not bold</b>" in ann.screen  # escaped: the double would refuse bad HTML


# ------------------------------------------------------------------ cart


async def test_the_cart_shows_totals_and_changes_lines_in_place(bot: RunningBot) -> None:
    tea = sell(bot, sku="TEA", name="Earl Grey", price_minor=300)
    sell(bot, sku="JAM", name="Strawberry jam", price_minor=250)
    ann = customer(bot)
    await fill_cart(ann, "Earl Grey", presses_of_plus=1)
    await fill_cart(ann, "Strawberry jam")
    await ann.says("/cart")
    assert "Earl Grey — 2 pc × 3.00 EUR = 6.00 EUR" in ann.screen
    assert "Total: 8.50 EUR" in ann.screen
    cart_message = ann.last
    await ann.presses("➖", on=cart_message, nth=0)  # Earl Grey's line comes first
    assert "Total: 5.50 EUR" in ann.screen
    await ann.presses("🗑", nth=0)
    assert "Earl Grey" not in ann.screen
    assert ann.last.message_id == cart_message.message_id
    await ann.presses("Empty cart")
    assert "Your cart is empty" in ann.screen
    assert view_cart(ref(ann), uow=bot.shop.uow()).quantity_of(tea.id or 0) == 0


async def test_the_cart_survives_a_restart(double: LocalBotApi, engine: Any, mode: str) -> None:
    url = engine.url.render_as_string(hide_password=False)
    async with running_bot(double, url, mode) as first:
        sell(first, sku="TEA", name="Earl Grey", price_minor=300)
        ann = customer(first)
        await fill_cart(ann, "Earl Grey")
    async with running_bot(double, url, mode):
        await ann.says("/cart")
        assert "Earl Grey — 1 pc" in ann.screen


# ------------------------------------------------------------------ checkout


async def test_a_pickup_order_goes_from_cart_to_placed_and_staff_hear_of_it(
    bot: RunningBot,
) -> None:
    sell(bot, 5, sku="TEA", name="Earl Grey", price_minor=300)
    clerk = on_duty_staff(bot)
    ann = customer(bot)
    await fill_cart(ann, "Earl Grey", presses_of_plus=1)
    await checkout_for_pickup(ann)
    summary = ann.screen
    assert "Earl Grey — 2 pc = 6.00 EUR" in summary
    assert "Pickup:" in summary
    assert "📞 020 7946 0958" in summary  # a number at home, as people there write it
    assert "Total: 6.00 EUR" in summary
    await ann.presses("✅ Confirm")
    assert "placed. Thank you!" in ann.screen
    [order] = orders.my_orders(ref(ann), uow=bot.shop.uow())
    assert order.code in ann.screen
    assert order.status is OrderStatus.PLACED
    assert order.fulfilment.kind is FulfilmentKind.PICKUP
    assert stock_of(bot, "TEA") == 3
    await bot.double.wait_for(
        lambda: any(order.code in m.shown_text for m in clerk.chat.from_bot),
        what="the new-order message to staff",
    )
    alert = clerk.last
    slot = order.fulfilment.pickup_slot
    assert slot is not None
    when = slot.astimezone(bot.shop.store.timezone).strftime("%a %d %b, %H:%M")
    assert alert.shown_text == (
        f"🆕 New order {order.code} from Ann\n"
        "• Earl Grey — 2 pc\n"
        "Total: 6.00 EUR\n"
        f"🏪 Pickup {when}\n"
        "💶 To pay at pickup: 6.00 EUR."
    )
    assert alert.button_texts[:2] == ["✅ Accept", "❌ Cancel…"]


async def test_a_delivery_order_checks_the_address_and_phone_and_keeps_a_note(
    bot: RunningBot,
) -> None:
    sell(bot, 5, sku="TEA", name="Earl Grey", price_minor=300)
    ann = customer(bot)
    await fill_cart(ann, "Earl Grey")
    await ann.says("/checkout")
    await ann.presses("Delivery")
    assert "type the delivery address" in ann.screen
    await ann.says("no")
    assert (
        "That address looks incomplete: street and number, then town. Please try again"
        in ann.screen
    )
    await ann.says("12 High Street, Springfield")
    await picks_first_delivery_time(ann)
    assert "share your phone number" in ann.screen
    await ann.says("call me maybe")
    assert "does not look like a phone number" in ann.screen
    await ann.says("01234 567 890")
    assert "Type a note" in ann.screen
    await ann.says("Ring twice <please>")
    assert "Delivery to 12 High Street, Springfield: 3.50 EUR" in ann.screen
    assert "Ring twice <please>" in ann.screen
    assert "Total: 6.50 EUR" in ann.screen
    await ann.presses("✅ Confirm")
    [order] = orders.my_orders(ref(ann), uow=bot.shop.uow())
    assert (order.fulfilment.address, order.phone, order.note, order.total_minor) == (
        "12 High Street, Springfield",
        "+441234567890",  # kept in full (E.164), whatever way it was typed
        "Ring twice <please>",
        650,
    )


async def test_cancel_leaves_checkout_at_any_step_and_keeps_the_cart(bot: RunningBot) -> None:
    tea = sell(bot, 5, sku="TEA", name="Earl Grey")
    ann = customer(bot)
    await fill_cart(ann, "Earl Grey")
    await ann.says("/checkout")
    await ann.presses("Delivery")
    await ann.says("/cancel")
    assert "You left checkout; nothing was ordered. Your cart is kept" in ann.screen
    await ann.says("Earl")  # plain text is a search again, not an address
    assert "Found 1" in ann.screen
    assert view_cart(ref(ann), uow=bot.shop.uow()).quantity_of(tea.id or 0) == 1


async def test_checkout_continues_where_it_stopped_after_a_restart(
    double: LocalBotApi,
    engine: Any,
    mode: str,
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    async with running_bot(double, url, mode) as first:
        sell(first, 5, sku="TEA", name="Earl Grey")
        ann = customer(first)
        await fill_cart(ann, "Earl Grey")
        await ann.says("/checkout")
        await ann.presses("Delivery")
        await ann.says("12 High Street, Springfield")
    async with running_bot(double, url, mode) as second:
        await picks_first_delivery_time(ann)  # the answer to the question asked before
        await ann.says("+44 20 7946 0958")
        assert "Type a note" in ann.screen
        await ann.presses("Skip")
        await ann.presses("✅ Confirm")
        [order] = orders.my_orders(ref(ann), uow=second.shop.uow())
        assert order.fulfilment.address == "12 High Street, Springfield"


async def test_an_item_sold_out_before_confirming_sends_the_customer_back_to_the_cart(
    bot: RunningBot,
) -> None:
    sell(bot, 3, sku="JAM", name="Strawberry jam")
    ann, bob = customer(bot, "Ann"), customer(bot, "Bob")
    await fill_cart(ann, "Strawberry jam", presses_of_plus=1)  # 2 of 3
    await checkout_for_pickup(ann)
    await fill_cart(bob, "Strawberry jam", presses_of_plus=1)
    await checkout_for_pickup(bob)
    await bob.presses("✅ Confirm")
    await ann.presses("✅ Confirm")
    assert "Only 1 pc of Strawberry jam left; your cart now has 1 pc." in ann.screen
    assert "Your cart" in ann.screen
    assert orders.my_orders(ref(ann), uow=bot.shop.uow()) == []
    assert stock_of(bot, "JAM") == 1
    await ann.presses("Checkout")  # details kept: straight back to the summary
    assert "Please check your order" in ann.screen
    await ann.presses("✅ Confirm")
    assert stock_of(bot, "JAM") == 0


# ------------------------------------------------------------------ my orders


async def test_my_orders_lists_shows_and_cancels_a_placed_order(bot: RunningBot) -> None:
    sell(bot, 5, sku="TEA", name="Earl Grey", price_minor=300)
    clerk = on_duty_staff(bot)
    ann = customer(bot)
    await fill_cart(ann, "Earl Grey")
    await checkout_for_pickup(ann)
    await ann.presses("✅ Confirm")
    [order] = orders.my_orders(ref(ann), uow=bot.shop.uow())
    await ann.says("/myorders")
    assert order.code in ann.last.button_texts[0]
    await ann.presses(order.code)
    assert "Placed" in ann.screen
    await ann.presses("Cancel order")
    assert f"Cancel order {order.code}?" in ann.screen
    assert stock_of(bot, "TEA") == 4, "one tap cancels nothing"
    await ann.presses("Keep it")
    assert "Placed" in ann.screen and "?" not in ann.screen
    await ann.presses("Cancel order")
    await ann.presses("Yes, cancel it")
    assert "Cancelled." in ann.screen
    assert "Cancel order" not in " ".join(ann.last.button_texts)
    assert stock_of(bot, "TEA") == 5
    await bot.double.wait_for(
        lambda: clerk.has_seen(f"{order.code} was cancelled by Ann"),
        what="staff to hear of the cancellation",
    )


async def test_an_order_the_store_accepted_can_no_longer_be_cancelled_by_the_customer(
    bot: RunningBot,
) -> None:
    sell(bot, 5, sku="TEA", name="Earl Grey")
    ann = customer(bot)
    await fill_cart(ann, "Earl Grey")
    await checkout_for_pickup(ann)
    await ann.presses("✅ Confirm")
    placed_screen = ann.last
    [order] = orders.my_orders(ref(ann), uow=bot.shop.uow())
    boss = staff.create_manager("boss", PASSWORD, uow=bot.shop.uow(), hasher=FAST_HASHER)
    orders.move_order(
        boss.id or 0, order.code, OrderStatus.ACCEPTED, store=bot.shop.store, uow=bot.shop.uow()
    )
    alert = await ann.presses_data(f"ord:x:{order.code}", on=placed_screen)
    assert alert == (
        f"Order {order.code} is being prepared, so it can no longer be cancelled here; "
        "please contact the store (/info)."
    )
    assert "Accepted" in placed_screen.shown_text, "the stale card shows where the order is"
    orders.move_order(
        boss.id or 0, order.code, OrderStatus.READY, store=bot.shop.store, uow=bot.shop.uow()
    )
    # A confirmation pressed late (or forged) meets the same answer from the use case.
    alert = await ann.presses_data(f"ord:xy:{order.code}", on=placed_screen)
    assert alert == (
        f"Order {order.code} is ready for pickup, so it can no longer be cancelled here; "
        "please contact the store (/info)."
    )


async def test_reorder_refills_the_cart_and_says_what_was_left_out(bot: RunningBot) -> None:
    sell(bot, 5, sku="TEA", name="Earl Grey")
    sell(bot, 5, sku="OLD", name="Old biscuits")
    ann = customer(bot)
    await fill_cart(ann, "Earl Grey")
    await fill_cart(ann, "Old biscuits")
    await checkout_for_pickup(ann)
    await ann.presses("✅ Confirm")
    catalogue.set_active("OLD", False, uow=bot.shop.uow())
    await ann.presses("Reorder")
    assert "Back in your cart: Earl Grey." in ann.screen
    assert "Left out: Old biscuits (no longer sold)." in ann.screen
    assert "Total: 2.50 EUR" in ann.screen


# ------------------------------------------------------------------ notifications


@both_modes  # a 429 while updates arrive by polling or by webhook
async def test_every_status_change_reaches_the_customer_once_despite_flood_control(
    bot: RunningBot,
) -> None:
    sell(bot, 5, sku="TEA", name="Earl Grey")
    ann = customer(bot)
    await fill_cart(ann, "Earl Grey")
    await checkout_for_pickup(ann)
    await ann.presses("✅ Confirm")
    [order] = orders.my_orders(ref(ann), uow=bot.shop.uow())
    boss = staff.create_manager("boss", PASSWORD, uow=bot.shop.uow(), hasher=FAST_HASHER)
    bot.double.fail_next("sendMessage", 429, retry_after=1)
    bot.double.fail_next("sendMessage", 502)
    work_to_completed(bot, boss.id or 0, order.code)

    def told() -> list[str]:
        return [m.shown_text for m in ann.chat.from_bot if m.shown_text.startswith("📦 Order")]

    await bot.double.wait_for(lambda: len(told()) == 3, timeout=20, what="three status messages")
    await bot.another_sender_round()  # and once more: nothing new
    assert len(told()) == 3
    assert "was accepted" in told()[0]
    assert "is ready for pickup" in told()[1]
    assert "is completed" in told()[2]
    injected = [c for c in bot.double.calls_to("sendMessage") if c.injected]
    assert [c.status for c in injected] == [429, 502]


async def test_a_cancellation_by_the_store_tells_the_customer_why(bot: RunningBot) -> None:
    sell(bot, 5, sku="TEA", name="Earl Grey")
    ann = customer(bot)
    await fill_cart(ann, "Earl Grey")
    await checkout_for_pickup(ann)
    await ann.presses("✅ Confirm")
    [order] = orders.my_orders(ref(ann), uow=bot.shop.uow())
    boss = staff.create_manager("boss", PASSWORD, uow=bot.shop.uow(), hasher=FAST_HASHER)
    orders.move_order(
        boss.id or 0,
        order.code,
        OrderStatus.CANCELLED,
        reason="Sorry, the tea got wet",
        store=bot.shop.store,
        uow=bot.shop.uow(),
    )
    await bot.double.wait_for(
        lambda: ann.has_seen("Reason: Sorry, the tea got wet"), what="the cancellation message"
    )
    await ann.presses("View order")
    assert "Cancelled." in ann.screen
    assert stock_of(bot, "TEA") == 5


# ------------------------------------------------------------------ odd input


@sqlite_only
async def test_odd_input_gets_a_short_hint(bot: RunningBot) -> None:
    ann = customer(bot)
    await ann.sends_sticker()
    assert "I can only read text" in ann.screen
    await ann.says("/teleport now")
    assert "Sorry, I don't know /teleport" in ann.screen
    await ann.shares_phone("+441234567890")
    assert "I only need a phone number when you check out" in ann.screen


async def test_a_phone_shared_at_another_checkout_step_brings_that_step_back(
    bot: RunningBot,
) -> None:
    sell(bot, 5, sku="TEA", name="Earl Grey")
    ann = customer(bot)
    await fill_cart(ann, "Earl Grey")
    await ann.says("/cart")
    await ann.presses("Checkout")
    await ann.shares_phone("+441234567890")  # an old share button, before the phone step
    said = [m.shown_text for m in ann.chat.from_bot[-2:]]
    assert said[0] == "Thanks! I will ask for your number in a moment."
    assert "How would you like to get your order?" in said[1]


async def test_forged_buttons_cannot_reach_another_customers_order(bot: RunningBot) -> None:
    sell(bot, 5, sku="TEA", name="Earl Grey")
    ann, eve = customer(bot, "Ann"), customer(bot, "Eve")
    await fill_cart(ann, "Earl Grey")
    await checkout_for_pickup(ann)
    await ann.presses("✅ Confirm")
    [order] = orders.my_orders(ref(ann), uow=bot.shop.uow())
    await eve.says("/start")
    for forged in (f"ord:x:{order.code}", f"ord:v:{order.code}", f"ord:r:{order.code}"):
        alert = await eve.presses_data(forged)
        assert alert == f"There is no order {order.code}."
    assert orders.find_order(order.code, uow=bot.shop.uow()).status is OrderStatus.PLACED
    assert await eve.presses_data("zz:garbage") == (
        "This button is no longer valid. Send /start for a fresh menu."
    )
    assert await eve.presses_data("add:999999:1") == "There is no item 999999."


async def test_a_button_for_an_item_archived_since_gets_a_clear_answer(bot: RunningBot) -> None:
    sell(bot, 5, sku="TEA", name="Earl Grey")
    ann = customer(bot)
    await ann.says("/search earl")
    results = ann.last
    catalogue.set_active("TEA", False, uow=bot.shop.uow())
    assert await ann.presses_data(results.buttons[0]["callback_data"], on=results) == (
        "Earl Grey is no longer sold."
    )


async def test_a_long_order_history_pages(bot: RunningBot) -> None:
    tea = sell(bot, 50, sku="TEA", name="Earl Grey")
    ann = customer(bot)
    patient_store = dataclasses.replace(bot.shop.store, max_open_orders=8)  # paging, not limits
    for _ in range(8):
        set_cart_quantity(ref(ann), tea.id or 0, Decimal(1), uow=bot.shop.uow())
        place_order(ref(ann), pickup_details(), store=patient_store, uow=bot.shop.uow())
    await ann.says("/myorders")
    assert len([t for t in ann.last.button_texts if "EUR" in t]) == 6
    assert "Older ›" in ann.last.button_texts
    await ann.presses("Older ›")
    assert len([t for t in ann.last.button_texts if "EUR" in t]) == 2
    assert "‹ Newer" in ann.last.button_texts


@sqlite_only
async def test_a_long_description_still_fits_under_the_items_photo(bot: RunningBot) -> None:
    sell(bot, sku="CHEESE", name="Comté", photo_file_id="photo-comte", description="Nutty. " * 140)
    ann = customer(bot)
    await ann.says("/start p_CHEESE")
    assert ann.last.photo == "photo-comte"
    assert ann.screen.endswith("…")


async def test_a_photo_given_by_its_web_address_is_fetched_once_then_shown_by_its_file_id(
    bot: RunningBot,
) -> None:
    address = "https://shop.example/photos/comte.jpg"  # as a catalogue file gives it
    sell(bot, sku="CHEESE", name="Comté", price_minor=499, photo_file_id=address)
    ann = customer(bot)
    await ann.says("/start p_CHEESE")
    card = ann.last
    assert card.photo is not None and bot.double.fetched[card.photo] == address
    kept = catalogue.find_product("CHEESE", uow=bot.shop.uow()).photo_file_id
    assert kept == card.photo  # Telegram's file id from now on: nothing fetched again
    await ann.presses("➕", on=card)
    assert ann.last is card and card.photo == kept  # redrawn in place
    assert len(bot.double.fetched) == 1


@sqlite_only
async def test_a_photo_telegram_refuses_leaves_the_card_without_it_not_unanswered(
    bot: RunningBot,
) -> None:
    sell(bot, sku="CHEESE", name="Comté", price_minor=499, photo_file_id="photo-of-another-bot")
    ann = customer(bot)
    bot.double.fail_next("sendPhoto", 400)  # "Bad Request: wrong file identifier", say
    await ann.says("/start p_CHEESE")
    card = ann.last
    assert card.photo is None
    assert "Comté" in ann.screen and "4.99 EUR" in ann.screen
    assert any("to cart" in b for b in card.button_texts)
    await ann.presses("➕", on=card)  # the same card, edited: the photo is not tried again
    assert ann.last is card and card.photo is None


async def test_search_understands_emoji_in_names(bot: RunningBot) -> None:
    sell(bot, sku="WINE", name="Côtes du Rhône 🍷")
    ann = customer(bot)
    await ann.says("🍷 cotes")
    assert "Found 1" in ann.screen  # every word, in any order
    await ann.says("rhone 🍺")
    assert "Nothing found" in ann.screen


@sqlite_only
async def test_photos_and_voice_notes_get_the_same_hint_as_stickers(bot: RunningBot) -> None:
    ann = customer(bot)
    bot.double.send_photo(ann.person, caption="do you sell this?")
    await bot.double.settle()
    assert "I can only read text" in ann.screen


@sqlite_only
async def test_a_crash_in_a_handler_is_logged_and_the_person_gets_a_polite_line(
    bot: RunningBot,
    monkeypatch: Any,
    caplog: Any,
) -> None:
    from bot.handlers import cart as cart_handlers

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(cart_handlers, "view_cart", broken)
    ann = customer(bot)
    await ann.says("/cart")
    assert ann.screen == "Sorry, something went wrong on our side. Please try again in a moment."
    assert "database on fire" not in ann.screen
    assert any("database on fire" in str(r.exc_info) for r in caplog.records if r.exc_info)


async def test_a_button_on_an_old_cart_message_says_what_changed(bot: RunningBot) -> None:
    sell(bot, sku="TEA", name="Earl Grey")
    ann = customer(bot)
    await fill_cart(ann, "Earl Grey")
    await ann.says("/cart")
    old_cart = ann.last
    await ann.says("/cart")
    await ann.presses("🗑")
    assert await ann.presses_data(old_cart.buttons[2]["callback_data"], on=old_cart) == (
        "That item is no longer in your cart."
    )


async def test_a_returning_customer_reuses_the_last_phone_and_address_with_one_tap(
    bot: RunningBot,
) -> None:
    sell(bot, 20, sku="TEA", name="Earl Grey")
    ann = customer(bot)
    await fill_cart(ann, "Earl Grey")
    await ann.says("/checkout")
    await ann.presses("Delivery")
    assert not any("🏠" in b for b in ann.last.button_texts)  # nothing saved yet
    await ann.says("12 Rue de la Paix, Paris")
    await picks_first_delivery_time(ann)
    assert ann.chat.reply_keyboard is not None
    assert len(ann.chat.reply_keyboard["keyboard"]) == 1  # only "share my phone number"
    await ann.says("+33 6 12 34 56 78")
    await ann.presses("Skip")
    await ann.presses("✅ Confirm")

    await fill_cart(ann, "Earl Grey")
    await ann.says("/checkout")
    await ann.presses("Delivery")
    await ann.presses("🏠 12 Rue de la Paix, Paris")
    await picks_first_delivery_time(ann)
    keyboard = ann.chat.reply_keyboard
    assert keyboard is not None
    assert keyboard["keyboard"][1] == [{"text": "+33 6 12 34 56 78"}]
    await ann.says("+33 6 12 34 56 78")  # what tapping that button sends
    await ann.presses("Skip")
    assert "🚚 Delivery to 12 Rue de la Paix, Paris" in ann.screen
    assert "📞 +33 6 12 34 56 78" in ann.screen
