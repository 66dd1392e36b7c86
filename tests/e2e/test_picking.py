"""Staff pick an order before it is ready, through the real bot: a weighed line picked heavier,
an item replaced, the customer told once with the new total; paid in Telegram (a refund due)
or at pickup (collected at the final total); refused outside the tolerance and once ready."""

from __future__ import annotations

import re
from decimal import Decimal

from bot.domain.catalogue import Unit
from bot.domain.orders import Order, OrderStatus
from bot.domain.payments import MoneyTaken
from bot.domain.services import catalogue, orders
from bot.domain.services.cart import set_cart_quantity
from bot.domain.services.customers import CustomerRef
from tests.support.chat_person import ChatPerson
from tests.support.factories import pickup_details
from tests.support.running_bot import RunningBot
from tests.support.shop_factories import (
    checkout_for_pickup,
    fill_cart,
    logged_in_manager,
    picks_first_delivery_time,
    sell,
    someone,
    staff_id_of,
    stock_of,
)


def stocked_shop(bot: RunningBot) -> None:
    kg = {"unit": Unit.KILOGRAM, "step": Decimal("0.25"), "category": "Fruit & Veg"}
    sell(bot, 10, sku="GALA", name="Gala apples", price_minor=329, **kg)
    sell(bot, 10, sku="GOLDEN", name="Golden apples", price_minor=299, **kg)
    sell(bot, 20, sku="HONEY", name="Honey", price_minor=650)
    sell(bot, 20, sku="ACACIA", name="Acacia honey", price_minor=450)


def ordered_at_pickup(bot: RunningBot, who: ChatPerson) -> Order:
    """1.5 kg of Gala apples and a jar of honey, to pay at pickup."""
    ref = CustomerRef(who.person.id, who.person.first_name)
    for sku, quantity in (("GALA", "1.5"), ("HONEY", "1")):
        item = orders_product(bot, sku)
        set_cart_quantity(ref, item, Decimal(quantity), uow=bot.shop.uow())
    details = pickup_details(note="si pas de Gala prenez des Golden")
    return orders.place_order(ref, details, store=bot.shop.store, uow=bot.shop.uow())


def orders_product(bot: RunningBot, sku: str) -> int:
    product_id = catalogue.find_product(sku, uow=bot.shop.uow()).id
    assert product_id is not None
    return product_id


async def picks_gala_heavier_and_replaces_the_honey(clerk: ChatPerson, code: str) -> None:
    await clerk.says(f"/order {code}")
    await clerk.presses("Picking…")
    assert f"Picking order {code}" in clerk.screen
    await clerk.presses("1 · ⚖️ Weight")
    assert "It was ordered as 1.5 kg; 1.2 kg to 1.8 kg is allowed" in clerk.screen
    await clerk.says("1,62 kg")
    assert "Gala apples: 1.62 kg instead of 1.5 kg" in clerk.screen
    await clerk.presses("2 · 🔁 Replace")
    assert "What goes instead of Honey (1 pc)?" in clerk.screen
    await clerk.says("acacia")
    await clerk.presses("Acacia honey")
    assert "Honey replaced by Acacia honey (1 pc)" in clerk.screen


