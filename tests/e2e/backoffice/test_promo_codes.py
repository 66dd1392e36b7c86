"""Promo codes given out and ended from the back office by a manager, used in the customer's
chat; staff may not; odd input is answered politely (both databases: it writes)."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.domain.clock import utc_now
from tests.support.back_office import Browser, enters, link_from_chat, logged_in_staff
from tests.support.running_bot import RunningBot
from tests.support.shop_factories import (
    checkout_for_pickup,
    fill_cart,
    logged_in_manager,
    sell,
    someone,
)

EMPTY = {
    "code": "",
    "how": "percent",
    "value": "",
    "minimum": "",
    "starts": "",
    "ends": "",
    "uses": "",
    "each": "",
}


def local_input(bot: RunningBot, hours: float) -> str:
    """A browser's date-and-time field, `hours` from now in the shop's time."""
    moment = (utc_now() + timedelta(hours=hours)).astimezone(bot.shop.store.timezone)
    return moment.strftime("%Y-%m-%dT%H:%M")


async def test_a_code_given_out_in_the_browser_is_taken_at_checkout_and_ended_there(
    bot: RunningBot, browser: Browser
) -> None:
    sell(bot, sku="TEA", name="Green tea", price_minor=450)
    await enters(browser, await link_from_chat(logged_in_manager(bot)))
    await browser.get("/backoffice/promo-codes")
    assert browser.status == 200 and "No promo codes are running." in browser.page
    form = EMPTY | {"csrf": browser.csrf, "code": "neighbours", "how": "amount", "value": "2.00"}
    await browser.post(
        "/backoffice/promo-codes",
        form | {"minimum": "8", "ends": local_input(bot, 48), "uses": "50", "each": "2"},
    )
    assert browser.status == 200 and "Promo code set." in browser.page  # redirected
    assert "<code>NEIGHBOURS</code>" in browser.page and "0 of 50" in browser.page

    ann = someone(bot, "Ann")
    await fill_cart(ann, "Green tea", presses_of_plus=1)
    await checkout_for_pickup(ann)
    await ann.says("neighbours")  # typed at the summary
    assert "🎟 Promo code NEIGHBOURS: −2.00 EUR" in ann.screen and "Total: 7.00 EUR" in ann.screen
    await ann.presses("✅ Confirm")
    await browser.get("/backoffice/promo-codes")
    assert "1 of 50" in browser.page

    [end] = re.findall(r'action="(/backoffice/promo-codes/\d+/end)"', browser.page)
    await browser.post(end, {"csrf": browser.csrf})
    assert browser.status == 200 and "Promo code ended." in browser.page
    await browser.post(end, {"csrf": browser.csrf})
    assert browser.status == 409 and "That promo code had already ended." in browser.page
    await fill_cart(ann, "Green tea", presses_of_plus=1)
    await checkout_for_pickup(ann)
    await ann.says("NEIGHBOURS")
    assert "Promo code NEIGHBOURS has expired." in ann.screen


async def test_odd_codes_get_a_polite_answer_and_change_nothing(
    bot: RunningBot, browser: Browser
) -> None:
    await enters(browser, await link_from_chat(logged_in_manager(bot)))
    await browser.get("/backoffice/promo-codes")
    ok = EMPTY | {"csrf": browser.csrf, "code": "SPRING", "value": "10"}
    for form, said in [
        (ok | {"value": "lots"}, "A percentage off goes from 1 to 99."),
        (ok | {"value": "100"}, "A percentage off goes from 1 to 99."),
        (ok | {"code": "<b>x</b>"}, "3 to 24 letters and digits"),
        (ok | {"code": ""}, "3 to 24 letters and digits"),
        (ok | {"how": "amount", "value": "5.00"}, "minimum basket above it"),
        (ok | {"ends": local_input(bot, -2)}, "That end has passed already."),
        (ok | {"ends": "soon"}, "is not a date and time."),
        (ok | {"uses": "0"}, "Uses go from 1 to"),
        (ok | {"each": "-1"}, "Uses go from 1 to"),
        (ok | {"how": "free"}, "Give a percentage off or an amount off."),
    ]:
        await browser.post("/backoffice/promo-codes", form)
        assert browser.status == 400 and said in browser.page, (form, browser.page[-600:])
        assert "No promo codes are running." in browser.page
    await browser.post("/backoffice/promo-codes", ok)
    await browser.post("/backoffice/promo-codes", ok | {"value": "20"})
    assert browser.status == 400 and "There is a promo code SPRING already" in browser.page
    await browser.post("/backoffice/promo-codes/99x/end", {"csrf": browser.csrf})
    assert browser.status == 409
    await browser.post("/backoffice/promo-codes", ok | {"code": "OTHER", "csrf": "forged"})
    assert browser.status == 403
    await browser.get("/backoffice/promo-codes")
    assert "OTHER" not in browser.page and "<code>SPRING</code>" in browser.page


async def test_promo_codes_are_for_managers_alone(bot: RunningBot, browser: Browser) -> None:
    await enters(browser, await link_from_chat(logged_in_staff(bot)))
    await browser.get("/backoffice/promo-codes")
    assert browser.status == 403
    assert 'href="/backoffice/promo-codes"' not in (await browser.get("/backoffice/items"))
