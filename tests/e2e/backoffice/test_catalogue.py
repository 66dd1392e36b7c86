"""The catalogue in the back office: the table of items and an item's page, through the same
use cases as the chat (both databases: editing and stock moves write)."""

from __future__ import annotations

import html
import re
from decimal import Decimal

from sqlalchemy import Engine, select

from bot.domain.catalogue import Unit
from bot.persistence.models import LedgerRow
from tests.support.back_office import Browser, enters, link_from_chat, logged_in_staff
from tests.support.running_bot import RunningBot
from tests.support.shop_factories import place_order, sell, someone, stock_of


async def signed_in(bot: RunningBot, browser: Browser) -> None:
    sam = logged_in_staff(bot)
    await enters(browser, await link_from_chat(sam))


def last_changes(page: str) -> list[list[str]]:
    """The cells of the item page's "Last changes" table, newest first, as text."""
    table = page.rsplit("<table>", 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    return [
        [html.unescape(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def rows(page: str) -> list[str]:
    """The SKUs the table lists, in order."""
    return re.findall(r'<tr[^>]*>\s*<td><a href="/backoffice/items/[^"]+">([^<]+)</a></td>', page)


async def test_the_table_narrows_by_words_category_and_shelf(
    bot: RunningBot, browser: Browser
) -> None:
    sell(bot, 10, sku="RICE-1KG", name="Basmati rice 1 kg", category="Grocery")
    sell(bot, 0, sku="RICE-5KG", name="Basmati rice 5 kg", category="Grocery")
    sell(bot, 2, sku="MILK-1L", name="Whole milk 1 l", category="Dairy")
    old = sell(bot, 4, sku="OLD-1", name="Old rice crackers", category="Grocery")
    from bot.domain.services import catalogue

    catalogue.set_active(old.sku, False, uow=bot.shop.uow())
    await signed_in(bot, browser)
    assert rows(await browser.get("/backoffice/items")) == [
        "MILK-1L",
        "RICE-1KG",
        "RICE-5KG",
        "OLD-1",
    ] or set(rows(browser.page)) == {"MILK-1L", "RICE-1KG", "RICE-5KG", "OLD-1"}
    assert set(rows(await browser.get("/backoffice/items?q=rice"))) == {
        "RICE-1KG",
        "RICE-5KG",
        "OLD-1",
    }
    assert rows(await browser.get("/backoffice/items?q=rice&shelf=sold-out")) == ["RICE-5KG"]
    assert set(rows(await browser.get("/backoffice/items?shelf=low"))) == {"RICE-5KG", "MILK-1L"}
    assert rows(await browser.get("/backoffice/items?shelf=archived")) == ["OLD-1"]
    assert rows(await browser.get("/backoffice/items?category=Dairy")) == ["MILK-1L"]
    await browser.get("/backoffice/items?shelf=nonsense&page=-3&q=" + "x" * 500)
    assert browser.status == 200


async def test_the_table_pages_through_a_long_catalogue(bot: RunningBot, browser: Browser) -> None:
    for n in range(55):
        sell(bot, sku=f"ITEM-{n:02d}", name=f"Item {n:02d}", category="Grocery")
    await signed_in(bot, browser)
    first = rows(await browser.get("/backoffice/items"))
    assert len(first) == 50 and "Page 1 of 2" in browser.page
    second = rows(await browser.get("/backoffice/items?page=2"))
    assert len(second) == 5 and not set(first) & set(second)
    assert first + second == [f"ITEM-{n:02d}" for n in range(55)]  # in name order throughout


async def test_a_price_changed_in_the_back_office_is_what_customers_see(
    bot: RunningBot, browser: Browser
) -> None:
    sell(bot, sku="RICE-1KG", name="Basmati rice 1 kg", price_minor=379)
    await signed_in(bot, browser)
    await browser.get("/backoffice/items/RICE-1KG")
    form = dict(re.findall(r'<input name="([a-z_]+)" value="([^"]*)"', browser.page)) | {
        "unit": "pc",
        "description": "",
        "active": "on",
        "csrf": browser.csrf,
    }
    await browser.post("/backoffice/items/RICE-1KG", form | {"price": "4,19"})
    assert browser.status == 200 and "Saved." in browser.page
    ann = someone(bot, "Ann")
    await ann.says("/search basmati")
    await ann.presses("Basmati rice 1 kg")
    assert "4.19" in ann.screen


async def test_a_bad_price_is_refused_and_the_typed_values_stay(
    bot: RunningBot, browser: Browser
) -> None:
    sell(bot, sku="RICE-1KG", name="Basmati rice 1 kg", price_minor=379)
    await signed_in(bot, browser)
    await browser.get("/backoffice/items/RICE-1KG")
    form = {
        "csrf": browser.csrf,
        "name": "Jasmine rice 1 kg",
        "category": "Grocery",
        "unit": "pc",
        "step": "1",
        "price": "cheap",
        "low_stock_threshold": "",
        "description": "",
        "active": "on",
    }
    await browser.post("/backoffice/items/RICE-1KG", form)
    assert browser.status == 400
    assert "is not a price" in browser.page and 'value="Jasmine rice 1 kg"' in browser.page
    ann = someone(bot, "Ann")
    await ann.says("/search rice")
    assert any("Basmati rice 1 kg" in b for b in ann.last.button_texts)


async def test_stock_moves_from_the_back_office_leave_a_ledger_row_with_their_reason(
    bot: RunningBot, browser: Browser, engine: Engine
) -> None:
    sell(bot, 10, sku="RICE-1KG", name="Basmati rice 1 kg")
    await signed_in(bot, browser)
    path = "/backoffice/items/RICE-1KG/stock"
    await browser.get("/backoffice/items/RICE-1KG")
    csrf = browser.csrf
    await browser.post(path, {"csrf": csrf, "move": "restock", "quantity": "5", "note": "van"})
    await browser.post(
        path, {"csrf": csrf, "move": "adjust", "quantity": "-2", "reason": "damaged"}
    )
    await browser.post(path, {"csrf": csrf, "move": "count", "quantity": "12"})
    assert stock_of(bot, "RICE-1KG") == 12
    await browser.post(path, {"csrf": csrf, "move": "adjust", "quantity": "-20", "reason": "lost"})
    assert browser.status == 400 and stock_of(bot, "RICE-1KG") == 12
    await browser.post(path, {"csrf": csrf, "move": "adjust", "quantity": "3", "reason": "x"})
    assert browser.status == 400 and "Choose why" in browser.page
    with engine.connect() as db:
        moves = db.execute(
            select(LedgerRow.reason, LedgerRow.change, LedgerRow.actor).order_by(LedgerRow.id)
        ).all()
    assert [(r, int(c), a) for r, c, a in moves[1:]] == [
        ("received", 5, "staff:sam"),
        ("damaged", -2, "staff:sam"),
        ("count_correction", -1, "staff:sam"),
    ]
    await browser.get("/backoffice/items/RICE-1KG")
    assert "damaged" in browser.page and "count correction" in browser.page


async def test_saving_the_page_keeps_a_price_set_meanwhile_in_the_chat(
    bot: RunningBot, browser: Browser
) -> None:
    sell(bot, sku="RICE-1KG", name="Basmati rice 1 kg", price_minor=379)
    sam = logged_in_staff(bot)
    await enters(browser, await link_from_chat(sam))
    page = await browser.get("/backoffice/items/RICE-1KG")
    fields = dict(re.findall(r'<input (?:type="hidden" )?name="(\w+)" value="([^"]*)"', page))
    await sam.says("/setprice RICE-1KG 4.20")
    form = fields | {"unit": "pc", "description": "", "active": "on"}
    await browser.post("/backoffice/items/RICE-1KG", form | {"name": "Basmati rice, 1 kg"})
    assert browser.status == 200 and "Saved." in browser.page
    assert 'value="Basmati rice, 1 kg"' in browser.page and 'value="4.20"' in browser.page


async def test_an_items_last_changes_read_as_the_chat_says_them_in_the_shops_time(
    bot: RunningBot, browser: Browser, engine: Engine
) -> None:
    apples = sell(
        bot, 10, sku="APPLES", name="Gala apples", unit=Unit.KILOGRAM, step=Decimal("0.5")
    )
    sam = logged_in_staff(bot)
    await enters(browser, await link_from_chat(sam))
    await sam.says("/language")
    await sam.presses("Français")  # the back office follows
    await sam.says("/restock APPLES 2.5 van")
    order = place_order(bot, someone(bot, "Ann"), apples, 1)
    await browser.get("/backoffice/items/APPLES")
    with engine.connect() as db:
        times = db.scalars(select(LedgerRow.at).order_by(LedgerRow.id.desc())).all()
    sale, goods_in, _first = last_changes(browser.page)
    zone = bot.shop.store.timezone
    assert sale[0].endswith(f", {times[0].astimezone(zone):%H:%M}")  # Paris, not UTC
    assert goods_in[0].endswith(f", {times[1].astimezone(zone):%H:%M}")
    assert [sale[2], sale[3], sale[5]] == ["-1 kg", "11,5 kg", f"commande {order.code}"]
    assert [goods_in[2], goods_in[4], goods_in[5]] == ["+2,5 kg", "sam", "van"]
    await sam.says("/stock APPLES")
    in_the_chat = next(m.shown_text for m in reversed(sam.chat.from_bot) if "van" in m.shown_text)
    assert "-1 kg" in in_the_chat and f"– commande {order.code}" in in_the_chat
    assert "+2,5 kg" in in_the_chat


async def test_an_item_archived_from_its_page_leaves_the_chat_and_comes_back(
    bot: RunningBot, browser: Browser
) -> None:
    sell(bot, sku="RICE-1KG", name="Basmati rice 1 kg", category="Grocery")
    await signed_in(bot, browser)
    page = await browser.get("/backoffice/items/RICE-1KG")
    shown = dict(re.findall(r'<input (?:type="hidden" )?name="(\w+)" value="([^"]*)"', page))
    form = shown | {"unit": "pc", "description": ""}  # "active" unticked: not sent
    await browser.post("/backoffice/items/RICE-1KG", form)
    assert browser.status == 200 and "Saved." in browser.page
    assert 'name="active" checked' not in browser.page
    assert rows(await browser.get("/backoffice/items?shelf=archived")) == ["RICE-1KG"]
    ann = someone(bot, "Ann")
    await ann.says("/search basmati")
    assert not any("Basmati" in b for b in ann.last.button_texts)
    page = await browser.get("/backoffice/items/RICE-1KG")
    shown = dict(re.findall(r'<input (?:type="hidden" )?name="(\w+)" value="([^"]*)"', page))
    await browser.post("/backoffice/items/RICE-1KG", shown | {"unit": "pc", "active": "on"})
    assert browser.status == 200 and 'name="active" checked' in browser.page
    assert rows(await browser.get("/backoffice/items?shelf=archived")) == []
    await ann.says("/search basmati")
    assert any("Basmati rice 1 kg" in b for b in ann.last.button_texts)
