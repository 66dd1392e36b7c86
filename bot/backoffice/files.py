"""Import and export: a catalogue file (CSV or Excel) is previewed first — new, changed and
unchanged items, and every bad line with its number and reason — and written only when the
preview is confirmed, all of it in one transaction, as `shopkeeps import` does. The catalogue
and the stock ledger come down as CSV and as Excel workbooks, read a chunk at a time: a CSV file
goes out as it is read, whatever its size, and nothing whole is held in memory."""

from __future__ import annotations

import itertools
import re
import tempfile
from collections.abc import AsyncGenerator, Callable, Iterable
from datetime import timedelta
from functools import partial
from typing import BinaryIO, TypeVar

from aiohttp import web

from bot.backoffice.access import Route, form_text, member, shop, show, texts
from bot.backoffice.render import CSV, streamed_download
from bot.catalogue_csv import (
    COLUMNS,
    CatalogueFileError,
    LineError,
    catalogue_rows,
    csv_piece,
    read_catalogue_file,
)
from bot.catalogue_xlsx import (
    LEDGER_COLUMNS,
    XLSX,
    Sheet,
    catalogue_cells,
    is_xlsx,
    ledger_cells,
    ledger_rows,
    read_catalogue_xlsx,
)
from bot.domain import permissions
from bot.domain.backoffice import secret_hash
from bot.domain.chunks import Chunk
from bot.domain.clock import utc_now
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.ports import StagedUpload
from bot.domain.services import catalogue, stock, uploads
from bot.domain.services.catalogue import ImportRow
from bot.domain.services.uploads import GONE
from bot.domain.text import said
from bot.i18n import Texts
from bot.wiring import Shop

SHOWN = 50  # items listed per kind in a preview; the counts say the rest
# Kept in one row until confirmed: under MariaDB's default packet size (16 MB), with room.
MAX_CATALOGUE = 12 * 1024 * 1024
TOO_LARGE = said("That file is too large: a catalogue file may be up to 12 MB.")
LEDGER_DAYS = 90
CHUNK = 2_000  # rows read, then written, at a time: about 200 KB of CSV
FILE_PIECE = 256 * 1024
Row = TypeVar("Row")
Place = TypeVar("Place")
NO_FILE = said("Choose a catalogue file (CSV or Excel) to upload.")


async def page(request: web.Request) -> web.StreamResponse:
    return show(request, "files.html", preview=None, result=None, problem="")


def _rows(data: bytes, run: Shop) -> list[ImportRow]:
    currency = run.store.currency
    if is_xlsx(data):
        return read_catalogue_xlsx(data, currency)
    return read_catalogue_file(data, currency)


def _line_problems(t: Texts, errors: list[LineError]) -> list[tuple[int, str]]:
    return [(e.line_number, t.words(e.words) if e.words else e.message) for e in errors]


async def preview(request: web.Request) -> web.StreamResponse:
    """Read the file and say what importing it would do; nothing is written but the file,
    kept for the confirmation."""
    form = await request.post()
    upload = form.get("file")
    t, run = texts(request), shop(request)
    if not isinstance(upload, web.FileField):
        return show(
            request, "files.html", status=400, preview=None, result=None, problem=t(NO_FILE)
        )
    data = upload.file.read(MAX_CATALOGUE + 1)
    name = upload.filename or "catalogue"
    if len(data) > MAX_CATALOGUE:
        return show(
            request, "files.html", status=413, preview=None, result=None, problem=t(TOO_LARGE)
        )
    try:
        rows = await run.run(_rows, data, run)
    except CatalogueFileError as bad:
        lines = _line_problems(t, bad.errors)
        return _preview_page(request, name, lines=lines, status=400)
    found = await run.run(catalogue.preview_import, rows, uow=run.uow())
    if found.problems:
        lines = [(line, t.words(words)) for line, words in found.problems]
        return _preview_page(request, name, lines=lines, status=400)
    staff_id = member(request).account.id
    assert staff_id is not None
    token = await run.run(uploads.stage, StagedUpload(name, data, staff_id), uow=run.uow())
    return _preview_page(request, name, found=found, token=token)


def _preview_page(
    request: web.Request,
    name: str,
    *,
    lines: list[tuple[int, str]] | None = None,
    found: catalogue.ImportPreview | None = None,
    token: str = "",
    status: int = 200,
) -> web.Response:
    return show(
        request,
        "files.html",
        status=status,
        preview={"name": name, "lines": lines or [], "found": found, "token": token},
        shown=SHOWN,
        result=None,
        problem="",
        store=shop(request).store,
    )


