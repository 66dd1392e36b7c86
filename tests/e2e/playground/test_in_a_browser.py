"""The playground page in real headless Chromium (Debian's): a customer orders by clicking and
pays on the test payment sheet, the staff member logs in, works the order and hands it over
with the customer's pickup code, and the customer is told.

Screenshots of every step go to test-artifacts/playground/ so a failure can be looked at.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from bot.demo_data import demo_rows
from bot.domain.money import line_total
from tests.e2e.playground.conftest import RunningPlayground
from tests.e2e.playground.page_steps import (
    Screens,
    baguette_to_the_summary,
    bot_says,
    logs_in,
    press,
    says,
)


async def test_a_customer_orders_by_clicking_and_staff_work_the_order(
    playground: RunningPlayground, browser: Browser, request: pytest.FixtureRequest
) -> None:
    page = await browser.new_page(viewport={"width": 1200, "height": 820})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: print("CONSOLE", m.text))
    page.on(
        "requestfinished",
        lambda r: print("REQ", r.url, r.post_data) if "/api/personas" in r.url else None,
    )
    shots = Screens(page, request.node.callspec.id)
    try:
        await page.goto(playground.url)
        await page.click("[data-persona=Alice]")
        await page.click("#start-button")
        await bot_says(page, "Welcome to")
        await shots.take("customer-welcome")

        await press(page, "Catalogue")
        await press(page, "Bakery")
        await press(page, "Baguette")
        await press(page, "to cart")
        await expect(page.locator("#toast")).to_contain_text("Added 1 pc of Baguette")
        await bot_says(page, "In your cart: 1 pc")
        await shots.take("item-in-cart")

        await press(page, "🧺 Cart")
        await press(page, "Checkout")
        await press(page, "Pickup")
        await bot_says(page, "When would you like to pick it up?")
        await press(page, re.compile(r"\d\d:\d\d"))  # a pickup slot
        share = page.locator("#reply-keyboard button", has_text="Share my phone number")
        await share.click()
        await expect(share).to_be_hidden()  # a one-time keyboard goes away once used
        await expect(page.locator(".message.mine .bubble", has_text="📱")).to_be_visible()
        await press(page, "Skip")
        await bot_says(page, "Please check your order")
        await shots.take("order-summary")
        await press(page, "Confirm and pay")
        await bot_says(page, re.compile(r"Order \w+ is reserved for you"))
        reserved = await page.locator(".message.bot .text", has_text="reserved").last.inner_text()
        code = re.search(r"Order (\w+) is reserved", reserved)
        assert code is not None
        invoice = page.locator(".message.bot .invoice").last
        await expect(invoice).to_contain_text(f"Order {code.group(1)}")
        await invoice.locator(".pay-button").click()
        sheet = page.locator("#sheet")
        await expect(sheet).to_be_visible()
        await expect(sheet).to_contain_text("Baguette × 1 pc")
        await shots.take("payment-sheet")
        await page.click("#sheet-pay")
        await expect(sheet).to_be_hidden()
        await bot_says(page, f"Payment received for order {code.group(1)}")
        await expect(page.locator(".message.mine .bubble", has_text="You paid")).to_be_visible()
        await shots.take("order-paid")

        await page.click("[data-persona=Sam]")
        await page.click("#start-button")
        await bot_says(page, "Welcome to")
        await page.click("#menu-button")
        await expect(page.locator("#command-menu")).not_to_contain_text("/orders")
        await page.click("#menu-button")
        await page.click("#login-hint .demo-command")
        await page.press("#text-input", "Enter")
        await bot_says(page, "Your username?")
        await page.click("#login-hint .demo-username")
        await page.press("#text-input", "Enter")
        await bot_says(page, "Your password?")
        await page.click("#login-hint .demo-password")
        await page.press("#text-input", "Enter")
        await bot_says(page, "You are logged in as staff")
        sam = playground.persona("Sam")
        assert sam.login is not None
        await expect(page.locator("#messages")).not_to_contain_text(sam.login.password)
        await shots.take("staff-logged-in")

        await page.click("#menu-button")
        await page.locator("#command-menu button", has_text="/orders").click()
        await bot_says(page, f"Order {code.group(1)}")
        await press(page, "Accept")
        await bot_says(page, "accepted")
        await press(page, "Ready for pickup")
        await bot_says(page, "Scan the customer's QR code")

        alice = page.locator("[data-persona=Alice]")
        await expect(alice.locator(".badge.unread")).to_be_visible()
        await alice.click()
        ready = page.locator(".message.bot", has_text="Pickup code:").last
        await expect(ready.locator("img")).to_be_visible()  # the QR code staff scan
        pickup = re.search(r"Pickup code: (\w+)", await ready.inner_text())
        assert pickup is not None
        await shots.take("customer-pickup-code")

        await page.click("[data-persona=Sam]")
        await says(page, f"/handover {pickup.group(1)}")
        await bot_says(page, f"Order {code.group(1)} handed over.")
        await bot_says(page, "Already paid in Telegram")
        await shots.take("staff-handed-over")
        await alice.click()
        await bot_says(page, re.compile(rf"Order {code.group(1)} is completed"))
        await shots.take("customer-told")
        assert not errors, f"the page raised: {errors}"
    except BaseException:
        await shots.take("failure")
        raise
    finally:
        await page.close()


async def test_a_customer_cancels_after_confirming_and_staff_read_their_help_in_french_too(
    playground: RunningPlayground, browser: Browser, request: pytest.FixtureRequest
) -> None:
    page = await browser.new_page(viewport={"width": 1200, "height": 820})
    shots = Screens(page, f"cancel-help-{request.node.callspec.id}")
    try:
        await page.goto(playground.url)
        await baguette_to_the_summary(page, "Bruno")
        await press(page, "Confirm and pay")
        await bot_says(page, re.compile(r"Order \w+ is reserved for you"))
        await says(page, "/myorders")
        await press(page, re.compile(r"[A-Z0-9]{8}"))
        await press(page, "Cancel order")
        await bot_says(page, re.compile(r"Cancel order \w+\?"))
        await shots.take("customer-asked-to-confirm")
        await press(page, "Yes, cancel it")
        await expect(page.locator("#toast")).to_contain_text("Your order is cancelled.")
        await bot_says(page, "Cancelled.")
        await shots.take("customer-cancelled")

        await logs_in(page, "Sam")
        await says(page, "/help")
        await bot_says(page, "Your commands as staff")
        await bot_says(page, "/restock SKU QTY")
        await shots.take("staff-help")

        # Sam's phone speaks French from now on, and so does the bot; choosing French with
        # /language also redraws the staff menu his login set.
        await page.select_option("#app-language", "fr")
        await says(page, "/help")
        await bot_says(page, "Vos commandes (rôle\u00a0: employé)")
        await says(page, "/language")
        await press(page, "Français")
        await bot_says(page, "Je vous parle désormais en français")
        await page.click("#menu-button")
        await expect(page.locator("#command-menu")).to_contain_text("Réception")
        await shots.take("staff-help-in-french")
    except BaseException:
        await shots.take("failure")
        raise
    finally:
        await page.close()


async def test_a_photo_goes_up_from_the_page_and_the_report_csv_comes_down(
    playground: RunningPlayground,
    browser: Browser,
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> None:
    page = await browser.new_page(viewport={"width": 1200, "height": 820})
    shots = Screens(page, f"files-{request.node.callspec.id}")
    try:
        await page.goto(playground.url)
        await logs_in(page, "Sam")
        await says(page, "/edititem BAGUETTE")
        await press(page, "Photo")
        await bot_says(page, "Send the new photo")
        await page.set_input_files("#photo-input", str(await _chart_png(page, tmp_path)))
        await bot_says(page, "photo: yes")
        photo = page.locator(".message.mine .bubble img").last
        await expect(photo).to_be_visible()
        assert await photo.evaluate("img => img.naturalWidth") > 0
        await shots.take("staff-sent-a-photo")

        await page.click("[data-persona=Bruno]")
        await page.click("#start-button")
        await says(page, "/start p_BAGUETTE")
        card = page.locator(".message.bot .bubble img").last
        await expect(card).to_be_visible()
        assert await card.evaluate("img => img.naturalWidth") > 0
        await shots.take("customer-sees-the-photo")

        await logs_in(page, "Maria")
        await says(page, "/report 7")
        await press(page, "Item sales (CSV)")
        link = page.locator(".message.bot .document a").last
        await expect(link).to_contain_text(".csv")
        async with page.expect_download() as download_info:
            await link.click()
        download = await download_info.value
        assert download.suggested_filename.endswith(".csv")
        saved = tmp_path / download.suggested_filename
        await download.save_as(str(saved))
        assert saved.read_text().lower().startswith("sku")
        chart = page.locator(".message.bot .bubble img").last
        assert await chart.evaluate("img => img.naturalWidth") > 0
        await shots.take("manager-report")
    except BaseException:
        await shots.take("failure")
        raise
    finally:
        await page.close()


async def _chart_png(page: Page, folder: Path) -> Path:
    """A real picture to upload: a screenshot of the page itself."""
    path = folder / "shelf.png"
    await page.screenshot(path=str(path), clip={"x": 0, "y": 0, "width": 320, "height": 240})
    return path


async def test_staff_pick_a_kg_line_heavier_and_take_cash_at_the_hand_over(
    playground: RunningPlayground, browser: Browser, request: pytest.FixtureRequest
) -> None:
    page = await browser.new_page(viewport={"width": 1200, "height": 820})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    shots = Screens(page, f"picked-cash-{request.node.callspec.id}")
    apples = next(row.product for row in demo_rows() if row.product.sku == "APPLE-GALA")
    currency = playground.bot.shop.store.currency
    ordered = currency.format(line_total(apples.price_minor, Decimal("1.5")))
    picked = currency.format(line_total(apples.price_minor, Decimal("1.62")))
    try:
        await page.goto(playground.url)
        await page.click("[data-persona=Bruno]")
        await page.click("#start-button")
        await bot_says(page, "Welcome to")
        await press(page, "Catalogue")
        await press(page, "Fruit & Veg")
        await press(page, "Gala apples")
        await press(page, re.compile(r"^1\.5 kg$"))  # a one-tap amount on a card sold by the kg
        await press(page, f"Add 1.5 kg to cart · {ordered}")
        await expect(page.locator("#toast")).to_contain_text("Added 1.5 kg of Gala apples")
        await press(page, "🧺 Cart")
        await press(page, "Checkout")
        await press(page, "Pickup")
        await press(page, re.compile(r"\d\d:\d\d"))
        await page.locator("#reply-keyboard button", has_text="Share my phone number").click()
        await press(page, "Skip")
        await bot_says(page, "Please check your order")
        await shots.take("customer-orders-apples-by-the-kg")
        await press(page, "Confirm, pay at pickup")
        await bot_says(page, re.compile(r"Order \w+ placed"))
        placed = await page.locator(".message.bot .text", has_text="placed").last.inner_text()
        found = re.search(r"Order (\w+) placed", placed)
        assert found is not None
        code = found.group(1)
        await shots.take("customer-placed-pay-at-pickup")

        await logs_in(page, "Sam")
        await says(page, "/orders")
        await bot_says(page, f"Order {code}")
        await press(page, "Accept")
        await bot_says(page, "accepted")
        await press(page, "Picking…")
        await bot_says(page, f"Picking order {code}")
        await press(page, "⚖️ Weight")
        await bot_says(page, "How much Gala apples was picked?")
        await says(page, "1,62")  # a French scale's comma
        await bot_says(page, "Gala apples: 1.62 kg instead of 1.5 kg")
        await bot_says(page, f"Total {picked}")
        await shots.take("staff-picked-heavier")
        await press(page, "Tell the customer")
        await expect(page.locator("#toast")).to_contain_text("The customer is told.")

        bruno = page.locator("[data-persona=Bruno]")
        await expect(bruno.locator(".badge.unread")).to_be_visible()
        await bruno.click()
        await bot_says(page, f"Your order {code} was picked with these changes:")
        told = page.locator(".message.bot .text", has_text="was picked with these changes").last
        await expect(told).to_contain_text("Gala apples: 1.62 kg instead of 1.5 kg")
        await expect(told).to_contain_text(f"New total: {picked} (was {ordered})")
        await expect(told).to_contain_text(f"To pay at pickup: {picked}.")
        await shots.take("customer-told-the-new-total")

        await page.click("[data-persona=Sam]")
        await press(page, "« Order")  # back from picking to the order's card
        await press(page, "Ready for pickup")
        await bruno.click()
        ready = page.locator(".message.bot", has_text="Pickup code:").last
        await expect(ready.locator("img")).to_be_visible()
        pickup = re.search(r"Pickup code: (\w+)", await ready.inner_text())
        assert pickup is not None

        await page.click("[data-persona=Sam]")
        await says(page, f"/handover {pickup.group(1)}")
        await bot_says(page, f"Order {code}: collect {picked}.")
        await shots.take("staff-sees-what-to-collect")
        await press(page, "💶 Paid in cash")
        await bot_says(page, f"Order {code} handed over.")
        await bot_says(page, f"{picked} taken in cash.")
        await shots.take("staff-took-cash")

        await bruno.click()
        await bot_says(page, f"Order {code} is completed")
        completed = page.locator(".message.bot .text", has_text="is completed").last
        await expect(completed).to_contain_text("Paid at pickup")
        await expect(completed).not_to_contain_text("To pay")  # the money is taken by now
        receipt = page.locator(".message.bot .text", has_text=f"Receipt for order {code}").first
        await expect(receipt).to_contain_text(f"Total: {picked}")
        await expect(receipt).to_contain_text("Paid in cash")
        pdf = page.locator(".message.bot .document").last
        await expect(pdf).to_contain_text(f"receipt-{code}.pdf")
        await shots.take("customer-receipt")
        assert not errors, f"the page raised: {errors}"
    except BaseException:
        await shots.take("failure")
        raise
    finally:
        await page.close()


async def test_a_manager_gives_out_a_promo_code_a_customer_uses_it_and_then_hears_the_news(
    playground: RunningPlayground, browser: Browser, request: pytest.FixtureRequest
) -> None:
    page = await browser.new_page(viewport={"width": 1200, "height": 820})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    shots = Screens(page, f"promo-news-{request.node.callspec.id}")
    try:
        await page.goto(playground.url)
        await logs_in(page, "Maria")
        await says(page, "/promo NEIGHBOURS 10%")
        await bot_says(page, "Promo code set: NEIGHBOURS: −10%")
        await shots.take("manager-gives-out-a-promo-code")

        await baguette_to_the_summary(page, "Alice")
        await press(page, "🎟 Promo code")
        await bot_says(page, "Please type your promo code.")
        await says(page, "neighbours")
        await bot_says(page, re.compile(r"Promo code NEIGHBOURS: −"))
        await shots.take("customer-summary-with-the-discount")
        await press(page, "Confirm, pay at pickup")
        await bot_says(page, re.compile(r"Order \w+ placed"))
        await bot_says(page, "Would you like news from the shop")
        await press(page, "Yes, send me news")
        await bot_says(page, "News from the shop is on")
        await shots.take("customer-asks-for-news")

        await page.click("[data-persona=Maria]")
        await says(page, "/announce")
        await bot_says(page, "Write the announcement")
        await says(page, "Strawberries are in: the first of the year!")
        await press(page, "No photo")
        await press(page, "Everyone who asked for news")
        await bot_says(page, re.compile(r"It goes to 1 person"))
        await shots.take("manager-previews-the-announcement")
        await press(page, re.compile(r"Send to 1 person"))
        await bot_says(page, re.compile(r"Sent to 1 person"))

        alice = page.locator("[data-persona=Alice]")
        await expect(alice.locator(".badge.unread")).to_be_visible()
        await alice.click()
        await bot_says(page, "Strawberries are in: the first of the year!")
        await shots.take("customer-reads-the-news")
        assert not errors, f"the page raised: {errors}"
    except BaseException:
        await shots.take("failure")
        raise
    finally:
        await page.close()
