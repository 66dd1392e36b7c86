"""The store's default VAT rate as a setting, and an item's rate in the catalogue CSV."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from bot.catalogue_csv import CatalogueFileError, read_catalogue, write_catalogue
from bot.config import ConfigError, load_settings
from bot.domain.money import Currency
from tests.support.factories import make_product

EUR = Currency("EUR")
TOKEN = "123456:" + "A" * 35


@pytest.mark.parametrize(("typed", "rate"), [("20", Decimal(20)), ("5,5", Decimal("5.5"))])
def test_the_default_vat_rate_is_read_with_a_point_or_a_comma(typed: str, rate: Decimal) -> None:
    settings = load_settings(env_file=None, telegram_token=TOKEN, default_vat_rate=typed)
    assert settings.store().default_vat_rate == rate


def test_an_unusable_default_vat_rate_names_the_variable() -> None:
    with pytest.raises(ConfigError, match=r"SHOPKEEPS_DEFAULT_VAT_RATE: .*not a VAT rate"):
        load_settings(env_file=None, telegram_token=TOKEN, default_vat_rate="twenty")


def test_a_vat_column_gives_each_item_its_rate_and_an_empty_cell_none() -> None:
    rows = read_catalogue(
        io.StringIO(
            "sku;name;category;unit;step;price;stock;threshold;description;vat\n"
            "GALA;Gala apples;Fruit;kg;0,5;3,29;10;;;5,5\n"
            "WINE;Red wine;Drinks;pc;1;8,99;4;;;\n"
        ),
        EUR,
    )
    assert [r.product.vat_rate for r in rows] == [Decimal("5.5"), None]


def test_a_bad_vat_cell_is_reported_with_its_line() -> None:
    with pytest.raises(CatalogueFileError) as refused:
        read_catalogue(
            io.StringIO(
                "sku,name,category,unit,step,price,stock,threshold,description,vat\n"
                "WINE,Red wine,Drinks,pc,1,8.99,4,,,twenty\n"
            ),
            EUR,
        )
    assert [(e.line_number, "VAT rate" in e.message) for e in refused.value.errors] == [(2, True)]


def test_an_export_writes_each_rate_and_reads_back_the_same() -> None:
    products = [
        make_product(sku="GALA", vat_rate=Decimal("5.5")),
        make_product(sku="WINE"),
    ]
    written = io.StringIO()
    write_catalogue(products, EUR, written)
    assert written.getvalue().splitlines()[0].endswith(",vat")
    rows = read_catalogue(io.StringIO(written.getvalue()), EUR)
    assert [r.product.vat_rate for r in rows] == [Decimal("5.5"), None]
