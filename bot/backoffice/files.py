"""Import and export: a catalogue file (CSV or Excel) is previewed first — new, changed and
unchanged items, and every bad line with its number and reason — and written only when the
preview is confirmed, all of it in one transaction, as `shopkeeps import` does. The catalogue
and the stock ledger come down as CSV and as Excel workbooks."""

from __future__ import annotations

import re
from datetime import timedelta

from aiohttp import web

from bot.backoffice.access import Route, form_text, member, shop, show, texts
from bot.backoffice.render import CSV, download
from bot.catalogue_csv import (
    CatalogueFileError,
    LineError,
    catalogue_lines,
    read_catalogue_file,
    safe_csv,
)
from bot.catalogue_xlsx import (
    XLSX,
    catalogue_workbook,
    is_xlsx,
    ledger_csv,
    ledger_workbook,
    read_catalogue_xlsx,
)
from bot.domain import permissions
from bot.domain.backoffice import secret_hash
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


def _catalogue_csv(run: Shop) -> bytes:
    products = catalogue.all_products(uow=run.uow())
    return safe_csv(catalogue_lines(products, run.store.currency))


def _catalogue_xlsx(run: Shop) -> bytes:
    return catalogue_workbook(catalogue.all_products(uow=run.uow()), run.store.currency)


async def export_catalogue(request: web.Request) -> web.StreamResponse:
    run = shop(request)
    if request.match_info["kind"] == "xlsx":
        return download(await run.run(_catalogue_xlsx, run), "catalogue.xlsx", XLSX)
    return download(await run.run(_catalogue_csv, run), "catalogue.csv", CSV)


def _days(text: str) -> int:
    return int(text) if re.fullmatch(r"[0-9]{1,4}", text) and int(text) > 0 else LEDGER_DAYS


async def export_ledger(request: web.Request) -> web.StreamResponse:
    run = shop(request)
    since = utc_now() - timedelta(days=_days(request.query.get("days", "")))
    moves = await run.run(stock.moves_since, since, uow=run.uow())
    zone = run.store.timezone
    if request.match_info["kind"] == "xlsx":
        body = await run.run(ledger_workbook, moves, zone)
        return download(body, "stock-ledger.xlsx", XLSX)
    body = await run.run(ledger_csv, moves, zone)
    return download(body, "stock-ledger.csv", CSV)


ROUTES = [
    Route("GET", "/files", page, permissions.CATALOGUE),
    Route("POST", "/files/preview", preview, permissions.CATALOGUE),
    Route("POST", "/files/import", confirm, permissions.CATALOGUE),
    Route("GET", "/files/catalogue.{kind:csv|xlsx}", export_catalogue, permissions.CATALOGUE),
    Route("GET", "/files/ledger.{kind:csv|xlsx}", export_ledger, permissions.STOCK),
]
