"""Import and export in the back office: a file is previewed (bad lines named, nothing
written), then imported when confirmed; the catalogue and the ledger come down as CSV and
Excel (both databases: the import writes)."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import Workbook, load_workbook
from sqlalchemy import Engine, func, select

from bot.persistence.models import ProductRow, StagedUploadRow
from tests.support.back_office import Browser, enters, link_from_chat, logged_in_staff
from tests.support.running_bot import RunningBot
from tests.support.shop_factories import sell, someone, stock_of

HEADER = "sku,name,category,unit,step,price,stock,threshold,description\n"


async def upload(browser: Browser, name: str, body: bytes) -> str:
    await browser.get("/backoffice/files")
    return await browser.send_files("/backoffice/files/preview", "file", [(name, body)])


def token_of(page: str) -> dict[str, str]:
    form = re.search(r'action="/backoffice/files/import">(.*?)</form>', page, re.S)
    assert form, "no confirmation"
    return dict(re.findall(r'name="(\w+)" value="([^"]*)"', form.group(1)))


def products(engine: Engine) -> int:
    with engine.connect() as db:
        return int(db.scalar(select(func.count()).select_from(ProductRow)) or 0)


async def download(browser: Browser, path: str) -> tuple[int, str, bytes]:
    async with browser.http.get(browser.bot.web_url + path) as response:
        return response.status, response.headers.get("Content-Type", ""), await response.read()


async def test_a_file_with_a_bad_line_writes_nothing_and_its_fix_imports(
    bot: RunningBot, browser: Browser, engine: Engine
) -> None:
    sell(bot, 5, sku="TEA", name="Green tea", category="Tea", price_minor=400)
    await enters(browser, await link_from_chat(logged_in_staff(bot)))
    bad = (
        HEADER
        + "TEA,Green tea,Tea,pc,1,4.20,5,,\n"
        + "MINT,Mint tea,Tea,pc,1,cheap,3,,\n"
        + "RICE,Basmati rice,Grocery,kg,0.5,2.80,10,,\n"
    ).encode()
    page = await upload(browser, "catalogue.csv", bad)
    assert browser.status == 400
    assert re.search(r'<td class="num">3</td><td>[^<]*is not a price', page), page
    assert "Import it" not in page
    assert products(bot_engine := engine) == 1
    fixed = bad.replace(b"cheap", b"2.50")
    page = await upload(browser, "catalogue.csv", fixed)
    assert browser.status == 200
    assert "New items: 2" in page and "Changed items: 1" in page and "Unchanged items: 0" in page
    assert re.search(r"<td>TEA</td><td>Green tea</td><td>price_minor</td>", page)
    assert products(bot_engine) == 1  # a preview writes nothing
    await browser.post("/backoffice/files/import", token_of(page))
    assert browser.status == 200 and "2 new items, 1 updated" in browser.page
    assert products(engine) == 3 and stock_of(bot, "RICE") == 10
    with engine.connect() as db:
        assert db.scalar(select(func.count()).select_from(StagedUploadRow)) == 0
    ann = someone(bot, "Ann")
    await ann.says("/start p_TEA")
    assert "4.20" in ann.screen
    await browser.post("/backoffice/files/import", token_of(page))  # the same confirmation
    assert browser.status == 409 and "upload the file again" in browser.page


async def test_an_excel_round_trip_changes_what_was_edited(
    bot: RunningBot, browser: Browser
) -> None:
    sell(bot, 5, sku="TEA", name="Green tea", category="Tea", price_minor=400)
    sell(bot, 2, sku="HACK", name='=HYPERLINK("x")', category="Tea", price_minor=100)
    await enters(browser, await link_from_chat(logged_in_staff(bot)))
    status, kind, body = await download(browser, "/backoffice/files/catalogue.xlsx")
    assert status == 200 and "spreadsheetml" in kind
    book = load_workbook(io.BytesIO(body))
    sheet = book.active
    assert sheet is not None
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True)}
    assert rows["TEA"][5] == 4 and rows["HACK"][1] == '\'=HYPERLINK("x")'  # text, never run
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "TEA":
            row[5].value = 4.35
    edited = io.BytesIO()
    book.save(edited)
    page = await upload(browser, "catalogue.xlsx", edited.getvalue())
    assert browser.status == 200, page
    assert "Changed items: 1" in page and "Unchanged items: 1" in page
    await browser.post("/backoffice/files/import", token_of(page))
    await browser.get("/backoffice/items/TEA")
    assert 'value="4.35"' in browser.page


async def test_a_file_that_is_not_a_catalogue_is_refused_politely(
    bot: RunningBot, browser: Browser, engine: Engine
) -> None:
    await enters(browser, await link_from_chat(logged_in_staff(bot)))
    for name, body in [
        ("photo.xlsx", b"PK\x03\x04 not really a workbook"),
        ("latin.csv", HEADER.encode() + "TEA,Thé vert,Tea,pc,1,4,5,,\n".encode("latin-1")),
        ("other.csv", b"a,b,c\n1,2,3\n"),
    ]:
        page = await upload(browser, name, body)
        assert browser.status == 400 and "Nothing was imported" in page, name
        assert "Traceback" not in page
    assert products(engine) == 0
    async with browser.http.post(
        browser.bot.web_url + "/backoffice/files/preview", data={"csrf": browser.csrf}
    ) as response:
        assert response.status == 400


async def test_the_stock_ledger_comes_down_with_each_move(
    bot: RunningBot, browser: Browser
) -> None:
    sell(bot, 5, sku="TEA", name="Green tea", category="Tea")
    sam = logged_in_staff(bot)
    await sam.says("/restock TEA 7 van")
    await sam.says("/adjust TEA -2 damaged =cmd|' /C calc'!A0")
    await enters(browser, await link_from_chat(sam))
    status, kind, body = await download(browser, "/backoffice/files/ledger.csv")
    assert status == 200 and kind.startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["at", "sku", "name", "reason", "change", "level", "by", "note", "order"]
    assert [r[1:8] for r in rows[1:]] == [
        ["TEA", "Green tea", "received", "5", "5", "test", "opening stock"],
        ["TEA", "Green tea", "received", "7", "12", "staff:sam", "van"],
        # A number stays a number; a note that would run as a formula is text.
        ["TEA", "Green tea", "damaged", "-2", "10", "staff:sam", "'=cmd|' /C calc'!A0"],
    ]
    status, kind, body = await download(browser, "/backoffice/files/ledger.xlsx?days=7")
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet is not None and sheet.max_row == 4


async def test_a_preview_gone_stale_imports_nothing(bot: RunningBot, browser: Browser) -> None:
    sell(bot, 5, sku="TEA", name="Green tea", category="Tea", price_minor=400)
    sam = logged_in_staff(bot)
    await enters(browser, await link_from_chat(sam))
    page = await upload(
        browser, "catalogue.csv", (HEADER + "TEA,Green tea,Tea,pc,1,4.50,5,,\n").encode()
    )
    assert "Changed items: 1" in page
    await sam.says("/restock TEA 3")  # goods came in after the preview
    await browser.post("/backoffice/files/import", token_of(page))
    assert browser.status == 409 and "changed since the preview" in browser.page
    assert stock_of(bot, "TEA") == 8  # the file's 5 did not overwrite the delivery


async def test_the_catalogue_comes_down_as_csv_and_goes_back_up_unchanged(
    bot: RunningBot, browser: Browser
) -> None:
    sell(bot, 5, sku="TEA", name="Green tea", category="Tea", price_minor=400)
    sell(bot, 2, sku="HACK", name='=HYPERLINK("x")', category="Tea", price_minor=100)
    await enters(browser, await link_from_chat(logged_in_staff(bot)))
    async with browser.http.get(bot.web_url + "/backoffice/files/catalogue.csv") as response:
        body = await response.read()
        assert response.status == 200 and response.content_type == "text/csv"
        assert response.headers["Content-Disposition"] == 'attachment; filename="catalogue.csv"'
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == [*HEADER.strip().split(","), "photo", "vat"]
    by_sku = {row[0]: row for row in rows[1:]}
    assert by_sku["TEA"][:7] == ["TEA", "Green tea", "Tea", "pc", "1", "4.00", "5"]
    assert by_sku["HACK"][1] == '\'=HYPERLINK("x")'  # text in a spreadsheet, never run
    page = await upload(browser, "catalogue.csv", body)
    assert browser.status == 200, page
    assert "New items: 0" in page and "Changed items: 0" in page and "Unchanged items: 2" in page


async def test_a_bad_line_in_an_excel_file_is_named_and_nothing_is_written(
    bot: RunningBot, browser: Browser, engine: Engine
) -> None:
    await enters(browser, await link_from_chat(logged_in_staff(bot)))
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER.strip().split(","))
    sheet.append(["TEA", "Green tea", "Tea", "pc", 1, 4.2, 5, None, None])
    sheet.append(["MINT", "Mint tea", "Tea", "pc", 1, 2.5, -3, None, None])
    sheet.append(["RICE", "Basmati rice", "Grocery", "kg", 0.5, "cheap", 10, None, None])
    data = io.BytesIO()
    book.save(data)
    page = await upload(browser, "catalogue.xlsx", data.getvalue())
    assert browser.status == 400 and "Nothing was imported" in page
    bad = dict(re.findall(r'<tr><td class="num">(\d+)</td><td>([^<]*)</td></tr>', page))
    assert set(bad) == {"3", "4"}, page
    assert "cannot be negative" in bad["3"] and "is not a price" in bad["4"]
    assert "Import it" not in page and products(engine) == 0
