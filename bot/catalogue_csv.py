"""The catalogue as CSV: the format store owners edit in a spreadsheet."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TextIO
from urllib.parse import urlsplit, urlunsplit

from bot.domain.catalogue import Product, Unit
from bot.domain.errors import InvalidInput
from bot.domain.money import Currency
from bot.domain.quantity import is_multiple_of, parse_quantity
from bot.domain.services.catalogue import ImportRow
from bot.domain.services.stock import check_level
from bot.domain.text import Amount, Words, said
from bot.domain.vat import parse_vat_rate, rate_text

HEADER = ["sku", "name", "category", "unit", "step", "price", "stock", "threshold", "description"]
# Columns a file may leave out (older exports have none of them); exports write them all.
OPTIONAL = ["photo", "vat"]  # vat: the item's VAT rate in percent (5.5); empty: as it is
COLUMNS = HEADER + OPTIONAL
# Spreadsheets save CSV with the separator of their country: French Excel writes ';'.
DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True, slots=True)
class LineError:
    line_number: int
    message: str
    # The domain's words for it, where it has them (read in the reader's language).
    words: Words | None = None

    def __str__(self) -> str:
        return f"line {self.line_number}: {self.message}"


class CatalogueFileError(Exception):
    def __init__(self, errors: list[LineError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


# A spreadsheet runs a cell that starts with one of these as a formula: an item called
# "=HYPERLINK(...)" must reach it as text. Exports put a quote in front; imports take it off.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"
NOT_UTF8 = "is not UTF-8 text: save the file as “CSV UTF-8” and import it again"


def read_catalogue_file(data: bytes, currency: Currency) -> list[ImportRow]:
    """Decode the file first: a file in another encoding is refused with the line it breaks
    on, never half-read or guessed."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as bad:
        line = data[: bad.start].count(b"\n") + 1
        raise CatalogueFileError([LineError(line, NOT_UTF8)]) from None
    return read_catalogue(io.StringIO(text, newline=""), currency)


def read_catalogue(source: TextIO, currency: Currency) -> list[ImportRow]:
    """Every row, or CatalogueFileError listing every bad line (nothing half-read). The
    separator is the one that makes the first line a header: ',', ';' or a tab."""
    first = source.readline()
    lines = _Lines(itertools.chain([first] if first else [], source))
    reader = csv.reader(lines, delimiter=_delimiter(first))
    header = _next_row(reader, lines)
    columns = [h.strip().lower() for h in header[1]] if header is not None else []
    if not _good_header(columns):
        optional = ",".join(OPTIONAL)
        raise CatalogueFileError(
            [LineError(1, f"the header must be: {','.join(HEADER)} (and optionally {optional})")]
        )
    rows: list[ImportRow] = []
    errors: list[LineError] = []
    while True:
        try:
            read = _next_row(reader, lines)
        except CatalogueFileError as unreadable:  # nothing after it can be trusted
            raise CatalogueFileError(errors + unreadable.errors) from None
        if read is None:
            break
        line, cells = read
        if not any(c.strip() for c in cells):
            continue
        try:
            rows.append(_row(line, columns, cells, currency))
        except InvalidInput as problem:
            errors.append(LineError(line, str(problem), problem.words))
    if errors:
        raise CatalogueFileError(errors)
    return rows


# A row of the longest description and name fits many times over; longer is a cell pasted by
# mistake or a quotation mark left open, which runs the rest of the file into one cell.
MAX_ROW = 10_000
ROW_TOO_LONG = (
    "this row has more than {limit:,} characters (a cell pasted by mistake, or a quotation "
    "mark left open); nothing after it was read"
)
NOT_CSV = "cannot be read as CSV ({problem}); nothing after it was read"


class _RowTooLong(Exception):
    pass


class _Lines:
    """The file's lines for the CSV reader, which knows the line each row starts on; a row
    longer than MAX_ROW is refused at its first line (Python's own reader stops only past
    131,072 characters in one cell, with an error that names no line)."""

    def __init__(self, source: Iterator[str]) -> None:
        self._source = source
        self._read = 0
        self._row_characters = 0
        self.row_start = 1

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._source)
        self._read += 1
        self._row_characters += len(line)
        if self._row_characters > MAX_ROW:
            raise _RowTooLong
        return line

    def next_row(self) -> None:
        self.row_start, self._row_characters = self._read + 1, 0


def _next_row(reader: Iterator[list[str]], lines: _Lines) -> tuple[int, list[str]] | None:
    """The next row and the line it starts on; None at the end of the file."""
    try:
        cells = next(reader, None)
    except _RowTooLong:
        raise CatalogueFileError(
            [LineError(lines.row_start, ROW_TOO_LONG.format(limit=MAX_ROW))]
        ) from None
    except csv.Error as problem:
        raise CatalogueFileError(
            [LineError(lines.row_start, NOT_CSV.format(problem=problem))]
        ) from None
    line = lines.row_start
    lines.next_row()
    return None if cells is None else (line, cells)


def _delimiter(first_line: str) -> str:
    for delimiter in DELIMITERS:
        names = next(csv.reader([first_line], delimiter=delimiter), [])
        if _good_header([n.strip().lower() for n in names]):
            return delimiter
    return ","


def _good_header(columns: list[str]) -> bool:
    """Every required column, known columns only, each once."""
    return (
        set(HEADER) <= set(columns)
        and set(columns) <= set(COLUMNS)
        and len(set(columns)) == len(columns)
    )


