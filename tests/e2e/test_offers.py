"""Offers end to end (SQLite and MariaDB): a manager puts an item on offer from the chat, a
customer sees the old price struck through and pays the offer's; an offer that starts and
ends on its own, with no message between, changes the screens a worker keeps; a cart filled
under an offer that has ended is corrected at confirm, and an order keeps the prices it was
placed at."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal

from bot.domain.clock import utc_now
from bot.domain.offers import OfferTerms
from bot.domain.orders import OrderStatus
from bot.domain.services import offers, orders
from bot.domain.services.customers import CustomerRef
from bot.handlers.button_kinds import EndOffer
from tests.support.chat_person import ChatPerson
from tests.support.running_bot import RunningBot
from tests.support.shop_factories import checkout_for_pickup, logged_in_manager, sell, someone


def my_order_prices(bot: RunningBot, person: ChatPerson) -> list[tuple[int, int]]:
    [order] = orders.my_orders(CustomerRef(person.person.id, "Ann"), uow=bot.shop.uow())
    assert order.status is OrderStatus.PLACED
    return [(line.unit_price_minor, line.line_total_minor) for line in order.lines]


async def test_a_managers_offer_is_shown_struck_through_and_charged_until_it_is_ended(
    bot: RunningBot,
) -> None:
    sell(bot, 20, sku="HONEY", name="Acacia honey", category="Pantry", price_minor=450)
    boss, ann = logged_in_manager(bot), someone(bot, "Ann")
    await ann.says("/catalogue")
    await ann.presses("Pantry")
    await ann.presses("Acacia honey")
    assert "4.50 EUR per pc" in ann.screen  # the card is now kept by the worker

    await boss.says("/offer honey 30% until tomorrow 20:00")
    assert "Offer set: Acacia honey (HONEY): −30% until" in boss.screen
    assert "End this offer" in boss.last.button_texts[0]

    await ann.presses("Pantry")
    assert any("Acacia honey · 4̶.̶5̶0̶ ̶E̶U̶R̶ 3.15 EUR" in b for b in ann.last.button_texts)
    await ann.presses("Acacia honey")
    assert "<s>4.50 EUR</s> 3.15 EUR per pc" in (ann.last.text or "")
    assert "🏷 −30% until" in ann.screen
    await ann.presses("➕")
    await ann.presses("to cart")
    await ann.says("/cart")
    assert "Acacia honey — 2 pc × 4.50 EUR 3.15 EUR = 6.30 EUR" in ann.screen

    await checkout_for_pickup(ann)  # the summary, at the offer's price
    assert "6.30 EUR" in ann.screen
    await boss.says("/offers")  # and the offer ends before Ann confirms
    assert "1. Acacia honey (HONEY): −30% until" in boss.screen
    [running] = offers.offers_not_ended(uow=bot.shop.uow())
    assert running.offer.id is not None
    forged = EndOffer(running.offer.id).pack()
    refusal = await ann.presses_data(forged, on=ann.chat.from_bot[-1])
    assert refusal == "This is for store staff. Staff can log in with /login."
    assert offers.offers_not_ended(uow=bot.shop.uow()) == [running]  # a customer ends nothing
    await boss.presses("End offer 1")
    assert boss.toasts[-1] == "Offer ended."
    assert "No offers are set." in boss.screen
    assert await boss.presses_data(forged) == "That offer had already ended."

    await ann.presses("✅ Confirm")
    assert "Acacia honey now costs 4.50 EUR per pc (was 3.15 EUR)." in ann.screen
    assert "9.00 EUR" in ann.screen  # the cart, at the list price again
    await ann.presses("Checkout")  # the details are kept: the summary again, at 9.00
    assert "9.00 EUR" in ann.screen
    await ann.presses("✅ Confirm")  # what the summary showed, without a second notice
    assert my_order_prices(bot, ann) == [(450, 900)]


async def test_an_offer_starts_and_ends_on_time_on_the_screens_a_worker_keeps(
    bot: RunningBot,
) -> None:
    sell(bot, 20, sku="BREAD", name="Sourdough", category="Bakery", price_minor=400)
    sell(bot, 20, sku="ROLLS", name="Rolls", category="Bakery", price_minor=100)
    ann, bob = someone(bot, "Ann"), someone(bot, "Bob")
    now = utc_now()
    starts, ends = now + timedelta(seconds=2), now + timedelta(seconds=8)
    half_off = OfferTerms("Bakery", True, Decimal(50), None, starts, ends)
    offers.start_offer(half_off, "staff:boss", uow=bot.shop.uow())

    await ann.says("/catalogue")
    await ann.presses("Bakery")
    await ann.presses("Sourdough")
    assert "4.00 EUR per pc" in ann.screen and "🏷" not in ann.screen

    await asyncio.sleep(max(0.0, (starts - utc_now()).total_seconds()) + 0.1)
    await ann.presses("Bakery")  # the same screens, kept by the worker before the start
    assert any("Rolls · 1̶.̶0̶0̶ ̶E̶U̶R̶ 0.50 EUR" in b for b in ann.last.button_texts)
    await ann.presses("Sourdough")
    assert "<s>4.00 EUR</s> 2.00 EUR per pc" in (ann.last.text or "")
    await ann.presses("to cart")
    await checkout_for_pickup(ann)
    assert "Sourdough — 1 pc" in ann.screen and "2.00 EUR" in ann.screen
    await ann.presses("✅ Confirm")
    assert my_order_prices(bot, ann) == [(200, 200)]

    await bob.says("/search rolls")
    await bob.presses("Rolls")
    await bob.presses("to cart")
    await checkout_for_pickup(bob)  # the summary, at the offer's price: 0.50
    assert utc_now() < ends, "too slow to test the end: widen the offer's window"
    await asyncio.sleep(max(0.0, (ends - utc_now()).total_seconds()) + 0.1)
    await bob.presses("✅ Confirm")  # after the end, on the summary shown before it
    assert "Rolls now costs 1.00 EUR per pc (was 0.50 EUR)." in bob.screen
    await bob.says("/catalogue")
    await bob.presses("Bakery")
    assert any(b.startswith("Rolls · 1.00 EUR") for b in bob.last.button_texts)

    # Ann's order keeps the price it was placed at.
    assert my_order_prices(bot, ann) == [(200, 200)]
