"""A category's prices changed from the back office: preview, confirm, and what customers then
see (both databases: it writes)."""

from __future__ import annotations

import re

import pytest

from bot.backoffice import prices
from tests.support.back_office import Browser, enters, link_from_chat, logged_in_staff
from tests.support.running_bot import RunningBot
from tests.support.shop_factories import sell, someone


def previewed(page: str) -> list[tuple[str, str, str]]:
    """(SKU, now, after) for each row of the preview."""
    rows = re.findall(
        r"<tr[^>]*><td>([^<]+)</td><td>[^<]*</td><td class=\"num\">([^<]+)</td>"
        r"<td class=\"num\">([^<]+)</td></tr>",
        page,
    )
    return [(sku, now.replace("\xa0", " "), after.replace("\xa0", " ")) for sku, now, after in rows]


def confirmation(page: str) -> dict[str, str]:
    form = re.search(r'<form method="post" action="/backoffice/prices">(.*?)</form>', page, re.S)
    assert form, "no confirmation form"
    return dict(re.findall(r'name="(\w+)" value="([^"]*)"', form.group(1)))


async def test_a_category_goes_up_ten_percent_after_a_preview(
    bot: RunningBot, browser: Browser
) -> None:
    sell(bot, sku="TEA", name="Green tea", category="Tea", price_minor=400)
    sell(bot, sku="MINT", name="Mint tea", category="Tea", price_minor=250)
    sell(bot, sku="RICE", name="Rice", category="Grocery", price_minor=300)
    await enters(browser, await link_from_chat(logged_in_staff(bot)))
    await browser.get("/backoffice/prices?category=Tea&how=percent&value=%2B10")
    assert previewed(browser.page) == [
        ("TEA", "4.00 EUR", "4.40 EUR"),  # by name: Green tea, Mint tea
        ("MINT", "2.50 EUR", "2.75 EUR"),
    ]
    await browser.post("/backoffice/prices", confirmation(browser.page))
    assert browser.status == 200 and "2 prices changed in Tea." in browser.page
    ann = someone(bot, "Ann")
    await ann.says("/start p_TEA")
    assert "4.40" in ann.screen
    await ann.says("/start p_RICE")
    assert "3.00" in ann.screen


async def test_a_long_preview_lists_the_items_that_change_first_and_counts_the_rest(
    bot: RunningBot, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prices, "SHOWN", 2)  # as a category of 10,000 items with 100 shown
    sell(bot, sku="CHAI", name="Chai", category="Tea", price_minor=250)
    sell(bot, sku="TEA", name="Green tea", category="Tea", price_minor=400)
    sell(bot, sku="MINT", name="Mint tea", category="Tea", price_minor=300)
    await enters(browser, await link_from_chat(logged_in_staff(bot)))
    await browser.get("/backoffice/prices?category=Tea&how=price&value=2.50")
    assert previewed(browser.page) == [
        ("TEA", "4.00 EUR", "2.50 EUR"),
        ("MINT", "3.00 EUR", "2.50 EUR"),  # Chai, first by name, keeps its price: not listed
    ]
    assert "Changed items: 2" in browser.page and "Unchanged items: 1" in browser.page
    await browser.post("/backoffice/prices", confirmation(browser.page))
    assert browser.status == 200 and "2 prices changed in Tea." in browser.page


async def test_a_price_set_in_the_chat_after_the_preview_stops_the_change(
    bot: RunningBot, browser: Browser
) -> None:
    sell(bot, sku="TEA", name="Green tea", category="Tea", price_minor=400)
    sam = logged_in_staff(bot)
    await enters(browser, await link_from_chat(sam))
    await browser.get("/backoffice/prices?category=Tea&how=price&value=3,50")
    form = confirmation(browser.page)
    await sam.says("/setprice TEA 4.20")
    await browser.post("/backoffice/prices", form)
    assert browser.status == 409 and "changed since the preview" in browser.page
    assert previewed(browser.page) == [("TEA", "4.20 EUR", "3.50 EUR")]
    await sam.says("/stock TEA")
    assert "4.20" in sam.screen


async def test_odd_input_gets_a_polite_answer(bot: RunningBot, browser: Browser) -> None:
    sell(bot, sku="TEA", name="Green tea", category="Tea", price_minor=400)
    await enters(browser, await link_from_chat(logged_in_staff(bot)))
    for query, said in [
        ("category=Tea&how=percent&value=lots", "is not a percentage"),
        ("category=Tea&how=percent&value=-150", "from -100 to +1000"),
        ("category=Nope&how=percent&value=5", "no items in the category"),
        ("category=Tea&how=sideways&value=5", "percentage or a new price"),
    ]:
        await browser.get(f"/backoffice/prices?{query}")
        assert browser.status == 400 and said in browser.page, query
    await browser.post(
        "/backoffice/prices",
        confirmation(await browser.get("/backoffice/prices?category=Tea&how=percent&value=5"))
        | {"seen": "forged"},
    )
    assert browser.status == 409
    await browser.get("/backoffice/items?q=tea")
    assert "4.00" in browser.page
