"""The orders board: open orders by status, the chat card's moves, the customer told as from
the chat, and the board and the chat moving one order at once (both databases)."""

from __future__ import annotations

import asyncio
import re

import aiohttp
import pytest

from bot.domain.orders import OrderStatus
from bot.domain.services import orders
from tests.support.back_office import Browser, enters, link_from_chat, logged_in_staff
from tests.support.chat_person import ChatPerson
from tests.support.running_bot import RunningBot
from tests.support.shop_factories import place_order, sell, someone


def column(page: str, title: str) -> str:
    """One column of the board, as HTML."""
    found = re.search(rf"<h2>{title} .*?</section>", page, re.S)
    assert found, f"no column {title}"
    return found.group(0)


def form_of(page: str, code: str, action: str, to: str | None = None) -> dict[str, str]:
    """The fields of one of a card's forms (the CSRF token among them)."""
    pattern = rf'<form method="post" action="/backoffice/orders/{code}/{action}"[^>]*>(.*?)</form>'
    for body in re.findall(pattern, page, re.S):
        fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', body))
        if to is None or fields.get("to") == to:
            return fields
    raise AssertionError(f"no {action} form to {to} for {code}")


async def told(bot: RunningBot, ann: ChatPerson, text: str) -> None:
    """Wait for the customer's notification (the outbox sender runs on its own)."""
    await bot.double.wait_for(lambda: ann.has_seen(text), what=f"Ann told {text!r}")


def pickup_code(ann: ChatPerson) -> str:
    found = re.findall(r"Pickup code: (\w+)", " ".join(m.shown_text for m in ann.chat.visible))
    assert found, ann.screen
    return str(found[-1])


async def signed_in(bot: RunningBot, browser: Browser, name: str = "Sam") -> ChatPerson:
    sam = logged_in_staff(bot, name)
    await enters(browser, await link_from_chat(sam))
    return sam


async def test_an_order_goes_across_the_board_and_its_customer_is_told_each_step(
    bot: RunningBot, browser: Browser
) -> None:
    ann = someone(bot, "Ann")
    await ann.says("/start")
    order = place_order(bot, ann, sell(bot, sku="TEA", name="Green tea <b>100 g</b>"))
    await signed_in(bot, browser)
    page = await browser.get("/backoffice/orders")
    assert order.code in column(page, "New")
    assert "Green tea &lt;b&gt;100 g&lt;/b&gt;" in page
    path = f"/backoffice/orders/{order.code}"
    await browser.post(f"{path}/move", form_of(page, order.code, "move", "accepted"))
    assert browser.status == 200 and f"Order {order.code} moved" in browser.page
    assert order.code in column(browser.page, "Being prepared")
    await told(bot, ann, "the store is preparing it")
    await browser.post(f"{path}/move", form_of(browser.page, order.code, "move", "ready"))
    assert order.code in column(browser.page, "Ready or on the way")
    await told(bot, ann, "Pickup code:")
    handover = form_of(browser.page, order.code, "handover") | {"taken": "cash"}
    await browser.post(f"{path}/handover", handover | {"pickup_code": "ZZZZ99"})
    assert browser.status == 409 and "not the pickup code" in browser.page
    await browser.post(f"{path}/handover", handover | {"pickup_code": pickup_code(ann).lower()})
    assert browser.status == 200 and f"Order {order.code} handed over" in browser.page
    assert f'data-code="{order.code}"' not in browser.page  # off the board
    await told(bot, ann, "is completed")
    final = orders.find_order(order.code, uow=bot.shop.uow())
    assert final.status is OrderStatus.COMPLETED and final.money_taken is not None


async def test_a_cancellation_needs_a_reason_the_customer_then_reads(
    bot: RunningBot, browser: Browser
) -> None:
    ann = someone(bot, "Ann")
    await ann.says("/start")
    order = place_order(bot, ann, sell(bot, sku="TEA", name="Green tea"))
    await signed_in(bot, browser)
    page = await browser.get("/backoffice/orders")
    cancel = form_of(page, order.code, "move", "cancelled")
    await browser.post(f"/backoffice/orders/{order.code}/move", cancel | {"reason": "   "})
    assert browser.status == 409 and "Say why the order is cancelled" in browser.page
    await browser.post(
        f"/backoffice/orders/{order.code}/move", cancel | {"reason": "Out of <tea> today"}
    )
    assert browser.status == 200
    await told(bot, ann, "Out of <tea> today")


async def test_the_board_refreshes_as_a_fragment_and_a_stale_card_is_told_why(
    bot: RunningBot, browser: Browser
) -> None:
    ann = someone(bot, "Ann")
    order = place_order(bot, ann, sell(bot, sku="TEA", name="Green tea"))
    sam = await signed_in(bot, browser)
    page = await browser.get("/backoffice/orders")
    stale = form_of(page, order.code, "move", "accepted")
    fragment = await browser.get("/backoffice/orders?fragment=1")
    assert "<html" not in fragment and order.code in fragment
    await sam.says(f"/order {order.code}")
    await sam.presses("Accept")
    await browser.post(f"/backoffice/orders/{order.code}/move", stale)
    assert browser.status == 409
    assert "was changed by someone else a moment ago" in browser.page
    assert order.code in column(browser.page, "Being prepared")


async def test_a_forged_move_is_refused_politely(bot: RunningBot, browser: Browser) -> None:
    ann = someone(bot, "Ann")
    order = place_order(bot, ann, sell(bot, sku="TEA", name="Green tea"))
    await signed_in(bot, browser)
    page = await browser.get("/backoffice/orders")
    form = form_of(page, order.code, "move", "accepted")
    for forged in ({"to": "completed"}, {"to": "teleported"}, {"from": "x" * 500}):
        await browser.post(f"/backoffice/orders/{order.code}/move", form | forged)
        assert browser.status == 409 and "Traceback" not in browser.page, forged
    await browser.post("/backoffice/orders/NOPE1234/move", form)
    assert browser.status == 409 and "There is no order NOPE1234" in browser.page
    assert orders.find_order(order.code, uow=bot.shop.uow()).status is OrderStatus.PLACED


@pytest.mark.parametrize("backend", ["mariadb"], indirect=True)
async def test_the_board_and_the_chat_accepting_one_order_at_once_move_it_once(
    bot: RunningBot,
) -> None:
    ann = someone(bot, "Ann")
    order = place_order(bot, ann, sell(bot, sku="TEA", name="Green tea"))
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        browser = Browser(bot, http)
        sam = await signed_in(bot, browser)
        page = await browser.get("/backoffice/orders")
        form = form_of(page, order.code, "move", "accepted")
        await sam.says(f"/order {order.code}")
        pressed = bot.double.press(sam.person, sam.last, "Accept")
        await asyncio.gather(
            browser.post(f"/backoffice/orders/{order.code}/move", form), bot.double.settle()
        )
        await bot.double.settle()
    alert = sam.alert_for(pressed) or ""
    board_won = browser.status == 200
    chat_won = alert.startswith(f"Order {order.code}: accepted")
    assert board_won != chat_won, (browser.status, alert)
    final = orders.find_order(order.code, uow=bot.shop.uow())
    assert [h.status for h in final.history] == [OrderStatus.PLACED, OrderStatus.ACCEPTED]
