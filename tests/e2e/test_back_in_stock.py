"""“Tell me when it's back”: each customer who asked is told once, when it can be bought."""

from __future__ import annotations

from decimal import Decimal

from bot.domain.catalogue import Unit
from tests.support.running_bot import RunningBot
from tests.support.shop_factories import logged_in_manager, sell, someone


async def test_customers_who_asked_are_told_once_when_the_item_is_back(bot: RunningBot) -> None:
    sell(bot, 0, sku="APPLES", name="Apples", unit=Unit.KILOGRAM, step=Decimal("0.25"))
    ann, bob, cleo = someone(bot, "Ann"), someone(bot, "Bob"), someone(bot, "Cleo")
    for who in (ann, bob, cleo):
        await who.says("/start p_APPLES")
        assert "❌ Sold out" in who.screen
    await ann.presses("Tell me when it's back")
    await ann.presses("Tell me when it's back")  # asking twice is asking once
    await bob.presses("Tell me when it's back")
    clerk = logged_in_manager(bot, "Clerk")
    await clerk.says("/restock APPLES 0.1")  # not yet one whole step
    await bot.another_sender_round()
    assert not ann.has_seen("is back in stock")
    await clerk.says("/restock APPLES 5")
    await bot.another_sender_round()
    for who in (ann, bob):
        told = [m for m in who.chat.from_bot if "is back in stock" in m.shown_text]
        assert len(told) == 1, who.person
        assert told[0].button_texts == ["Open it"]
    assert not cleo.has_seen("is back in stock")  # she did not ask
    await clerk.says("/adjust APPLES -5.1 damaged")
    await clerk.says("/restock APPLES 2")  # back again: nobody asked this time
    await bot.another_sender_round()
    assert len([m for m in ann.chat.from_bot if "is back in stock" in m.shown_text]) == 1
    await ann.presses("Open it", on=next(m for m in ann.chat.from_bot if "back in" in m.shown_text))
    assert "Apples" in ann.screen and "In stock" in ann.screen
