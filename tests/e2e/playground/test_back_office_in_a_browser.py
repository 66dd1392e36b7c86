"""The back office in Debian's Chromium, both ways in: Maria opens it from the bot's menu
button (a Mini App launch the playground signs as Telegram does) and changes a price that
Alice then sees in her chat; Sam opens the link /backoffice sends and books goods in.
Screenshots of each step go to test-artifacts/playground/."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Page, expect

from bot.domain.services import catalogue
from tests.e2e.playground.conftest import RunningPlayground
from tests.e2e.playground.page_steps import Screens, bot_says, logs_in, says
from tests.support.chat_person import ChatPerson
from tests.support.shop_factories import place_order


async def opened_in_a_new_tab(page: Page, selector: str) -> Page:
    async with page.context.expect_page() as opened:
        await page.click(selector)
    tab = await opened.value
    await tab.wait_for_load_state()
    return tab


async def test_both_ways_into_the_back_office_and_what_they_change_in_the_chat(
    playground: RunningPlayground, browser: Browser, request: pytest.FixtureRequest
) -> None:
    context = await browser.new_context(viewport={"width": 1200, "height": 820})
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    shots = Screens(page, "back-office-" + request.node.callspec.id)
    try:
        await page.goto(playground.url)
        await page.click("[data-persona=Alice]")
        await expect(page.locator("#backoffice-button")).to_be_hidden()  # a customer
        await logs_in(page, "Maria")
        await shots.take("manager-logged-in")

        # The menu button, as a phone-sized Mini App.
        mini = await opened_in_a_new_tab(page, "#backoffice-button")
        await mini.set_viewport_size({"width": 390, "height": 800})
        await expect(mini.locator("h1")).to_have_text("Items")
        tab_shots = Screens(mini, "back-office-mini-app-" + request.node.callspec.id)
        await tab_shots.take("items-on-a-phone")
        await mini.fill("input[name=q]", "baguette")
        await mini.click(".filters button")
        await mini.locator("table.items").get_by_role("link", name="Baguette", exact=True).click()
        await expect(mini.locator("h1")).to_contain_text("Baguette")
        await mini.fill("input[name=price]", "1,35")
        await mini.click(".details button.primary")
        await expect(mini.locator(".done")).to_have_text("Saved.")
        await tab_shots.take("price-saved")
        await mini.goto(re.sub(r"/backoffice/.*", "/backoffice/team", mini.url))
        await expect(mini.locator("h1")).to_have_text("Team")
        await expect(mini.locator("table")).to_contain_text("sam")
        await tab_shots.take("team")

        await page.bring_to_front()  # a tab in the background draws nothing
        await page.click("[data-persona=Alice]")
        await page.click("#start-button")
        await bot_says(page, "Welcome to")
        await says(page, "/start p_BAGUETTE")
        await bot_says(page, "1.35")
        await shots.take("customer-sees-the-new-price")

        # Alice's order across the board, her chat told at each step.
        alice = ChatPerson(playground.bot.double, playground.persona("Alice").person)
        baguette = catalogue.find_product("BAGUETTE", uow=playground.bot.shop.uow())
        order = place_order(playground.bot, alice, baguette, 2)
        await mini.bring_to_front()
        await mini.goto(re.sub(r"/backoffice/.*", "/backoffice/orders", mini.url))
        card = mini.locator(f"article.order-card[data-code='{order.code}']")
        await expect(card).to_contain_text("Baguette")
        await tab_shots.take("board-new-order")
        await card.get_by_role("button", name="✅ Accept").click()
        await expect(mini.locator(".done")).to_contain_text(f"Order {order.code} moved")
        await card.get_by_role("button", name="🛍 Ready for pickup").click()
        await expect(card.locator("input[name=pickup_code]")).to_be_visible()  # hand-over
        await tab_shots.take("board-ready")
        await page.bring_to_front()
        await bot_says(page, "Pickup code:")
        told = await page.locator(".message.bot .text", has_text="Pickup code:").last.inner_text()
        found = re.search(r"Pickup code: (\w+)", told)
        assert found is not None
        await shots.take("customer-has-her-pickup-code")
        await mini.bring_to_front()
        await card.locator("input[name=pickup_code]").fill(found.group(1))
        await card.locator("select[name=taken]").select_option("cash")
        await card.get_by_role("button", name="Hand over").click()
        await expect(mini.locator(".done")).to_contain_text("handed over")
        await expect(card).to_have_count(0)
        await tab_shots.take("board-handed-over")
        await page.bring_to_front()
        await bot_says(page, re.compile(rf"Order {order.code} is completed"))
        await shots.take("customer-told-completed")

        # The link /backoffice sends, in a desktop browser.
        await logs_in(page, "Sam")
        await says(page, "/backoffice")
        await bot_says(page, "Your link to the back office")
        link = page.locator(".message.bot .inline-row a", has_text="Open the back office").last
        desk = await opened_in_a_new_tab(page, "text=Open the back office >> nth=-1")
        del link
        desk_shots = Screens(desk, "back-office-link-" + request.node.callspec.id)
        await desk_shots.take("link-page")
        await desk.click("button.primary")
        await expect(desk.locator("h1")).to_have_text("Items")
        await desk.goto(re.sub(r"/backoffice/.*", "/backoffice/items/BAGUETTE", desk.url))
        await desk.select_option("select[name=move]", "restock")
        await desk.fill(".move input[name=quantity]", "12")
        await desk.fill(".move input[name=note]", "morning delivery")
        await desk.click(".move button")
        await expect(desk.locator(".done")).to_contain_text("Stock moved")
        await expect(desk.locator("table").last).to_contain_text("morning delivery")
        await desk_shots.take("goods-in")
        await desk.goto(re.sub(r"/backoffice/.*", "/backoffice/team", desk.url))
        await expect(desk.locator(".problem")).to_contain_text("for managers only")
        await desk_shots.take("staff-kept-off-the-team-page")
        assert not errors, f"the page raised: {errors}"
    except BaseException:
        await shots.take("failure")
        raise
    finally:
        await context.close()
