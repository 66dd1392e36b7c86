"""Promo codes end to end (SQLite and MariaDB): a manager gives one out from the chat; a
customer types it at checkout and sees it on the summary, the invoice, the paid order and the
receipt; a code below its minimum, unknown, expired, used up or ended is refused with why,
and one that stops applying between the summary and Confirm is taken off and said."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import Engine

from bot.domain.clock import utc_now
from bot.domain.orders import Order, OrderStatus
from bot.domain.promo_codes import Discount, PromoCode
from bot.domain.services import orders, promo_codes
from bot.handlers.button_kinds import EndPromoCode
from tests.e2e.test_edge import age
from tests.support.chat_person import ChatPerson
from tests.support.running_bot import RunningBot
from tests.support.shop_factories import (
    checkout_for_pickup,
    fill_cart,
    logged_in_manager,
    sell,
    someone,
    staff_id_of,
)


def placed(bot: RunningBot, person: ChatPerson) -> Order:
    found = re.search(r"Order (\w{8})", "\n".join(m.shown_text for m in person.chat.from_bot))
    assert found is not None, "no order code on screen"
    return orders.find_order(found.group(1), uow=bot.shop.uow())


async def test_a_code_typed_at_checkout_is_on_the_summary_the_invoice_and_the_receipt(
    paying_shop: RunningBot,
) -> None:
    bot = paying_shop
    sell(bot, 5, sku="HONEY", name="Honey", price_minor=650)
    sell(bot, 5, sku="BREAD", name="Bread", price_minor=220)
    boss, ann = logged_in_manager(bot), someone(bot, "Ann")
    await boss.says("/promo spring-10 10% min 10.00 until tomorrow 20:00 uses 100")
    assert "Promo code set: SPRING-10: −10% on baskets from 10.00 EUR · until" in boss.screen
    assert "0 of 100 used · 1 order per customer" in boss.screen

    await fill_cart(ann, "Honey", presses_of_plus=1)
    await fill_cart(ann, "Bread")
    await checkout_for_pickup(ann)
    assert "Total: 15.20 EUR" in ann.screen
    await ann.presses("🎟 Promo code")
    assert ann.screen == "🎟 Please type your promo code."
    await ann.says("Spring-10")
    assert "🎟 Promo code SPRING-10: −1.52 EUR" in ann.screen
    assert "Total: 13.68 EUR" in ann.screen
    assert "✖ Remove promo code" in ann.last.button_texts
    await ann.presses("Confirm and pay 13.68 EUR now")

    order = placed(bot, ann)
    assert (order.discount_minor, order.total_minor) == (152, 1368)
    invoice = ann.last_invoice.invoice
    assert invoice is not None
    assert invoice.prices == (
        ("Honey × 2 pc", 1300),
        ("Bread × 1 pc", 220),
        ("Promo code SPRING-10", -152),
    )
    assert invoice.total_amount == 1368
    assert (await ann.pays()).ok
    assert "🎟 Promo code SPRING-10: −1.52 EUR" in ann.screen
    await boss.says("/promos")  # the new order's notice may come after it
    assert boss.has_seen("SPRING-10: −10% on baskets from 10.00 EUR · until")
    assert boss.has_seen("1 of 100 used")
    await bot.double.wait_for(lambda: boss.has_seen(f"New order {order.code}"), what="the notice")
    notice = next(m for m in boss.chat.from_bot if f"New order {order.code}" in m.shown_text)
    await boss.presses("Accept", on=notice)  # the staff card says the code and what it took off
    assert "🎟 Promo code SPRING-10: −1.52 EUR\nTotal 13.68 EUR" in notice.shown_text
    boss_id, store = staff_id_of(bot, boss), bot.shop.store
    ready = orders.move_order(
        boss_id, order.code, OrderStatus.READY, store=store, uow=bot.shop.uow()
    )
    assert ready.pickup_code is not None
    orders.hand_over(boss_id, ready.pickup_code, store=store, uow=bot.shop.uow())
    await bot.double.wait_for(lambda: ann.has_seen("Receipt for order"), what="the receipt")
    receipt = next(m.shown_text for m in ann.chat.from_bot if "Receipt for order" in m.shown_text)
    assert "Subtotal: 15.20 EUR\nPromo code SPRING-10: −1.52 EUR\nTotal: 13.68 EUR" in receipt


async def test_a_code_that_does_not_apply_is_refused_with_why_and_the_order_goes_without(
    bot: RunningBot, engine: Engine
) -> None:
    sell(bot, 50, sku="TEA", name="Green tea", price_minor=450)
    boss, ann, bob = logged_in_manager(bot), someone(bot, "Ann"), someone(bot, "Bob")
    await boss.says("/promo FIVE-OFF 5.00 min 12.00 uses 1")
    assert "Promo code set: FIVE-OFF: −5.00 EUR on baskets from 12.00 EUR" in boss.screen
    now = utc_now()
    promo_codes.add_promo_code(
        PromoCode(
            "SUMMER",
            Discount(Decimal(20), None),
            starts_at=now - timedelta(days=90),
            ends_at=now - timedelta(days=1),
        ),
        uow=bot.shop.uow(),
    )

    await fill_cart(ann, "Green tea", presses_of_plus=1)  # 9.00: below FIVE-OFF's minimum
    await checkout_for_pickup(ann)
    question = await ann.presses("🎟 Promo code")
    await ann.says("five-off")
    assert "Promo code FIVE-OFF is for baskets of 12.00 EUR or more: add 3.00 EUR." in ann.screen
    await ann.says("NOPE")
    assert "There is no promo code NOPE. Please check how it is written." in ann.screen
    await ann.says("<b>free</b> stuff")
    assert "That is not a promo code." in ann.screen
    await ann.says("summer")
    assert "Promo code SUMMER has expired." in ann.screen
    await ann.presses("« No code", on=question)  # the question becomes the summary again
    assert "Total: 9.00 EUR" in question.shown_text
    assert "🎟 Promo code" in question.button_texts
    await ann.says("SUMMR-20")  # mistyped at the summary: named, not "use the buttons"
    assert "There is no promo code SUMMR-20." in ann.screen

    # Bob uses the code's one use while Ann's summary shows it: at Confirm, it is taken off.
    await ann.presses("🧺 Edit cart", on=question)
    await ann.presses("➕", on=question)
    await ann.presses("Checkout", on=question)  # 13.50 now
    await ann.presses("🎟 Promo code", on=question)
    stale = question  # the summary, now the question with its "« No code"
    age(engine, "checkouts", "updated_at", minutes=30)  # the newsletter took a while to find
    await ann.says("FIVE-OFF")  # a code, not a search, however long it took
    assert "🎟 Promo code FIVE-OFF: −5.00 EUR" in ann.screen
    assert "Total: 8.50 EUR" in ann.screen
    summary = ann.last
    refusal = await ann.presses_data(stale.buttons[0]["callback_data"], on=stale)
    assert refusal == "That question was already answered. Please use the latest message."
    assert "🎟 Promo code FIVE-OFF: −5.00 EUR" in summary.shown_text  # the stale "No code"
    await fill_cart(bob, "Green tea", presses_of_plus=2)
    await checkout_for_pickup(bob)
    await bob.says("FIVE-OFF")
    await bob.presses("✅ Confirm")
    bobs = placed(bot, bob)
    assert bobs.discount_minor == 500
    await ann.presses("✅ Confirm", on=summary)
    assert ann.has_seen(
        "⚠️ The promo code was taken off your order: Promo code FIVE-OFF has been used up."
    )
    assert "Total: 13.50 EUR" in summary.shown_text  # the summary again, without it
    assert "FIVE-OFF" not in summary.shown_text
    await ann.presses("✅ Confirm", on=summary)
    assert placed(bot, ann).total_minor == 1350

    # Bob cancels: the use is free again, and the list says so.
    await bob.says("/myorders")
    await bob.presses(bobs.code, nth=None)
    await bob.presses("❌ Cancel order")
    await bob.presses("✔ Yes, cancel it")
    await boss.says("/promos")  # the cancellation's notice may come after it
    listing = [m for m in boss.chat.from_bot if "Promo codes" in m.shown_text][-1]
    assert "FIVE-OFF: −5.00 EUR on baskets from 12.00 EUR · 0 of 1 used" in listing.shown_text
    [listed] = promo_codes.promo_codes_not_over(uow=bot.shop.uow())
    assert listed.id is not None
    forged = EndPromoCode(listed.id).pack()
    assert await ann.presses_data(forged) == (
        "This is for store staff. Staff can log in with /login."
    )
    await boss.presses("⏹ End FIVE-OFF", on=listing)
    assert boss.toasts[-1] == "Promo code ended."
    assert "No promo codes are running." in listing.shown_text
    await fill_cart(bob, "Green tea", presses_of_plus=2)
    await checkout_for_pickup(bob)
    assert "🎟 Promo code" not in bob.last.button_texts  # no code runs: no field for one
    await bob.says("FIVE-OFF")  # typed all the same
    assert "Promo code FIVE-OFF has expired." in bob.screen
