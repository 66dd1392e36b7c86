"""The back office in Debian's Chromium, both ways in: Maria opens it from the bot's menu
button (a Mini App launch the playground signs as Telegram does) and changes a price that
Alice then sees in her chat; Bruno's order comes onto Maria's open board by itself and his
chat hears each move she makes; Sam opens the link /backoffice sends and books goods in.
Screenshots of each step go to test-artifacts/playground/."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.async_api import Browser, FilePayload, Page, expect

from bot.domain.services import catalogue
from tests.e2e.playground.conftest import RunningPlayground
from tests.e2e.playground.page_steps import (
    Screens,
    baguette_to_the_summary,
    bot_says,
    logs_in,
    press,
    says,
)

CATALOGUE = (
    "sku,name,category,unit,step,price,stock,threshold,description\n"
    "HONEY-500,Wildflower honey 500 g,Pantry,pc,1,6.90,12,,\n"
    "JAM-STRAW,Strawberry jam,Pantry,pc,1,{jam},5,,\n"
)
BAD_LINE = "cheap"
# The board redraws itself every 4 s (bot/backoffice/static/backoffice.js): a change shows
# within one round, give or take the fetch; two rounds allow for a loaded machine.
REFRESHED_WITHIN = 8_000


def csv_file(jam_price: str) -> FilePayload:
    body = CATALOGUE.format(jam=jam_price).encode()
    return {"name": "catalogue.csv", "mimeType": "text/csv", "buffer": body}


def photo_file(name: str) -> FilePayload:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "#c8913a").save(out, "PNG")
    return {"name": name, "mimeType": "image/png", "buffer": out.getvalue()}


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

        # Maria's board stays open on her phone while Bruno orders in his chat: the card comes
        # by itself (the board refreshes every few seconds), with no reload of the page.
        await mini.bring_to_front()
        await mini.goto(re.sub(r"/backoffice/.*", "/backoffice/orders", mini.url))
        await expect(mini.locator("h1")).to_have_text("Orders")
        await mini.evaluate("window.boardNeverReloaded = true")  # a reload would forget it
        loads: list[str] = []
        mini.on("load", lambda loaded: loads.append(loaded.url))
        await page.bring_to_front()  # a tab behind draws nothing: its buttons never settle
        await baguette_to_the_summary(page, "Bruno")
        await press(page, "Confirm and pay")
        await bot_says(page, re.compile(r"Order \w+ is reserved for you"))
        reserved = await page.locator(".message.bot .text", has_text="reserved").last.inner_text()
        found_code = re.search(r"Order (\w+) is reserved", reserved)
        assert found_code is not None
        code = found_code.group(1)
        await mini.bring_to_front()  # its script kept running behind: the card is there
        card = mini.locator(f"article.order-card[data-code='{code}']")
        await expect(card).to_contain_text("Waiting for payment", timeout=REFRESHED_WITHIN)
        await expect(card).to_contain_text("Baguette")
        await tab_shots.take("board-new-order-came-by-itself")
        await page.bring_to_front()
        await page.locator(".message.bot .invoice").last.locator(".pay-button").click()
        await page.click("#sheet-pay")
        await bot_says(page, f"Payment received for order {code}")
        await expect(card).to_contain_text("Paid in Telegram", timeout=REFRESHED_WITHIN)
        assert loads == [] and await mini.evaluate("window.boardNeverReloaded") is True
        await mini.bring_to_front()
        await tab_shots.take("board-order-paid")

        # Across the board, Bruno's chat told at each step.
        await card.get_by_role("button", name="✅ Accept").click()
        await expect(mini.locator(".done")).to_contain_text(f"Order {code} moved")
        await tab_shots.take("board-accepted")
        await page.bring_to_front()
        await bot_says(page, f"Order {code} was accepted: the store is preparing it.")
        await shots.take("customer-told-accepted")
        await mini.bring_to_front()
        await card.get_by_role("button", name="🛍 Ready for pickup").click()
        await expect(card.locator("input[name=pickup_code]")).to_be_visible()  # hand-over
        await tab_shots.take("board-ready")
        await page.bring_to_front()
        ready = page.locator(".message.bot .text", has_text=f"Order {code} is ready for pickup")
        await expect(ready.last).to_contain_text("Pickup code:")
        found = re.search(r"Pickup code: (\w+)", await ready.last.inner_text())
        assert found is not None
        await shots.take("customer-has-her-pickup-code")
        await mini.bring_to_front()
        await card.locator("input[name=pickup_code]").fill(found.group(1))
        await expect(card.locator("select[name=taken]")).to_have_count(0)  # paid in Telegram
        await card.get_by_role("button", name="Hand over").click()
        await expect(mini.locator(".done")).to_contain_text("handed over")
        await expect(card).to_have_count(0)
        await tab_shots.take("board-handed-over")
        await page.bring_to_front()
        await bot_says(page, re.compile(rf"Order {code} is completed"))
        await shots.take("customer-told-completed")

        # The link /backoffice sends, in a desktop browser.
        await logs_in(page, "Sam")
        await says(page, "/backoffice")
        await bot_says(page, "Your link to the back office")
        # A desktop's own browser, not Maria's phone: its own cookies.
        button = page.locator(".message.bot .inline-row a", has_text="Open the back office")
        href = await button.last.get_attribute("href")
        assert href is not None
        desktop = await browser.new_context(viewport={"width": 1200, "height": 820})
        desk = await desktop.new_page()
        await desk.goto(href)
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

        # A catalogue file with a bad line: shown, nothing written; fixed, then imported.
        items_before = len(catalogue.all_products(uow=playground.bot.shop.uow()))
        await desk.goto(re.sub(r"/backoffice/.*", "/backoffice/files", desk.url))
        await desk.set_input_files("input[name=file]", files=[csv_file(BAD_LINE)])
        await desk.click("form[action$='/files/preview'] button")
        bad = desk.locator("table.bad-lines")
        await expect(bad).to_contain_text("is not a price")
        await expect(bad.locator("td").first).to_have_text("3")
        await desk_shots.take("import-shows-the-bad-line")
        assert len(catalogue.all_products(uow=playground.bot.shop.uow())) == items_before
        await desk.set_input_files("input[name=file]", files=[csv_file("2.90")])
        await desk.click("form[action$='/files/preview'] button")
        await expect(desk.locator(".summary")).to_contain_text("New items: 2")
        await desk_shots.take("import-preview")
        await desk.get_by_role("button", name="Import it").click()
        await expect(desk.locator(".done")).to_contain_text("2 new items")
        await desk_shots.take("imported")

        # Two photos at once, matched by their file names; one shows on the chat's card.
        await desk.set_input_files(
            "input[name=photos]", files=[photo_file("BAGUETTE.png"), photo_file("CROISSANT.png")]
        )
        await desk.click("form[action$='/files/photos'] button")
        await expect(desk.locator(".photo-results tr.ok")).to_have_count(2)
        await desk_shots.take("photos-uploaded")

        # A category's prices, after a preview.
        await desk.goto(
            re.sub(
                r"/backoffice/.*",
                "/backoffice/prices?category=Bakery&how=percent&value=10",
                desk.url,
            )
        )
        await expect(desk.locator("table.preview")).to_contain_text("BAGUETTE")
        await desk_shots.take("prices-preview")
        await desk.get_by_role("button", name="Change these prices").click()
        await expect(desk.locator(".done")).to_contain_text("prices changed in Bakery")
        await desk_shots.take("prices-changed")
        await page.bring_to_front()
        await page.click("[data-persona=Alice]")
        await says(page, "/start p_BAGUETTE")
        card_photo = page.locator(".message.bot img").last
        await expect(card_photo).to_be_visible()
        await bot_says(page, "1.49")  # 1.35 + 10 %, rounded half up
        await shots.take("customer-card-with-its-photo-and-price")

        # The analytics, on Maria's phone.
        await mini.bring_to_front()
        for tab in ("analytics", "analytics/range", "analytics/hours", "analytics/together"):
            await mini.goto(re.sub(r"/backoffice/.*", f"/backoffice/{tab}?days=30", mini.url))
            await expect(mini.locator("h1")).to_have_text("Analytics")
            await tab_shots.take(tab.replace("/", "-"))
        await expect(mini.locator("table.pairs")).to_be_visible()
        assert not errors, f"the page raised: {errors}"
    except BaseException:
        await shots.take("failure")
        raise
    finally:
        await context.close()