def _row(line: int, columns: list[str], cells: list[str], currency: Currency) -> ImportRow:
    if len(cells) != len(columns):
        raise InvalidInput(
            said("expected {expected} columns, found {found}"),
            expected=len(columns),
            found=len(cells),
        )
    named = dict(zip(columns, cells, strict=True))
    cell = {column: _unneutralised(named.get(column, "").strip()) for column in COLUMNS}
    threshold = cell["threshold"]
    product = Product(
        sku=cell["sku"],
        name=cell["name"],
        category=cell["category"],
        unit=Unit.parse(cell["unit"]),
        step=_positive(cell["step"] or "1", "step"),
        price_minor=currency.parse(_without_spaces(cell["price"])),
        description=cell["description"],
        low_stock_threshold=_non_negative(threshold, "threshold") if threshold else None,
        photo_file_id=_photo(cell["photo"]),
        vat_rate=parse_vat_rate(cell["vat"]) if cell["vat"] else None,
    )
    stock = _non_negative(cell["stock"] or "0", "stock")
    if not is_multiple_of(stock, product.step):
        raise InvalidInput(
            said("stock {stock} is not a whole number of steps of {step}"),
            stock=stock,
            step=Amount(product.step, product.unit.value),
        )
    check_level(product, stock, negative=said("stock cannot be negative"))
    return ImportRow(line, product, stock)


def _without_spaces(price: str) -> str:
    """Spreadsheets write "1 234,50 €" with no-break spaces."""
    return "".join(price.split())


# A Telegram file id (what /additem keeps and exports write): letters, digits, '-' and '_'.
PHOTO_ID = re.compile(r"[A-Za-z0-9_-]{20,255}")
MAX_PHOTO_ADDRESS = 255  # as the column holds it


def _photo(text: str) -> str | None:
    """A Telegram file id, or a web address Telegram fetches the photo from when a card first
    shows it (the item then keeps the file id Telegram gives)."""
    if not text:
        return None
    if PHOTO_ID.fullmatch(text):
        return text
    if _web_address(text):
        return urlunsplit(urlsplit(text))  # "HTTPS://" written as the bot looks for it
    raise InvalidInput(
        said(
            "photo must be a web address starting with https:// (at most 255 characters), or "
            "a Telegram photo id as the catalogue export writes it"
        )
    )


def _web_address(text: str) -> bool:
    if len(text) > MAX_PHOTO_ADDRESS or any(c.isspace() for c in text):
        return False
    parts = urlsplit(text)
    return parts.scheme in ("https", "http") and bool(parts.hostname)


def _positive(text: str, what: str) -> Decimal:
    value = parse_quantity(text)
    if value <= 0:
        raise InvalidInput(said("{column} must be more than 0"), column=what)
    return value


def _non_negative(text: str, what: str) -> Decimal:
    value = parse_quantity(text)
    if value < 0:
        raise InvalidInput(said("{column} cannot be negative"), column=what)
    return value


def spreadsheet_safe(cell: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    return NEUTRALISER + cell if cell.startswith(FORMULA_STARTS) else cell


def spreadsheet_csv(rows: Iterable[Sequence[object]]) -> bytes:
    """Rows as a CSV file to download: every text cell shown as text, never run as a formula;
    UTF-8 with its mark, which Excel needs to read it as UTF-8."""
    return safe_csv([spreadsheet_safe(c) if isinstance(c, str) else c for c in row] for row in rows)


def safe_csv(rows: Iterable[Sequence[object]]) -> bytes:
    """spreadsheet_csv of rows whose text cells went through spreadsheet_safe already (the
    catalogue's and the ledger's lines): a 347,000-move ledger is not checked twice."""
    return csv_piece(rows, first=True)


def csv_piece(rows: Iterable[Sequence[object]], *, first: bool) -> bytes:
    """A piece of a safe_csv file sent as it is read: the first piece starts with the UTF-8
    mark, the others follow on, and together they are the file safe_csv makes of all rows."""
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    return text.getvalue().encode("utf-8-sig" if first else "utf-8")


def _unneutralised(cell: str) -> str:
    if cell.startswith(NEUTRALISER) and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def catalogue_lines(products: Iterable[Product], currency: Currency) -> Iterator[list[str]]:
    yield COLUMNS
    yield from catalogue_rows(products, currency)


def catalogue_rows(products: Iterable[Product], currency: Currency) -> Iterator[list[str]]:
    """The catalogue file's lines after its header."""
    for p in products:
        yield [spreadsheet_safe(cell) for cell in _cells(p, currency)]


def _cells(p: Product, currency: Currency) -> list[str]:
    return [
        p.sku,
        p.name,
        p.category,
        p.unit.value,
        _plain(p.step),
        f"{currency.to_major(p.price_minor)}",
        _plain(p.stock),
        "" if p.low_stock_threshold is None else _plain(p.low_stock_threshold),
        p.description,
        p.photo_address or p.photo_file_id or "",  # an address as the file gave it
        "" if p.vat_rate is None else rate_text(p.vat_rate),
    ]


def write_catalogue(products: Iterable[Product], currency: Currency, target: TextIO) -> int:
    """Write the CSV; returns how many items it holds."""
    lines = list(catalogue_lines(products, currency))
    csv.writer(target, lineterminator="\n").writerows(lines)
    return len(lines) - 1


def _plain(value: Decimal) -> str:
    return f"{value.normalize():f}"
