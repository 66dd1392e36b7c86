"""Offers set and ended from the back office by a manager, seen in the customer's chat; staff
may not; odd input is answered politely (both databases: it writes)."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.domain.clock import utc_now
from tests.support.back_office import Browser, enters, link_from_chat, logged_in_staff
from tests.support.running_bot import RunningBot
from tests.support.shop_factories import logged_in_manager, sell, someone


def local_input(bot: RunningBot, hours: float) -> str:
    """A browser's date-and-time field, `hours` from now in the shop's time."""
    moment = (utc_now() + timedelta(hours=hours)).astimezone(bot.shop.store.timezone)
    return moment.strftime("%Y-%m-%dT%H:%M")


async def test_a_category_offer_set_and_ended_in_the_browser_shows_in_the_chat(
    bot: RunningBot, browser: Browser
) -> None:
    sell(bot, sku="BREAD", name="Sourdough", category="Bakery", price_minor=400)
    sell(bot, sku="MILK", name="Milk", category="Dairy", price_minor=120)
    await enters(browser, await link_from_chat(logged_in_manager(bot)))
    await browser.get("/backoffice/offers")
    assert browser.status == 200 and "No offers are set." in browser.page
    form = {"csrf": browser.csrf, "kind": "category", "category": "Bakery", "how": "percent"}
    await browser.post(
        "/backoffice/offers", form | {"value": "25 %", "starts": "", "ends": local_input(bot, 26)}
    )
    assert browser.status == 200 and "Offer set." in browser.page  # redirected: no re-post
    assert "every item in Bakery" in browser.page and "−25%" in browser.page

    ann = someone(bot, "Ann")
    await ann.says("/start p_BREAD")
    assert "<s>4.00 EUR</s> 3.00 EUR per pc" in (ann.last.text or "")
    await ann.says("/start p_MILK")
    assert "1.20 EUR per pc" in ann.screen and "🏷" not in ann.screen

    [end] = re.findall(r'action="(/backoffice/offers/\d+/end)"', browser.page)
    await browser.post(end, {"csrf": browser.csrf})
    assert browser.status == 200 and "Offer ended." in browser.page
    await browser.post(end, {"csrf": browser.csrf})
    assert browser.status == 409 and "That offer had already ended." in browser.page
    await ann.says("/start p_BREAD")
    assert "4.00 EUR per pc" in ann.screen and "<s>" not in (ann.last.text or "")


async def test_odd_offers_get_a_polite_answer_and_change_nothing(
    bot: RunningBot, browser: Browser
) -> None:
    sell(bot, sku="BREAD", name="Sourdough", category="Bakery", price_minor=400)
    await enters(browser, await link_from_chat(logged_in_manager(bot)))
    await browser.get("/backoffice/offers")
    item = {"csrf": browser.csrf, "kind": "item", "sku": "BREAD", "how": "percent", "starts": ""}
    tomorrow = local_input(bot, 24)
    for form, said in [
        (item | {"value": "lots", "ends": tomorrow}, "A percentage off goes from 1 to 99."),
        (item | {"value": "120", "ends": tomorrow}, "A percentage off goes from 1 to 99."),
        (item | {"value": "10", "ends": ""}, "Say when the offer ends."),
        (item | {"value": "10", "ends": "soon"}, "is not a date and time."),
        (item | {"value": "10", "ends": local_input(bot, -2)}, "An offer must end after"),
        (item | {"sku": "NOPE", "value": "10", "ends": tomorrow}, "NOPE"),
        (item | {"sku": "", "value": "10", "ends": tomorrow}, "SKU or choose a category"),
        (item | {"how": "price", "value": "5.00", "ends": tomorrow}, "below the list price"),
        (
            item | {"kind": "category", "category": "<b>x</b>", "value": "10", "ends": tomorrow},
            "No category “&lt;b&gt;x&lt;/b&gt;” has items on sale.",
        ),
    ]:
        await browser.post("/backoffice/offers", form)
        assert browser.status == 400 and said in browser.page, (form, browser.page[-600:])
        assert "No offers are set." in browser.page
    await browser.post("/backoffice/offers/99x/end", {"csrf": browser.csrf})
    assert browser.status == 400
    await browser.post(
        "/backoffice/offers", item | {"value": "10", "ends": tomorrow, "csrf": "forged"}
    )
    assert browser.status == 403
    await browser.get("/backoffice/offers")
    assert "No offers are set." in browser.page


async def test_offers_are_for_managers_alone(bot: RunningBot, browser: Browser) -> None:
    await enters(browser, await link_from_chat(logged_in_staff(bot)))
    await browser.get("/backoffice/offers")
    assert browser.status == 403
    assert 'href="/backoffice/offers"' not in (await browser.get("/backoffice/items"))
