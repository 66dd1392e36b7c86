"""Import and export in the back office: a file is previewed (bad lines named, nothing
written), then imported when confirmed; the catalogue and the ledger come down as CSV and
Excel (both databases: the import writes), a chunk at a time."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import Engine, func, select

from bot.backoffice import files
from bot.catalogue_csv import catalogue_lines, safe_csv
from bot.catalogue_xlsx import LEDGER_COLUMNS, XLSX, ledger_rows
from bot.domain.catalogue import Product
from bot.domain.clock import utc_now
from bot.domain.services import catalogue, stock
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


def exports_in_chunks_of(monkeypatch: pytest.MonkeyPatch, rows: int) -> list[int]:
    """Exports read `rows` rows at a time; the sizes of the chunks each read, as they come."""
    sizes: list[int] = []
    for module, name in ((catalogue, "products_chunk"), (stock, "moves_chunk")):
        read = getattr(module, name)

        def counted(*args: Any, read: Any = read, **kwargs: Any) -> Any:
            chunk = read(*args, **kwargs)
            sizes.append(len(chunk.rows))
            return chunk

        monkeypatch.setattr(module, name, counted)
    monkeypatch.setattr(files, "CHUNK", rows)
    return sizes


def whole_catalogue_file(bot: RunningBot) -> bytes:
    """The catalogue file as it was made before it was streamed: every item read at once."""
    products = catalogue.all_products(uow=bot.shop.uow())
    return safe_csv(catalogue_lines(products, bot.shop.store.currency))


async def test_a_catalogue_of_many_chunks_comes_down_whole_in_order_and_as_it_was(
    bot: RunningBot, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two names MariaDB's collation holds equal, on either side of a chunk's end: the id
    # tells them apart, and neither is lost or sent twice.
    for sku, name, category in [
        ("MINT", "Mint tea", "Tea"),
        ("RICE", "Basmati rice", "Grocery"),
        ("MINT2", "mint tea", "Tea"),
        ("EARL", "Earl Grey", "Tea"),
        ("OATS", "Oats", "Grocery"),
        ("MINT3", "Mint Tea", "Tea"),
        ("HACK", '=HYPERLINK("x")', "Tea"),
    ]:
        sell(bot, 3, sku=sku, name=name, category=category, price_minor=250)
    chunks = exports_in_chunks_of(monkeypatch, 2)
    await enters(browser, await link_from_chat(logged_in_staff(bot)))
    status, kind, body = await download(browser, "/backoffice/files/catalogue.csv")
    assert status == 200 and kind.startswith("text/csv")
    assert chunks == [2, 2, 2, 1]
    assert body == whole_catalogue_file(bot)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    skus = [row[0] for row in rows[1:]]
    assert skus[:2] == ["RICE", "OATS"] and sorted(skus) == sorted(set(skus)) and len(skus) == 7


async def test_an_item_added_between_two_chunks_neither_repeats_nor_pushes_out_an_item(
    bot: RunningBot, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(1, 6):
        sell(bot, 1, sku=f"TEA{n}", name=f"Tea {n}", category="Tea")
    exports_in_chunks_of(monkeypatch, 2)
    read = catalogue.products_chunk

    def with_items_added_after_the_first_chunk(after: Product | None, **kwargs: Any) -> Any:
        if after is not None and after.sku == "TEA2":
            # Before the chunk read already: an OFFSET would send Tea 2 again. After it: sent.
            sell(bot, 1, sku="TEA0", name="Tea 0", category="Tea")
            sell(bot, 1, sku="TEA9", name="Tea 9", category="Tea")
        return read(after, **kwargs)

    monkeypatch.setattr(catalogue, "products_chunk", with_items_added_after_the_first_chunk)
    await enters(browser, await link_from_chat(logged_in_staff(bot)))
    status, _, body = await download(browser, "/backoffice/files/catalogue.csv")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert status == 200
    assert [row[0] for row in rows[1:]] == ["TEA1", "TEA2", "TEA3", "TEA4", "TEA5", "TEA9"]


async def test_a_ledger_of_many_chunks_comes_down_whole_and_oldest_first(
    bot: RunningBot, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    sell(bot, 5, sku="TEA", name="Green tea", category="Tea")
    sell(bot, 2, sku="RICE", name="Basmati rice", category="Grocery")
    sam = logged_in_staff(bot)
    for command in ("/restock TEA 7 van", "/adjust TEA -2 damaged", "/restock RICE 4"):
        await sam.says(command)
    chunks = exports_in_chunks_of(monkeypatch, 2)
    await enters(browser, await link_from_chat(sam))
    status, _, body = await download(browser, "/backoffice/files/ledger.csv")
    assert status == 200 and chunks == [2, 2, 1]
    with bot.shop.uow().reading() as uow:
        moves = uow.ledger.since(utc_now() - timedelta(days=1), limit=100)
    zone = bot.shop.store.timezone
    assert body == safe_csv([LEDGER_COLUMNS, *ledger_rows(moves, zone)])
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert [(r[1], r[4]) for r in rows[1:]] == [
        ("TEA", "5"),
        ("RICE", "2"),
        ("TEA", "7"),
        ("TEA", "-2"),
        ("RICE", "4"),
    ]
    status, _, book = await download(browser, "/backoffice/files/ledger.xlsx")
    sheet = load_workbook(io.BytesIO(book)).active
    assert sheet is not None
    assert [[c.value for c in row][1:5:3] for row in sheet.iter_rows(min_row=2)] == [
        ["TEA", 5],
        ["RICE", 2],
        ["TEA", 7],
        ["TEA", -2],
        ["RICE", 4],
    ]


async def test_a_workbook_of_many_chunks_holds_every_item_in_order(
    bot: RunningBot, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(5, 0, -1):
        sell(bot, n, sku=f"TEA{n}", name=f"Tea {n}", category="Tea", price_minor=100 * n)
    chunks = exports_in_chunks_of(monkeypatch, 2)
    await enters(browser, await link_from_chat(logged_in_staff(bot)))
    status, kind, body = await download(browser, "/backoffice/files/catalogue.xlsx")
    assert status == 200 and kind.startswith(XLSX) and chunks == [2, 2, 1]
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet is not None
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["sku", "name", "category"]
    assert [(r[0], r[5], r[6]) for r in rows[1:]] == [(f"TEA{n}", n, n) for n in range(1, 6)]


async def until_cut(response: aiohttp.ClientResponse) -> bytes:
    """The body up to where its connection was cut (a browser says the download failed)."""
    received = b""
    try:
        while piece := await response.content.readany():
            received += piece
    except aiohttp.ClientPayloadError:
        return received
    pytest.fail(f"the download ended as a whole file: {received!r}")


async def test_a_failure_after_the_first_chunk_cuts_the_download_without_a_traceback(
    bot: RunningBot, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(1, 6):
        sell(bot, 1, sku=f"TEA{n}", name=f"Tea {n}", category="Tea")
    exports_in_chunks_of(monkeypatch, 2)
    read = catalogue.products_chunk

    def failing_after_the_first_chunk(after: Product | None, **kwargs: Any) -> Any:
        if after is not None:
            raise RuntimeError("the database went away")
        return read(after, **kwargs)

    monkeypatch.setattr(catalogue, "products_chunk", failing_after_the_first_chunk)
    await enters(browser, await link_from_chat(logged_in_staff(bot)))
    async with browser.http.get(bot.web_url + "/backoffice/files/catalogue.csv") as response:
        assert response.status == 200
        received = await until_cut(response)
    assert received.startswith(whole_catalogue_file(bot)[:20])  # the header, then TEA1...
    assert b"Traceback" not in received and b"database went away" not in received
    assert b"<html" not in received.lower() and b"TEA3" not in received
    # The next download is whole: the connection cut was that one's only.
    monkeypatch.setattr(catalogue, "products_chunk", read)
    status, _, body = await download(browser, "/backoffice/files/catalogue.csv")
    assert status == 200 and body == whole_catalogue_file(bot)


async def test_a_failure_before_the_first_bytes_is_the_polite_page(
    bot: RunningBot, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(stock, "moves_chunk", failing)
    await enters(browser, await link_from_chat(logged_in_staff(bot)))
    for kind in ("csv", "xlsx"):
        status, content, body = await download(browser, f"/backoffice/files/ledger.{kind}")
        assert status == 500 and content.startswith("text/html")
        assert b"Something went wrong on our side" in body and b"Traceback" not in body
