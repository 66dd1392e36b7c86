"""Phone numbers are read, checked and shown as people write them in the store's country
(SHOPKEEPS_COUNTRY), and asked for with one of its numbers as the example."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from bot.domain.services import orders
from bot.domain.services.customers import CustomerRef
from bot.playground.bot_api.server import LocalBotApi
from tests.support.chat_person import ChatPerson
from tests.support.running_bot import RunningBot, running_bot
from tests.support.shop_factories import fill_cart, logged_in_manager, sell

FRENCH_MOBILE = "+33 6 12 34 56 78"  # phonenumbers' example for France


async def at_the_phone_question(bot: RunningBot) -> ChatPerson:
    """Ann, with tea in her cart, checking out for pickup: the bot asks for her phone."""
    sell(bot, sku="TEA", name="Earl Grey", price_minor=250)
    ann = ChatPerson(bot.double, bot.double.person("Ann"))
    await fill_cart(ann, "Earl Grey")
    await ann.says("/cart")
    await ann.presses("Checkout")
    await ann.presses("Pickup")
    await ann.presses(ann.last.button_texts[0])
    return ann


async def test_a_paris_store_reads_a_french_number_as_typed_and_shows_it_the_french_way(
    double: LocalBotApi, engine: Engine, mode: str
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    async with running_bot(double, url, mode, country="FR") as bot:
        boss = logged_in_manager(bot)
        ann = await at_the_phone_question(bot)
        keyboard = ann.chat.reply_keyboard
        assert keyboard is not None and keyboard["input_field_placeholder"] == FRENCH_MOBILE
        for wrong in ("12345", "+44 20 7946", "0" * 40, "06 12 34 56 78 90 12"):
            await ann.says(wrong)
            assert ann.screen.startswith(
                f"That does not look like a phone number; write it like {FRENCH_MOBILE}."
            )
        await ann.says("06 12 34 56 78")  # as people in France write it
        assert ann.has_seen("Thanks, we will call 06 12 34 56 78 if needed.")
        await ann.presses("Skip")
        assert "📞 06 12 34 56 78" in ann.screen
        await ann.presses("✅ Confirm")
        [order] = orders.my_orders(CustomerRef(ann.person.id, "Ann"), uow=bot.shop.uow())
        assert order.phone == "+33612345678"  # kept in full
        await bot.double.wait_for(lambda: boss.has_seen(order.code), what="the new-order alert")
        await boss.says(f"/order {order.code}")
        assert "👤 Ann · 📞 06 12 34 56 78" in boss.screen


async def test_a_number_from_abroad_is_taken_in_full_and_shown_in_full(
    double: LocalBotApi, engine: Engine, mode: str
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    async with running_bot(double, url, mode, country="FR") as bot:
        ann = await at_the_phone_question(bot)
        await ann.shares_phone("+44 20 7946 0958")  # a British visitor's phone
        assert ann.has_seen("Thanks, we will call +44 20 7946 0958 if needed.")


@pytest.mark.parametrize(
    ("shared", "shown", "kept"),
    [
        # Some Telegram apps share the owner's verified number without the '+': a Russian
        # visitor in a British store.
        ("79991234567", "+7 999 123-45-67", "+79991234567"),
        # +888: anonymous numbers Telegram issues itself, which no numbering plan lists.
        ("88812345678", "+888 12345678", "+88812345678"),
    ],
)
async def test_a_customers_own_contact_is_taken_as_telegram_gives_it(
    double: LocalBotApi, engine: Engine, shared: str, shown: str, kept: str
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    async with running_bot(double, url, country="GB") as bot:
        ann = await at_the_phone_question(bot)
        await ann.shares_phone(shared)
        assert ann.has_seen(f"Thanks, we will call {shown} if needed.")
        await ann.presses("Skip")
        await ann.presses("✅ Confirm")
        [order] = orders.my_orders(CustomerRef(ann.person.id, "Ann"), uow=bot.shop.uow())
        assert order.phone == kept


async def test_a_number_typed_as_a_visitors_app_shows_it_is_read_in_full(
    double: LocalBotApi, engine: Engine
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    async with running_bot(double, url, country="GB") as bot:
        ann = await at_the_phone_question(bot)
        await ann.says("79991234567")
        assert ann.has_seen("Thanks, we will call +7 999 123-45-67 if needed.")


async def test_someone_elses_contact_card_is_checked_like_a_typed_number(
    double: LocalBotApi, engine: Engine
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    async with running_bot(double, url, country="GB") as bot:
        ann = await at_the_phone_question(bot)
        bob = bot.double.person("Bob")
        bot.double.share_contact(ann.person, "88812345678", owner=bob)  # forwarded, not hers
        await bot.double.settle()
        assert ann.screen.startswith("That does not look like a phone number")
        assert not ann.has_seen("Thanks, we will call")
