"""The team page: a manager makes an invite and switches an account off and on, through the
chat's use cases (both databases: it writes)."""

from __future__ import annotations

import re

from tests.support.back_office import Browser, enters, link_from_chat, logged_in_staff
from tests.support.running_bot import RunningBot
from tests.support.shop_factories import logged_in_manager, someone, staff_id_of


def switch_form(page: str, staff_id: int) -> dict[str, str]:
    form = re.search(rf'action="/backoffice/team/{staff_id}/active"[^>]*>(.*?)</form>', page, re.S)
    assert form, f"no switch for {staff_id}"
    return dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', form.group(1)))


async def test_a_manager_invites_and_switches_an_account_off_and_on(
    bot: RunningBot, browser: Browser
) -> None:
    sam = logged_in_staff(bot)
    maria = logged_in_manager(bot, "Maria")
    await enters(browser, await link_from_chat(maria))
    page = await browser.get("/backoffice/team")
    await browser.post("/backoffice/team/invite", {"csrf": browser.csrf, "role": "staff"})
    link = re.search(r'class="invite-link">([^<]+)</a>', browser.page)
    assert browser.status == 200 and link, browser.page
    code = link.group(1).rsplit("i_", 1)[1]
    nia = someone(bot, "Nia")
    await nia.says(f"/start i_{code}")
    assert "username" in nia.screen.lower()

    sam_id = staff_id_of(bot, sam)
    off = switch_form(page, sam_id)
    await browser.post(f"/backoffice/team/{sam_id}/active", off)  # not confirmed
    assert browser.status == 400 and "Tick the box" in browser.page
    await browser.post(f"/backoffice/team/{sam_id}/active", off | {"confirm": "yes"})
    assert browser.status == 200 and "switched off; they are logged out" in browser.page
    await sam.says("/stock")
    assert "switched off by a manager" in sam.screen
    on = switch_form(browser.page, sam_id)
    await browser.post(f"/backoffice/team/{sam_id}/active", on)
    assert browser.status == 200 and "on again" in browser.page
    assert f'action="/backoffice/team/{staff_id_of(bot, maria)}/active"' not in browser.page
    forged = off | {"confirm": "yes"}
    await browser.post(f"/backoffice/team/{staff_id_of(bot, maria)}/active", forged)
    assert browser.status == 400 and "cannot deactivate your own account" in browser.page
    await browser.post("/backoffice/team/99999/active", forged)
    assert browser.status == 400 and "no such staff account" in browser.page


async def test_staff_cannot_invite(bot: RunningBot, browser: Browser) -> None:
    await enters(browser, await link_from_chat(logged_in_staff(bot)))
    await browser.get("/backoffice/items")
    async with browser.http.post(
        bot.web_url + "/backoffice/team/invite", data={"csrf": browser.csrf, "role": "manager"}
    ) as response:
        assert response.status == 403
