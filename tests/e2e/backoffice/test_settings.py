"""The shop's details set by a manager in the back office: what the chat then shows, on this
worker at once and on another with its next heartbeat (both databases: it writes)."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.clock import utc_now
from bot.wiring import build_shop
from tests.support.back_office import Browser, enters, link_from_chat, logged_in_staff
from tests.support.running_bot import RunningBot
from tests.support.shop_factories import logged_in_manager, someone


async def test_new_hours_and_address_show_in_the_chat_and_on_another_worker(
    bot: RunningBot, browser: Browser
) -> None:
    await enters(browser, await link_from_chat(logged_in_manager(bot, "Maria")))
    page = await browser.get("/backoffice/settings")
    assert f'placeholder="{bot.settings.opening_hours}"' in page
    form = {
        "csrf": browser.csrf,
        "hours": "mon-sun 07:15-08:45",
        "closed": "",
        "address": "7 Market Street, <Leeds>",
        "phone": "",
        "delivery_fee": "4,20",
    }
    await browser.post("/backoffice/settings", form)
    assert browser.status == 200 and "Saved" in browser.page
    assert 'value="7 Market Street, &lt;Leeds&gt;"' in browser.page
    ann = someone(bot, "Ann")
    await ann.says("/info")
    assert "07:15–08:45" in ann.screen and "7 Market Street, <Leeds>" in ann.screen
    other = build_shop(bot.settings)  # a second worker of the same shop
    try:
        assert other.store.address != "7 Market Street, <Leeds>"  # the environment's
        await other.refresh_details()  # what its heartbeat does
        assert other.store.address == "7 Market Street, <Leeds>"
        assert other.store.delivery_fee_minor == 420
        assert other.store.deliveries.flat_fee_minor == 420  # what checkout quotes
    finally:
        other.close()


async def test_hours_that_cannot_be_read_are_refused_and_kept_in_the_form(
    bot: RunningBot, browser: Browser
) -> None:
    await enters(browser, await link_from_chat(logged_in_manager(bot, "Maria")))
    await browser.get("/backoffice/settings")
    form = {"csrf": browser.csrf, "hours": "weekdays 9 to 5"}
    await browser.post("/backoffice/settings", form)
    assert browser.status == 400 and "cannot be read" in browser.page
    assert 'value="weekdays 9 to 5"' in browser.page
    await browser.post("/backoffice/settings", form | {"hours": "", "delivery_fee": "-3"})
    assert browser.status == 400 and "zero or more" in browser.page
    ann = someone(bot, "Ann")
    await ann.says("/info")
    assert "weekdays" not in ann.screen


async def test_staff_cannot_change_the_shop(bot: RunningBot, browser: Browser) -> None:
    await enters(browser, await link_from_chat(logged_in_staff(bot)))
    await browser.get("/backoffice/settings")
    assert browser.status == 403


async def test_holidays_set_on_the_page_close_the_shop_on_those_days_in_the_chat(
    bot: RunningBot, browser: Browser
) -> None:
    await enters(browser, await link_from_chat(logged_in_manager(bot, "Maria")))
    await browser.get("/backoffice/settings")
    today = utc_now().astimezone(bot.shop.store.timezone).date()
    holidays = f"{today + timedelta(days=2)}, {today + timedelta(days=400)}"
    form = {"csrf": browser.csrf, "hours": "mon-sun 09:00-18:00", "closed": holidays}
    await browser.post("/backoffice/settings", form)
    assert browser.status == 200 and "Saved" in browser.page
    assert f'name="closed" value="{holidays}"' in browser.page
    ann = someone(bot, "Ann")
    await ann.says("/info")
    lines = ann.screen.splitlines()
    week = next(lines[n : n + 7] for n, line in enumerate(lines) if line.startswith("Today:"))
    assert [line.endswith("closed (holiday)") for line in week] == [
        False,
        False,
        True,
        False,
        False,
        False,
        False,
    ], week
    await browser.post("/backoffice/settings", form | {"closed": "Christmas"})
    assert browser.status == 400 and "“Christmas” is not a date like 2026-12-25" in browser.page
    assert 'value="Christmas"' in browser.page
    await ann.says("/info")
    assert ann.screen.count("closed (holiday)") == 1  # the refused value changed nothing
