"""Issue 4's whole story, as one run: CLI manager, invite, clerk, restock, an order worked to
completed with the customer told at each step, a low-stock alert and the report."""

from __future__ import annotations

import io
import re

import pytest

from bot import cli
from tests.support.chat_person import ChatPerson
from tests.support.running_bot import RunningBot

MANAGER_PASSWORD = "a long manager password"
CLERK_PASSWORD = "the clerk's long password"


async def test_a_manager_from_the_cli_runs_the_store_with_a_clerk_by_chat(
    bot: RunningBot,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: object,
) -> None:
    monkeypatch.chdir(str(tmp_path))
    monkeypatch.setenv("SHOPKEEPS_DATABASE_URL", bot.settings.database_url)
    monkeypatch.setattr("sys.stdin", io.StringIO(MANAGER_PASSWORD + "\n"))
    assert cli.main(["staff", "create-manager", "boss", "--name", "Bea"]) == 0
    assert cli.main(["demo-data"]) == 0

    boss = ChatPerson(bot.double, bot.double.person("Bea"))
    await boss.says("/login")
    await boss.says("boss")
    await boss.says(MANAGER_PASSWORD)
    assert "logged in as manager" in boss.screen
    await boss.says("/invite staff")
    code = re.search(r"/signup (\S+)", boss.screen)
    assert code is not None

    clerk = ChatPerson(bot.double, bot.double.person("Cal"))
    await clerk.says(f"/signup {code.group(1)}")
    await clerk.says("cal")
    await clerk.says("Cal")
    await clerk.says(CLERK_PASSWORD)
    await clerk.says(CLERK_PASSWORD)
    assert "logged in as staff" in clerk.screen
    await clerk.says("/restock BAGUETTE 4 morning bake")
    assert "Baguette: +4 pc, now 34 pc on hand." in clerk.screen
    await clerk.says("/setthreshold AVOCADO 2")

    ann = ChatPerson(bot.double, bot.double.person("Ann"))
    await ann.says("/start p_AVOCADO")  # 3 on hand, low at 2: buying 1 crosses the line
    await ann.presses("to cart")
    await ann.says("/checkout")
    await ann.presses("Pickup")
    await ann.presses(ann.last.button_texts[0])
    await ann.shares_phone("+44 20 7946 0958")
    await ann.presses("Skip")
    await ann.presses("✅ Confirm")
    order_code = re.search(r"Order (\w+) placed", ann.screen)
    assert order_code is not None

    await bot.double.wait_for(
        lambda: clerk.has_seen(f"New order {order_code.group(1)}"),
        what="the clerk to hear of the order",
    )
    await bot.double.wait_for(
        lambda: boss.has_seen("Low stock: Avocado, ripe"), what="the manager's low-stock alert"
    )
    code_text = order_code.group(1)
    for button, told in (("Accept", "was accepted"), ("Ready for pickup", "is ready for pickup")):
        await clerk.presses(button)

        def customer_told(status: str = told) -> bool:
            return any(f"Order {code_text} {status}" in m.shown_text for m in ann.chat.from_bot)

        await bot.double.wait_for(customer_told, what=f"the customer to read {told}")
    # At the counter: the clerk's phone scans Ann's QR code, which opens the bot with it.
    pickup_code = re.search(r"Pickup code: (\w+)", ann.chat.from_bot[-1].shown_text)
    assert pickup_code is not None and ann.last.photo is not None
    await clerk.says(f"/start h_{pickup_code.group(1)}")
    assert f"Order {code_text}: collect 1.29 EUR." in clerk.screen  # paid at the counter
    await clerk.presses("Paid by card")
    assert f"Order {code_text} handed over." in clerk.screen
    await bot.double.wait_for(
        lambda: ann.has_seen(f"Order {code_text} is completed"), what="Ann to hear it is done"
    )
    await boss.says("/report 1")
    assert boss.has_seen("Completed orders: 1")
    assert boss.has_seen("💳 Card: 1.29 EUR")
    assert boss.has_seen("1. Avocado, ripe — 1.29 EUR (1 pc)")
    figures = next(m for m in boss.chat.from_bot if m.shown_text.startswith("Sales "))
    await boss.presses("📄 Item sales (CSV)", on=figures)
    assert boss.last.document is not None