async def confirm(request: web.Request) -> web.StreamResponse:
    """Import the file the preview showed, in one transaction."""
    form = await request.post()
    token, seen = form_text(form, "token", 64), form_text(form, "seen", 64)
    run, t = shop(request), texts(request)
    account = member(request).account
    assert account.id is not None
    try:
        if not token:
            raise InvalidInput(GONE)
        staged = await run.run(uploads.staged, token, account.id, uow=run.uow())
        rows = await run.run(_rows, staged.body, run)
        result = await run.run(
            catalogue.import_catalogue,
            rows,
            store=run.store,
            actor=f"staff:{account.username}",
            seen=seen,
            staged=secret_hash(token),
            uow=run.uow(),
        )
    except CatalogueFileError as bad:  # the same file read the same way: not expected
        return _preview_page(request, "", lines=_line_problems(t, bad.errors), status=400)
    except DomainError as refusal:
        return show(
            request,
            "files.html",
            status=409,
            preview=None,
            result=None,
            problem=t.refusal(refusal),
        )
    return show(request, "files.html", preview=None, result=result, problem="")


async def export_catalogue(request: web.Request) -> web.StreamResponse:
    """The catalogue as it is read, a chunk at a time (archived items too)."""
    run = shop(request)
    currency = run.store.currency
    chunks = _chunks(run, catalogue.products_chunk, None)
    if request.match_info["kind"] == "xlsx":
        cells = partial(catalogue_cells, currency=currency)
        return await _workbook(request, chunks, Sheet("catalogue", COLUMNS), cells, "catalogue")
    pieces = _csv(run, chunks, COLUMNS, partial(catalogue_rows, currency=currency))
    return await streamed_download(request, pieces, "catalogue.csv", CSV)


def _days(text: str) -> int:
    return int(text) if re.fullmatch(r"[0-9]{1,4}", text) and int(text) > 0 else LEDGER_DAYS


async def export_ledger(request: web.Request) -> web.StreamResponse:
    """The stock ledger of the last days (LEDGER_DAYS unless asked), oldest move first."""
    run = shop(request)
    since = utc_now() - timedelta(days=_days(request.query.get("days", "")))
    zone = run.store.timezone
    chunks = _chunks(run, stock.moves_chunk, stock.LedgerPlace(since))
    if request.match_info["kind"] == "xlsx":
        sheet = Sheet("stock ledger", LEDGER_COLUMNS)
        cells = partial(ledger_cells, timezone=zone)
        return await _workbook(request, chunks, sheet, cells, "stock-ledger")
    pieces = _csv(run, chunks, LEDGER_COLUMNS, partial(ledger_rows, timezone=zone))
    return await streamed_download(request, pieces, "stock-ledger.csv", CSV)


async def _chunks(
    run: Shop, read: Callable[..., Chunk[Row, Place]], place: Place | None
) -> AsyncGenerator[list[Row], None]:
    """What the use case `read` gives, a chunk at a time, each read in a short transaction of
    its own (a writer is never held behind a whole export)."""
    while True:
        chunk = await run.run(read, place, size=CHUNK, uow=run.uow())
        yield chunk.rows
        if chunk.next is None:
            return
        place = chunk.next


async def _csv(
    run: Shop,
    chunks: AsyncGenerator[list[Row], None],
    header: list[str],
    lines: Callable[[list[Row]], Iterable[list[str]]],
) -> AsyncGenerator[bytes, None]:
    """The CSV file, a piece per chunk: the header and the mark of UTF-8 with the first."""
    top: list[str] | None = header
    try:
        async for rows in chunks:
            yield await run.run(_piece, top, lines(rows))
            top = None
    finally:
        await chunks.aclose()


def _piece(header: list[str] | None, lines: Iterable[list[str]]) -> bytes:
    if header is None:
        return csv_piece(lines, first=False)
    return csv_piece(itertools.chain([header], lines), first=True)


async def _workbook(
    request: web.Request,
    chunks: AsyncGenerator[list[Row], None],
    sheet: Sheet,
    cells: Callable[[list[Row]], Iterable[list[object]]],
    name: str,
) -> web.StreamResponse:
    """The workbook written a chunk at a time to a temporary file, then sent from it: a zip
    file is only whole at its end, so nothing goes out before (openpyxl writes no other way)."""
    run = shop(request)
    try:
        async for rows in chunks:
            await run.run(sheet.add, cells(rows))
    except Exception:
        await run.run(sheet.discard)
        raise
    finally:
        await chunks.aclose()
    with tempfile.TemporaryFile() as file:
        await run.run(sheet.save, file)
        return await streamed_download(request, _read(run, file), f"{name}.xlsx", XLSX)


async def _read(run: Shop, file: BinaryIO) -> AsyncGenerator[bytes, None]:
    while piece := await run.run(file.read, FILE_PIECE):
        yield piece


ROUTES = [
    Route("GET", "/files", page, permissions.CATALOGUE),
    Route("POST", "/files/preview", preview, permissions.CATALOGUE),
    Route("POST", "/files/import", confirm, permissions.CATALOGUE),
    Route("GET", "/files/catalogue.{kind:csv|xlsx}", export_catalogue, permissions.CATALOGUE),
    Route("GET", "/files/ledger.{kind:csv|xlsx}", export_ledger, permissions.STOCK),
]
