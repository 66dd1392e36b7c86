"""Excel catalogue files are read as the CSV ones, and a workbook's own claims about its size
are not trusted."""

from __future__ import annotations

import io
from collections.abc import Sequence

import pytest
from openpyxl import Workbook

from bot import catalogue_xlsx
from bot.catalogue_csv import CatalogueFileError
from bot.domain.money import Currency

EUR = Currency("EUR")
HEADER = ["sku", "name", "category", "unit", "step", "price", "stock", "threshold", "description"]


def workbook(rows: Sequence[Sequence[object]], far: tuple[int, int] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    if far is not None:
        sheet.cell(row=far[0], column=far[1], value="x")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_workbook_reads_as_its_csv_would() -> None:
    rows = catalogue_xlsx.read_catalogue_xlsx(
        workbook([HEADER, ["TEA", "Green tea", "Tea", "pc", 1, 4.2, 5, None, None]]), EUR
    )
    assert [(r.product.sku, r.product.price_minor, r.stock) for r in rows] == [("TEA", 420, 5)]


def test_a_cell_far_to_the_right_is_not_read() -> None:
    data = workbook([HEADER, ["TEA", "Green tea", "Tea", "pc", 1, 4, 5]], far=(2, 16_000))
    assert len(catalogue_xlsx.read_catalogue_xlsx(data, EUR)) == 1


def test_a_sheet_longer_than_any_catalogue_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catalogue_xlsx, "MAX_ROWS", 50)
    data = workbook([HEADER], far=(1_000, 1))
    with pytest.raises(CatalogueFileError, match="more than 50 rows"):
        catalogue_xlsx.read_catalogue_xlsx(data, EUR)


@pytest.mark.parametrize("data", [b"PK\x03\x04broken", b"", workbook([])[:300]])
def test_what_is_not_a_workbook_is_said_so(data: bytes) -> None:
    with pytest.raises(CatalogueFileError, match="cannot be read as an Excel workbook"):
        catalogue_xlsx.read_catalogue_xlsx(data, EUR)
