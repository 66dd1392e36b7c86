"""The catalogue file as spreadsheets save it: any separator, columns by name, every bad line."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from bot.catalogue_csv import COLUMNS, CatalogueFileError, catalogue_lines, read_catalogue_file
from bot.domain.money import Currency
from tests.support.factories import make_product

EUR = Currency("EUR")


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_the_separator_is_the_one_that_makes_the_first_line_a_header(separator: str) -> None:
    lines = [
        ["price", "sku", "name", "category", "unit", "step", "stock", "threshold", "description"],
        [
            "2,50" if separator != "," else "2.50",
            "TEA",
            "Thé vert",
            "Drinks",
            "pc",
            "1",
            "4",
            "",
            "",
        ],
    ]
    data = "\ufeff" + "\r\n".join(separator.join(cells) for cells in lines) + "\r\n"
    [row] = read_catalogue_file(data.encode(), EUR)
    assert (row.product.sku, row.product.name, row.product.price_minor, row.stock) == (
        "TEA",
        "Thé vert",
        250,
        Decimal(4),
    )
    assert row.product.photo_file_id is None


def _tea_with_photo(cell: str) -> bytes:
    header = "sku,name,category,unit,step,price,stock,threshold,description,photo"
    return f"{header}\nTEA,Tea,Drinks,pc,1,2.50,4,,,{cell}\n".encode()


@pytest.mark.parametrize(
    ("cell", "kept"),
    [
        ("https://shop.example/photos/tea.jpg", "https://shop.example/photos/tea.jpg"),
        ("HTTPS://shop.example/Tea.jpg", "https://shop.example/Tea.jpg"),  # as it is looked for
        ("AgACAgIAAxkBAAIBZ2VhYWFhYWFhYWFh", "AgACAgIAAxkBAAIBZ2VhYWFhYWFhYWFh"),
        ("", None),
    ],
)
def test_a_photo_is_a_web_address_or_a_telegram_file_id(cell: str, kept: str | None) -> None:
    [row] = read_catalogue_file(_tea_with_photo(cell), EUR)
    assert row.product.photo_file_id == kept


@pytest.mark.parametrize(
    "cell",
    [
        "ftp://shop.example/tea.jpg",
        "https://",
        "https://shop.example/my tea.jpg",
        "tea.jpg",
        "https://shop.example/" + "x" * 240,
    ],
)
def test_a_photo_that_is_neither_is_refused(cell: str) -> None:
    with pytest.raises(CatalogueFileError) as bad:
        read_catalogue_file(_tea_with_photo(cell), EUR)
    assert "photo must be a web address" in str(bad.value.errors[0])


def test_every_bad_line_is_reported_with_its_number_and_nothing_is_read() -> None:
    data = (
        "sku;name;category;unit;step;price;stock;threshold;description;photo\n"
        "OK;Good;Pantry;pc;1;1,00;5;;;\n"
        "STEP;Yoghurt;Dairy;kg;0,3;1,00;12,5;;;\n"
        "URL;Item;Pantry;pc;1;1,00;5;;;file:///home/me/a.jpg\n"
        "SHORT;Item\n"
    )
    with pytest.raises(CatalogueFileError) as bad:
        read_catalogue_file(data.encode(), EUR)
    assert [str(e) for e in bad.value.errors] == [
        "line 3: stock 12.5 is not a whole number of steps of 0.3 kg",
        "line 4: photo must be a web address starting with https:// (at most 255 characters), "
        "or a Telegram photo id as the catalogue export writes it",
        "line 5: expected 10 columns, found 2",
    ]


@pytest.mark.parametrize(
    "header",
    [
        "sku;name;category;unit;step;price;stock;threshold",  # description missing
        "sku;name;category;unit;step;price;stock;threshold;description;colour",
        "sku;sku;name;category;unit;step;price;stock;threshold;description",
    ],
)
def test_a_header_without_the_columns_is_refused_at_line_1(header: str) -> None:
    with pytest.raises(CatalogueFileError) as bad:
        read_catalogue_file(f"{header}\n".encode(), EUR)
    [error] = bad.value.errors
    assert error.line_number == 1
    assert "the header must be: sku,name,category,unit,step,price,stock" in error.message


def test_an_export_writes_a_fetched_photo_as_the_address_the_file_gave() -> None:
    tea = make_product(sku="TEA", photo_file_id="photo-7")
    fetched = dataclasses.replace(tea, photo_address="https://shop.example/tea.jpg")
    [_, by_id, by_address] = catalogue_lines([tea, fetched], EUR)
    assert (by_id[COLUMNS.index("photo")], by_address[COLUMNS.index("photo")]) == (
        "photo-7",
        "https://shop.example/tea.jpg",
    )