async def test_paid_in_telegram_picked_heavier_and_replaced_leaves_a_refund_due_and_says_so(
    paying_shop: RunningBot,
) -> None:
    bot = paying_shop
    stocked_shop(bot)
    ann = someone(bot, "Ann")
    await fill_cart(ann, "Gala apples", presses_of_plus=5)
    await fill_cart(ann, "Honey")
    await checkout_for_pickup(ann)
    await ann.presses("Confirm and pay")
    found = re.search(r"Order (\w{8})", ann.chat.from_bot[-2].shown_text + ann.screen)
    assert found is not None
    code = found.group(1)
    assert (await ann.pays()).ok
    assert orders.find_order(code, uow=bot.shop.uow()).total_minor == 1144  # 4.94 + 6.50
    clerk = logged_in_manager(bot, "Clerk")

    await picks_gala_heavier_and_replaces_the_honey(clerk, code)
    assert "↩️ Refund due to the customer: 1.61 EUR" in clerk.screen
    await clerk.presses("Tell the customer")
    assert clerk.toasts[-1] == "The customer is told."

    await bot.double.wait_for(
        lambda: ann.has_seen("was picked with these changes"), what="the customer to be told"
    )
    told = next(m.shown_text for m in ann.chat.from_bot if "with these changes" in m.shown_text)
    assert "• Gala apples: 1.62 kg instead of 1.5 kg" in told
    assert "• Honey replaced by Acacia honey (1 pc)" in told
    assert "New total: 9.83 EUR (was 11.44 EUR)" in told
    assert "1.61 EUR will be refunded to you." in told
    order = orders.find_order(code, uow=bot.shop.uow())
    assert order.payment.is_paid and order.payment.refund_due_minor == 161
    assert (stock_of(bot, "GALA"), stock_of(bot, "HONEY"), stock_of(bot, "ACACIA")) == (
        Decimal("8.38"),
        20,
        19,
    )
    await clerk.says(f"/order {code}")
    assert "↩️ Refund due: 1.61 EUR" in clerk.screen
    assert "Acacia honey (ACACIA) — 1 pc · 🔁 instead of Honey" in clerk.screen


async def paid_then_picked_heavier(
    bot: RunningBot, ann: ChatPerson, *, delivered: bool
) -> tuple[str, ChatPerson]:
    """Ann pays 11.44 EUR in the chat (1.5 kg of Gala at 4.94, a honey at 6.50) and a clerk
    picks 1.62 kg of Gala (5.33: 0.39 more), tells her and accepts the order: its code, and
    the clerk."""
    stocked_shop(bot)
    await fill_cart(ann, "Gala apples", presses_of_plus=5)
    await fill_cart(ann, "Honey")
    if delivered:
        await ann.says("/cart")
        await ann.presses("Checkout")
        await ann.presses("Delivery")
        await ann.says("12 rue Oberkampf, 75011 Paris")
        await picks_first_delivery_time(ann)
        await ann.shares_phone("+33 6 12 34 56 78")
        await ann.presses("Skip")
    else:
        await checkout_for_pickup(ann)
    await ann.presses("Confirm and pay")
    [order] = orders.my_orders(CustomerRef(ann.person.id, "Ann"), uow=bot.shop.uow())
    assert (await ann.pays()).ok
    fee = order.fulfilment.delivery_fee_minor
    assert orders.find_order(order.code, uow=bot.shop.uow()).total_minor == 1144 + fee
    clerk = logged_in_manager(bot, "Clerk")
    await clerk.says(f"/order {order.code}")
    await clerk.presses("Picking…")
    await clerk.presses("1 · ⚖️ Weight")
    await clerk.says("1,62 kg")
    assert "💶 To collect at the hand-over: 0.39 EUR" in clerk.screen
    await clerk.presses("Tell the customer")
    await clerk.says(f"/order {order.code}")
    await clerk.presses("Accept")
    return order.code, clerk


async def test_paid_in_telegram_and_picked_heavier_the_rest_is_taken_and_reported_as_taken(
    paying_shop: RunningBot,
) -> None:
    bot, ann = paying_shop, someone(paying_shop, "Ann")
    code, clerk = await paid_then_picked_heavier(bot, ann, delivered=False)
    await clerk.says(f"/order {code}")
    await clerk.presses("Ready for pickup")
    pickup_code = orders.find_order(code, uow=bot.shop.uow()).pickup_code

    await clerk.says(f"/start h_{pickup_code}")  # the clerk's phone scanned Ann's QR code
    assert f"Order {code}: collect 0.39 EUR." in clerk.screen
    assert "💳 Paid in Telegram: 11.44 EUR" in clerk.screen
    assert clerk.last.button_texts == ["💶 Paid in cash", "💳 Paid by card"]
    assert orders.find_order(code, uow=bot.shop.uow()).status is OrderStatus.READY
    await clerk.presses("💶 Paid in cash")
    assert "💳 Paid in Telegram: 11.44 EUR" in clerk.screen
    assert "💶 0.39 EUR taken in cash." in clerk.screen
    order = orders.find_order(code, uow=bot.shop.uow())
    assert order.status is OrderStatus.COMPLETED and order.total_minor == 1183

    await bot.double.wait_for(lambda: ann.has_seen("Receipt for order"), what="the receipt")
    receipt = next(m.shown_text for m in ann.chat.from_bot if "Receipt for order" in m.shown_text)
    assert "Paid in Telegram 11.44 EUR" in " ".join(receipt.split())
    assert "Paid in cash 0.39 EUR" in " ".join(receipt.split())
    await clerk.says("/report today")
    report = next(m.shown_text for m in reversed(clerk.chat.from_bot) if "Cash:" in m.shown_text)
    assert "📱 Paid in Telegram: 11.44 EUR" in report
    assert "💶 Cash: 0.39 EUR" in report


