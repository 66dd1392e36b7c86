"""“Tell me when it's back”: each customer who asked is told once, when it can be bought."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Engine, select

from bot.domain.catalogue import Unit
from bot.domain.notifications import NotificationKind
from bot.handlers.button_kinds import WatchItem
from bot.persistence.models import OutboxRow
from bot.playground.bot_api.server import ChatMessage
from tests.support.chat_person import ChatPerson
from tests.support.running_bot import RunningBot
from tests.support.shop_factories import logged_in_manager, sell, someone


async def test_customers_who_asked_are_told_once_when_the_item_is_back(
    bot: RunningBot, engine: Engine
) -> None:
    apples = sell(bot, 0, sku="APPLES", name="Apples", unit=Unit.KILOGRAM, step=Decimal("0.25"))
    ann, bob, cleo = someone(bot, "Ann"), someone(bot, "Bob"), someone(bot, "Cleo")
    for who in (ann, bob, cleo):
        await who.says("/start p_APPLES")
        assert "❌ Sold out" in who.screen
    await ann.presses("Tell me when it's back")
    await ann.presses_data(WatchItem(apples.id or 0).pack())  # asking twice is asking once
    await bob.presses("Tell me when it's back")
    clerk = logged_in_manager(bot, "Clerk")
    await clerk.says("/restock APPLES 0.1")  # not yet one whole step
    assert queued(engine) == []
    await clerk.says("/restock APPLES 5")
    assert sorted(queued(engine)) == sorted([ann.person.id, bob.person.id])  # once each

    def told(who: ChatPerson) -> list[ChatMessage]:
        return [m for m in who.chat.from_bot if "is back in stock" in m.shown_text]

    await bot.double.wait_for(
        lambda: len(told(ann)) == 1 and len(told(bob)) == 1, what="both to be told"
    )
    assert told(ann)[0].button_texts == ["Open it"]
    await clerk.says("/adjust APPLES -5.1 damaged")
    await clerk.says("/restock APPLES 2")  # back again: nobody asked this time
    assert len(queued(engine)) == 2
    assert not cleo.has_seen("is back in stock")  # she never asked
    await ann.presses("Open it", on=told(ann)[0])
    assert "Apples" in ann.screen and "In stock" in ann.screen


def queued(engine: Engine) -> list[int]:
    """The chats of every back-in-stock message ever queued, sent or not."""
    with engine.connect() as connection:
        return list(
            connection.scalars(
                select(OutboxRow.chat_id).where(
                    OutboxRow.kind == NotificationKind.BACK_IN_STOCK.value
                )
            )
        )
