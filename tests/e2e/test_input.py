"""Input people send that could fool the staff or the bot: hidden characters in names,
addresses and notes reach nobody, and a button pressed where the bot has no chat is ignored
quietly. The real bot over HTTP against the local Bot API, on SQLite and MariaDB."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from bot.persistence.models import CustomerRow, OrderRow
from tests.support.chat_person import ChatPerson
from tests.support.running_bot import RunningBot
from tests.support.shop_factories import (
    fill_cart,
    logged_in_manager,
    picks_first_delivery_time,
    sell,
    someone,
)

RLO = "\u202e"  # right-to-left override: what follows reads backwards
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
HIDDEN = set(RLO + ZERO_WIDTH + "\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200e\u200f")


def hides_nothing(text: str) -> bool:
    return not HIDDEN & set(text)


async def delivery_checkout(person: ChatPerson, address: str, note: str) -> None:
    await person.says("/checkout")
    await person.presses("Delivery")
    await person.says(address)
    await picks_first_delivery_time(person)
    await person.says("01234 567 890")
    await person.says(note)
    await person.presses("✅ Confirm")


async def test_hidden_characters_in_a_name_address_and_note_never_reach_the_staff_card(
    bot: RunningBot,
) -> None:
    sell(bot, 5, sku="TEA", name="Earl Grey", price_minor=300)
    clerk = logged_in_manager(bot, "Clerk")
    evil = someone(bot, f"{RLO}evil\u200b")
    await fill_cart(evil, "Earl Grey")
    await delivery_checkout(
        evil,
        address=f"12 High{ZERO_WIDTH} Street, {RLO}Springfield",
        note=f"Ring\u2060 twice{RLO} please\ufeff",
    )
    assert "placed" in evil.screen
    await bot.double.wait_for(
        lambda: clerk.has_seen("New order"), what="the new-order card to reach the clerk"
    )
    card = next(m for m in clerk.chat.from_bot if "New order" in m.shown_text).shown_text
    assert "from evil\n" in card
    assert "Deliver to 12 High Street, Springfield" in card
    assert "📝 Ring twice please" in card
    assert hides_nothing(card)
    await clerk.says("/orders")
    assert "👤 evil" in clerk.screen and hides_nothing(clerk.screen)
    with bot.shop.engine.connect() as db:
        name = db.execute(select(CustomerRow.name)).scalar_one()
        address, note = db.execute(select(OrderRow.address, OrderRow.note)).one()
    assert (name, address, note) == ("evil", "12 High Street, Springfield", "Ring twice please")


async def test_the_name_of_someone_asking_the_shop_reaches_the_staff_cleaned(
    bot: RunningBot,
) -> None:
    clerk = logged_in_manager(bot, "Clerk")
    evil = someone(bot, f"Ann{ZERO_WIDTH} {RLO}nomis")
    await evil.says("/start")
    await evil.presses("💬 Ask the shop")
    await evil.says(f"Open{ZERO_WIDTH} on {RLO}Sunday?")
    await bot.double.wait_for(
        lambda: clerk.has_seen("Ann nomis asks:\nOpen on Sunday?"),
        what="the question, cleaned, to reach the clerk",
    )
    assert all(hides_nothing(m.shown_text) for m in clerk.chat.from_bot)


async def test_a_button_pressed_on_an_inline_message_is_ignored_quietly(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    sell(bot, 5, sku="TEA", name="Earl Grey")
    ann = someone(bot, "Ann")
    await ann.says("/search earl")
    await ann.presses("Earl Grey")
    data = next(b["callback_data"] for b in ann.last.buttons if "to cart" in b["text"])
    boss = logged_in_manager(bot)
    pressed = [
        bot.double.press_inline(ann.person, data),
        bot.double.press_inline(ann.person, "menu:cart"),
        bot.double.press_inline(boss.person, "qa:1"),
    ]
    await bot.double.settle()
    for query in pressed:
        answer = bot.double.callback_answer(query)
        assert answer is not None, "a press is always answered"
        assert not answer.get("show_alert"), answer
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not errors, [r.getMessage() for r in errors]
    await ann.says("/cart")
    assert "Your cart is empty" in ann.screen  # nothing pressed there was applied
