"""The catalogue as CSV: the format store owners edit in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TextIO

from bot.domain.catalogue import Product, Unit
from bot.domain.errors import InvalidInput
from bot.domain.money import Currency
from bot.domain.quantity import parse_quantity
from bot.domain.services.catalogue import ImportRow
from bot.domain.text import said

HEADER = ["sku", "name", "category", "unit", "step", "price", "stock", "threshold", "description"]


@dataclass(frozen=True, slots=True)
class LineError:
    line_number: int
    message: str

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
    """Every row, or CatalogueFileError listing every bad line (nothing half-read)."""
    reader = csv.reader(source)
    header = next(reader, None)
    if header is None or [h.strip().lower() for h in header] != HEADER:
        raise CatalogueFileError([LineError(1, f"the header must be: {','.join(HEADER)}")])
    rows: list[ImportRow] = []
    errors: list[LineError] = []
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        try:
            rows.append(_row(line, cells, currency))
        except InvalidInput as problem:
            errors.append(LineError(line, str(problem)))
    if errors:
        raise CatalogueFileError(errors)
    return rows


def _row(line: int, cells: list[str], currency: Currency) -> ImportRow:
    if len(cells) != len(HEADER):
        raise InvalidInput(
            said("expected {expected} columns, found {found}"),
            expected=len(HEADER),
            found=len(cells),
        )
    sku, name, category, unit, step, price, stock, threshold, description = (
        _unneutralised(c.strip()) for c in cells
    )
    product = Product(
        sku=sku,
        name=name,
        category=category,
        unit=Unit.parse(unit),
        step=_positive(step or "1", "step"),
        price_minor=currency.parse(price),
        description=description,
        low_stock_threshold=_non_negative(threshold, "threshold") if threshold else None,
    )
    return ImportRow(line, product, _non_negative(stock or "0", "stock"))


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


def _unneutralised(cell: str) -> str:
    if cell.startswith(NEUTRALISER) and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def catalogue_lines(products: Iterable[Product], currency: Currency) -> Iterator[list[str]]:
    yield HEADER
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
    ]


def write_catalogue(products: Iterable[Product], currency: Currency, target: TextIO) -> int:
    """Write the CSV; returns how many items it holds."""
    lines = list(catalogue_lines(products, currency))
    csv.writer(target, lineterminator="\n").writerows(lines)
    return len(lines) - 1


def _plain(value: Decimal) -> str:
    return f"{value.normalize():f}"