async def test_a_paid_delivery_picked_heavier_is_completed_with_how_the_rest_was_taken(
    paying_shop: RunningBot,
) -> None:
    bot, ann = paying_shop, someone(paying_shop, "Ann")
    code, clerk = await paid_then_picked_heavier(bot, ann, delivered=True)
    await clerk.says(f"/order {code}")
    await clerk.presses("Out for delivery")
    await clerk.says(f"/order {code}")
    finishing = [b for b in clerk.last.button_texts if b.startswith("🏁")]
    assert finishing == ["🏁 Delivered, paid in cash", "🏁 Delivered, paid by card"]
    await clerk.presses("🏁 Delivered, paid by card")
    assert clerk.toasts[-1] == "💳 0.39 EUR taken by card."
    assert "💳 0.39 EUR taken by card." in clerk.screen  # the card, redrawn once completed
    assert "To collect" not in clerk.screen
    done = orders.find_order(code, uow=bot.shop.uow())
    assert (done.status, done.money_taken, done.extra_taken, done.extra_taken_minor) == (
        OrderStatus.COMPLETED,
        MoneyTaken.TELEGRAM,
        MoneyTaken.CARD,
        39,
    )


async def test_paid_at_pickup_the_hand_over_collects_the_final_total(bot: RunningBot) -> None:
    stocked_shop(bot)
    ann = someone(bot, "Ann")
    order = ordered_at_pickup(bot, ann)
    assert order.total_minor == 1144
    clerk = logged_in_manager(bot, "Clerk")
    await picks_gala_heavier_and_replaces_the_honey(clerk, order.code)
    await clerk.presses("Tell the customer")
    assert "Tell the customer" not in clerk.last.button_texts
    again = await clerk.presses_data(f"pkt:{order.code}")  # a double tap's second press
    assert again == f"The customer already knows every change to order {order.code}."
    await bot.double.wait_for(
        lambda: ann.has_seen("To pay at pickup: 9.83 EUR."), what="the customer to be told"
    )
    await clerk.says(f"/order {order.code}")
    await clerk.presses("Accept")
    await clerk.presses("Ready for pickup")
    pickup_code = orders.find_order(order.code, uow=bot.shop.uow()).pickup_code
    await clerk.says(f"/handover {pickup_code}")
    assert "collect 9.83 EUR" in clerk.screen
    assert "• Gala apples — 1.62 kg" in clerk.screen
    await clerk.presses("Paid in cash")
    assert "9.83 EUR taken in cash." in clerk.screen
    assert orders.find_order(order.code, uow=bot.shop.uow()).status is OrderStatus.COMPLETED


async def test_a_weight_outside_the_tolerance_is_refused_and_asked_again(bot: RunningBot) -> None:
    stocked_shop(bot)
    order = ordered_at_pickup(bot, someone(bot, "Ann"))
    clerk = logged_in_manager(bot, "Clerk")
    await clerk.says(f"/order {order.code}")
    await clerk.presses("Picking…")
    await clerk.presses("1 · ⚖️ Weight")
    await clerk.says("2 kg")
    assert "the picked weight must be between 1.2 kg and 1.8 kg (20% either way)" in clerk.screen
    assert "Please type it again, or /cancel." in clerk.screen
    await clerk.says("heavy")
    assert "“heavy” is not a weight; write it like 1.62, 1,62 kg or 1620 g" in clerk.screen
    assert stock_of(bot, "GALA") == Decimal("8.5")  # nothing moved
    await clerk.says("1400 g")
    assert "Gala apples: 1.4 kg instead of 1.5 kg" in clerk.screen
    assert stock_of(bot, "GALA") == Decimal("8.6")


