"""The whole staff story: a manager from the CLI invites a clerk, who logs in and works."""

from __future__ import annotations

import re

from bot.domain.services import staff
from tests.support.chat_person import ChatPerson
from tests.support.factories import FAST_HASHER
from tests.support.running_bot import RunningBot

PASSWORD = "correct horse battery"


async def test_a_manager_invites_a_clerk_who_signs_up_and_can_be_switched_off(
    bot: RunningBot,
) -> None:
    staff.create_manager(
        "boss", PASSWORD, display_name="The Boss", uow=bot.shop.uow(), hasher=FAST_HASHER
    )
    boss = ChatPerson(bot.double, bot.double.person("Boss"))
    await boss.says("/login")
    await boss.says("boss")
    await boss.says(PASSWORD)
    await boss.says("/invite cashier")
    assert "Usage: /invite staff or /invite manager" in boss.screen
    await boss.says("/invite staff")
    code = re.search(r"/signup (\S+)", boss.screen)
    assert code is not None
    clerk = ChatPerson(bot.double, bot.double.person("Cleo"))
    await clerk.says(f"/signup {code.group(1)}")
    await clerk.says("cleo")
    await clerk.says("Cleo")
    await clerk.says("Cleo's long password")
    await clerk.says("Cleo's long password")
    assert "logged in as staff" in clerk.screen
    await clerk.says("/stock")
    assert "items" in clerk.screen or "No item" in clerk.screen
    await boss.says("/staff")
    assert "Cleo (cleo), staff, active" in boss.screen
    assert boss.last.button_texts == ["Deactivate cleo"]
    await boss.presses("Deactivate cleo")
    await boss.presses("Yes, deactivate cleo")
    assert "Cleo (cleo), staff, deactivated" in boss.screen
    await bot.double.wait_for(
        lambda: clerk.has_seen("Your staff account cleo was switched off by a manager"),
        what="Cleo to be told",
    )
    await clerk.says("/stock")
    assert "Your staff account was switched off by a manager" in clerk.screen
    await boss.presses("Reactivate cleo")
    assert "Cleo (cleo), staff, active" in boss.screen
    await clerk.says("/stock")
    assert "This is for store staff" in clerk.screen  # sessions ended: log in again
    await clerk.says("/login")
    await clerk.says("cleo")
    await clerk.says("Cleo's long password")
    assert "Welcome, Cleo!" in clerk.screen
