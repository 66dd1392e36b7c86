"""The catalogue and the stock ledger as Excel workbooks (.xlsx), beside the CSV files: a
workbook is read by turning its first sheet into the CSV the catalogue reader checks, so both
formats are held to the same rules, line by line."""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import BinaryIO
from zoneinfo import ZoneInfo

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from bot.catalogue_csv import (
    COLUMNS,
    CatalogueFileError,
    LineError,
    catalogue_rows,
    read_catalogue,
    spreadsheet_safe,
)
from bot.domain.catalogue import Product
from bot.domain.money import Currency
from bot.domain.services.catalogue import ImportRow
from bot.domain.services.stock import Move

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOT_XLSX = "cannot be read as an Excel workbook (.xlsx): save it as .xlsx or CSV UTF-8"
# The catalogue's columns a spreadsheet should see as numbers.
NUMERIC = {"step", "price", "stock", "threshold", "vat"}
LEDGER_COLUMNS = ["at", "sku", "name", "reason", "change", "level", "by", "note", "order"]


def is_xlsx(data: bytes) -> bool:
    """A workbook is a zip file; a CSV file never starts like one."""
    return data[:4] == b"PK\x03\x04"


# A catalogue of 100,000 items and a header; a sheet that says it is larger is read no further.
MAX_ROWS = 200_000
TOO_MANY_ROWS = "has more than {limit:,} rows; nothing was read past them"


def read_catalogue_xlsx(data: bytes, currency: Currency) -> list[ImportRow]:
    """The first sheet's rows, as many columns as the catalogue has: a sheet's own claim of
    its size is not trusted, nor read any cell past those columns."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise CatalogueFileError([LineError(1, NOT_XLSX)]) from None
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    try:
        if not book.worksheets:
            raise CatalogueFileError([LineError(1, NOT_XLSX)])
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # read what is there, not what the file says is there
        width = 0
        for number, row in enumerate(
            sheet.iter_rows(max_col=len(COLUMNS), values_only=True), start=1
        ):
            if number > MAX_ROWS:
                raise CatalogueFileError([LineError(number, TOO_MANY_ROWS.format(limit=MAX_ROWS))])
            cells = [_cell(value) for value in row]
            if number == 1:  # the header: as wide as its last named column
                while cells and not cells[-1]:
                    cells.pop()
                width = len(cells)
            writer.writerow(cells[:width] + [""] * (width - len(cells)))
    except CatalogueFileError:
        raise
    except Exception:  # a sheet's XML broken past its first bytes
        raise CatalogueFileError([LineError(1, NOT_XLSX)]) from None
    finally:
        book.close()
    text.seek(0)
    return read_catalogue(text, currency)


def _cell(value: object) -> str:
    """A cell as the CSV file would hold it: 2.49, not 2.4900000000000002."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{Decimal(repr(value)).normalize():f}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _number(cell: str) -> object:
    try:
        value = Decimal(cell)
    except InvalidOperation:
        return cell
    return int(value) if value == value.to_integral_value() else float(value)


class Sheet:
    """A workbook of one sheet, written a chunk of rows at a time: openpyxl's write-only mode
    keeps the rows in a temporary file, and the finished workbook goes to another, so neither
    is held in memory, whatever the catalogue's or the ledger's size."""

    def __init__(self, title: str, header: list[str]) -> None:
        self._book = Workbook(write_only=True)
        self._sheet = self._book.create_sheet(title)
        self._sheet.append(header)

    def add(self, rows: Iterable[list[object]]) -> None:
        for row in rows:
            self._sheet.append(row)

    def save(self, target: BinaryIO) -> None:
        """Write the finished workbook to `target` (a temporary file), and rewind it."""
        self._book.save(target)
        target.seek(0)

    def discard(self) -> None:
        """End a workbook left half-written (its rows failed to come) as saving would, into a
        file thrown away: else openpyxl keeps its file of rows until the process ends, and
        its sheet, collected unfinished, raises inside the garbage collector."""
        with tempfile.TemporaryFile() as thrown_away:
            self._book.save(thrown_away)


def catalogue_cells(products: Iterable[Product], currency: Currency) -> Iterator[list[object]]:
    """The catalogue file's rows after its header, as a workbook's cells: numbers as numbers."""
    numeric = [column in NUMERIC for column in COLUMNS]
    for line in catalogue_rows(products, currency):
        yield [_number(c) if wanted and c else c for c, wanted in zip(line, numeric, strict=True)]


def ledger_rows(moves: Iterable[Move], timezone: ZoneInfo) -> Iterator[list[str]]:
    """The stock ledger's rows: when (the store's time), what, how much, by whom, why."""
    for entry, sku, name in moves:
        yield [
            entry.at.astimezone(timezone).strftime("%Y-%m-%d %H:%M:%S"),
            spreadsheet_safe(sku),
            spreadsheet_safe(name),
            entry.reason.value,
            f"{entry.change.normalize():f}",
            f"{entry.resulting_level.normalize():f}",
            spreadsheet_safe(entry.actor),
            spreadsheet_safe(entry.note),
            "" if entry.order_id is None else str(entry.order_id),
        ]


def ledger_cells(moves: Iterable[Move], timezone: ZoneInfo) -> Iterator[list[object]]:
    """The ledger's rows as a workbook's cells: the change and the level as numbers."""
    for line in ledger_rows(moves, timezone):
        yield [*line[:4], _number(line[4]), _number(line[5]), *line[6:]]