async def test_a_change_after_ready_or_from_a_forged_button_is_refused(bot: RunningBot) -> None:
    stocked_shop(bot)
    ann = someone(bot, "Ann")
    order = ordered_at_pickup(bot, ann)
    other = ordered_at_pickup(bot, someone(bot, "Bob"))
    clerk = logged_in_manager(bot, "Clerk")
    await clerk.says(f"/order {order.code}")
    await clerk.presses("Picking…")
    screen = clerk.last
    theirs = other.lines[0]
    forged = f"pkl:{order.code}:{theirs.id}:1.5:m:{theirs.product_id}"
    assert await clerk.presses_data(forged) == (
        f"That line is not part of order {order.code} any more. Open it again: /order {order.code}"
    )
    staff_id = staff_id_of(bot, clerk)
    for status in (OrderStatus.ACCEPTED, OrderStatus.READY):
        orders.move_order(staff_id, order.code, status, store=bot.shop.store, uow=bot.shop.uow())
    await clerk.presses("2 · 🚫 Missing", on=screen)  # the picking screen, from before
    assert clerk.toasts[-1] == (f"Order {order.code} is ready: its items can no longer be changed.")
    assert "· Ready\n" in clerk.screen  # the order as it is now, not the old picking screen
    assert stock_of(bot, "HONEY") == 18  # both orders still hold their jar
    assert orders.find_order(order.code, uow=bot.shop.uow()).lines[1].quantity == 1


async def test_a_press_on_a_screen_from_before_a_replacement_changes_nothing(
    bot: RunningBot,
) -> None:
    stocked_shop(bot)
    order = ordered_at_pickup(bot, someone(bot, "Ann"))
    clerk = logged_in_manager(bot, "Clerk")
    await clerk.says(f"/order {order.code}")
    await clerk.presses("Picking…")
    before = clerk.last
    await clerk.presses("2 · 🔁 Replace")
    await clerk.says("acacia")
    await clerk.presses("Acacia honey")
    # The same quantity, another item: the old screen's 🚫 was for the honey, not the acacia.
    await clerk.presses("2 · 🚫 Missing", on=before)
    assert clerk.toasts[-1] == (
        f"Acacia honey on order {order.code} was changed by someone else a moment ago; nothing "
        "was changed. Here is the order as it is now."
    )
    line = orders.find_order(order.code, uow=bot.shop.uow()).lines[1]
    assert (line.name, line.quantity) == ("Acacia honey", 1)
    assert (stock_of(bot, "HONEY"), stock_of(bot, "ACACIA")) == (20, 19)


async def test_an_order_made_ready_before_its_changes_were_told_tells_them_first(
    bot: RunningBot,
) -> None:
    stocked_shop(bot)
    ann = someone(bot, "Ann")
    order = ordered_at_pickup(bot, ann)
    clerk = logged_in_manager(bot, "Clerk")
    await clerk.says(f"/order {order.code}")
    await clerk.presses("Picking…")
    await clerk.presses("2 · 🚫 Missing")
    assert clerk.toasts[-1] == "Marked missing; its stock is back on the shelf."
    assert "Honey (1 pc): missing" in clerk.screen
    assert stock_of(bot, "HONEY") == 20
    await clerk.says(f"/order {order.code}")
    assert "📣 The customer has not been told of these changes yet." in clerk.screen
    await clerk.presses("Accept")
    await clerk.presses("Ready for pickup")
    await bot.double.wait_for(
        lambda: ann.has_seen("is ready for pickup"), what="the customer to hear it is ready"
    )
    news = [m.shown_text for m in ann.chat.from_bot if "with these changes" in m.shown_text]
    assert len(news) == 1 and "• Honey (1 pc): missing" in news[0]
    assert "To pay at pickup: 4.94 EUR." in news[0]
