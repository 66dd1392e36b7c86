from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError

from bot import cli
from bot.domain.catalogue import Unit
from bot.domain.services import catalogue
from bot.domain.vat import vat_in_gross
from bot.persistence import migrate
from bot.persistence.engine import build_engine
from bot.persistence.models import OrderRow, OrderVatRow, StaffRow
from tests.support.databases import UowFactory, fresh_database, sqlite_only

PASSWORD = "a long manager password"
HEADER = "sku,name,category,unit,step,price,stock,threshold,description\n"


@pytest.fixture
def shopkeeps(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the CLI in an empty folder against the test database."""
    monkeypatch.chdir(tmp_path)
    for name in ("SHOPKEEPS_TELEGRAM_TOKEN", "SHOPKEEPS_CURRENCY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SHOPKEEPS_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    return tmp_path


def test_db_upgrade_builds_an_empty_database(
    backend: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    with fresh_database(backend, tmp_path) as url:
        monkeypatch.setenv("SHOPKEEPS_DATABASE_URL", url)
        assert cli.main(["db", "upgrade"]) == 0
        assert f"Database is at revision {migrate.head_revision()}." in capsys.readouterr().out
        assert cli.main(["db", "downgrade", "base"]) == 0
        assert "revision base" in capsys.readouterr().out


def test_create_manager_reads_the_password_from_stdin_and_prints_nothing_secret(
    shopkeeps: Path,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert cli.main(["staff", "create-manager", "Boss", "--name", "The Boss"]) == 0
    out = capsys.readouterr()
    assert "Manager boss created." in out.out
    assert PASSWORD not in out.out + out.err
    with engine.connect() as connection:
        row = connection.execute(select(StaffRow.password_hash, StaffRow.role)).one()
    assert row.role == "manager"
    assert row.password_hash.startswith("$2b$12$")


def test_create_manager_refuses_a_weak_password_politely(
    shopkeeps: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert cli.main(["staff", "create-manager", "boss"]) == 1
    assert "error: A password needs at least 10 characters" in capsys.readouterr().err


def test_a_catalogue_import_creates_items_from_csv(
    shopkeeps: Path,
    new_uow: UowFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (shopkeeps / "items.csv").write_text(
        HEADER
        + "rice-1kg,Basmati rice 1 kg,Pantry,pc,1,3.49,25,6,Long grain\n"
        + 'APPLES,"Gala apples, crisp",Fruit & Veg,kg,0.25,3.29,18.5,,\n',
        encoding="utf-8",
    )
    assert cli.main(["catalogue", "import", "items.csv"]) == 0
    assert "2 new, 0 updated" in capsys.readouterr().out
    apples = catalogue.find_product("APPLES", uow=new_uow())
    assert (apples.name, apples.unit, apples.step, apples.price_minor, apples.stock) == (
        "Gala apples, crisp",
        Unit.KILOGRAM,
        0.25,
        329,
        18.5,
    )
    assert catalogue.find_product("RICE-1KG", uow=new_uow()).low_stock_threshold == 6


PHOTO_ID = "AgACAgQAAxkBAAIBR2Vh3Xyz_photo-id-0123456789"


def test_a_file_saved_by_french_excel_is_imported_with_its_photos(
    shopkeeps: Path,
    new_uow: UowFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """French Excel: a byte-order mark, ';' between cells, decimal commas, "3,29 €"."""
    (shopkeeps / "excel.csv").write_bytes(
        (
            "\ufeffsku;name;category;unit;step;price;stock;threshold;description;photo\r\n"
            "POMMES;Pommes Gala;Fruits;kg;0,25;3,29\u00a0€;18,5;;Croquantes, sucrées;"
            f"{PHOTO_ID}\r\n"
            "YAOURT;Yaourt grec;Crèmerie;pc;1;1,20;12;4;;\r\n"
        ).encode()
    )
    assert cli.main(["catalogue", "import", "excel.csv"]) == 0
    assert "2 new, 0 updated" in capsys.readouterr().out
    apples = catalogue.find_product("POMMES", uow=new_uow())
    assert (apples.step, apples.price_minor, apples.stock, apples.description) == (
        Decimal("0.25"),
        329,
        Decimal("18.5"),
        "Croquantes, sucrées",
    )
    assert apples.photo_file_id == PHOTO_ID
    assert catalogue.find_product("YAOURT", uow=new_uow()).photo_file_id is None

    # The export carries the photo back, and an empty photo cell keeps it.
    (shopkeeps / "again.csv").write_text(
        "sku;name;category;unit;step;price;stock;threshold;description\n"
        "POMMES;Pommes Gala;Fruits;kg;0,25;3,49;18,5;;Croquantes, sucrées\n",
        encoding="utf-8",
    )
    assert cli.main(["catalogue", "import", "again.csv"]) == 0
    apples = catalogue.find_product("POMMES", uow=new_uow())
    assert (apples.price_minor, apples.photo_file_id) == (349, PHOTO_ID)
    assert cli.main(["catalogue", "export", "-o", "out.csv"]) == 0
    assert f'Croquantes, sucrées",{PHOTO_ID}' in (shopkeeps / "out.csv").read_text()


def test_every_bad_line_of_a_french_file_is_named_with_its_reason(
    shopkeeps: Path,
    new_uow: UowFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (shopkeeps / "bad.csv").write_text(
        "sku;name;category;unit;step;price;stock;threshold;description;photo\n"
        "GOOD;Good item;Pantry;pc;1;1,00;5;;;\n"
        "STEP;Item;Pantry;kg;0,3;1,00;12,5;;;\n"
        "WEB;Item;Pantry;pc;1;1,00;5;;;file:///home/me/a.jpg\n"
        "NEG;Item;Pantry;pc;1;1,00;-2;;;\n",
        encoding="utf-8",
    )
    assert cli.main(["catalogue", "import", "bad.csv"]) == 1
    err = capsys.readouterr().err
    assert "line 3: stock 12.5 is not a whole number of steps of 0.3 kg" in err
    assert "line 4: photo must be a web address starting with https://" in err
    assert "line 5: stock cannot be negative" in err
    assert "line 2:" not in err
    assert catalogue.all_products(uow=new_uow()) == []


def test_a_bad_catalogue_file_reports_every_bad_line_and_imports_nothing(
    shopkeeps: Path,
    new_uow: UowFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (shopkeeps / "bad.csv").write_text(
        HEADER
        + "GOOD,Good item,Pantry,pc,1,1.00,5,,\n"
        + "BAD PRICE,Item,Pantry,pc,1,abc,5,,\n"
        + "UNIT,Item,Pantry,stone,1,1.00,5,,\n"
        + "STEP,Item,Pantry,kg,0.25,1.00,0.3,,\n"
        + "SHORT,Item\n",
        encoding="utf-8",
    )
    assert cli.main(["catalogue", "import", "bad.csv"]) == 1
    err = capsys.readouterr().err
    assert "Nothing was imported" in err
    for line in ("line 3:", "line 4:", "line 5:", "line 6:"):
        assert line in err
    assert "line 2:" not in err
    assert catalogue.all_products(uow=new_uow()) == []


def test_stock_that_breaks_the_step_is_reported_with_its_line(
    shopkeeps: Path,
    new_uow: UowFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (shopkeeps / "step.csv").write_text(
        HEADER + "GOOD,Good item,Pantry,pc,1,1.00,5,,\nSTEP,Item,Pantry,kg,0.25,1.00,0.3,,\n",
        encoding="utf-8",
    )
    assert cli.main(["catalogue", "import", "step.csv"]) == 1
    assert "steps of 0.25 kg" in capsys.readouterr().err
    assert catalogue.all_products(uow=new_uow()) == []


def test_a_large_import_shows_a_progress_bar(
    shopkeeps: Path,
    new_uow: UowFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    rows = "".join(f"SKU-{n},Item {n},Bulk,pc,1,1.00,{n},,\n" for n in range(250))
    (shopkeeps / "big.csv").write_text(HEADER + rows, encoding="utf-8")
    assert cli.main(["catalogue", "import", "big.csv"]) == 0
    err = capsys.readouterr().err
    assert "250/250" in err
    assert "[" + "#" * 30 + "]" in err
    assert len(catalogue.all_products(uow=new_uow())) == 250


def test_export_then_import_round_trips_without_changes(
    shopkeeps: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["demo-data"]) == 0
    capsys.readouterr()
    assert cli.main(["catalogue", "export", "-o", "out.csv"]) == 0
    exported = (shopkeeps / "out.csv").read_text(encoding="utf-8")
    assert exported.startswith(HEADER.rstrip("\n") + ",photo,")
    assert "Côtes du Rhône 75 cl 🍷" in exported
    assert cli.main(["catalogue", "import", "out.csv"]) == 0
    assert "0 new, 40 updated, 0 stock changes" in capsys.readouterr().out


def test_demo_data_is_a_small_grocery_and_can_be_loaded_twice(
    shopkeeps: Path,
    new_uow: UowFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["demo-data"]) == 0
    assert cli.main(["demo-data"]) == 0
    assert "0 items added, 40 were already there" in capsys.readouterr().out
    products = catalogue.all_products(uow=new_uow())
    assert len(products) == 40
    assert len({p.category for p in products}) >= 5
    assert sum(p.unit is Unit.KILOGRAM for p in products) >= 5
    assert any(p.stock == 0 for p in products)


def test_numbers_too_large_to_read_are_reported_with_their_line(
    shopkeeps: Path,
    new_uow: UowFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (shopkeeps / "huge.csv").write_text(
        HEADER
        + "GOOD,Good item,Pantry,pc,1,1.00,5,,\n"
        + "HUGE1,Item,Pantry,pc,1,1.00,1e999,,\n"
        + "HUGE2,Item,Pantry,pc,1,1e999999,5,,\n"
        + "HUGE3,Item,Pantry,kg,1e-999,1.00,5,,\n"
        + "NAN,Item,Pantry,pc,1,NaN,5,,\n",
        encoding="utf-8",
    )
    assert cli.main(["catalogue", "import", "huge.csv"]) == 1
    err = capsys.readouterr().err
    for line in ("line 3:", "line 4:", "line 5:", "line 6:"):
        assert line in err
    assert "Traceback" not in err
    assert catalogue.all_products(uow=new_uow()) == []


def test_a_file_that_is_not_utf8_is_refused_with_the_line_it_breaks_on(
    shopkeeps: Path,
    new_uow: UowFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (shopkeeps / "latin1.csv").write_bytes(
        (HEADER + "OK,Plain,Pantry,pc,1,1.00,5,,\nCAFE,Café crème,Drinks,pc,1,2.00,5,,\n").encode(
            "latin-1"
        )
    )
    assert cli.main(["catalogue", "import", "latin1.csv"]) == 1
    err = capsys.readouterr().err
    assert "line 3: is not UTF-8 text" in err
    assert catalogue.all_products(uow=new_uow()) == []


def test_cells_a_spreadsheet_would_run_as_formulas_are_exported_as_text_and_read_back(
    shopkeeps: Path,
    new_uow: UowFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (shopkeeps / "in.csv").write_text(
        HEADER
        + 'EVIL,"=HYPERLINK(""http://x"",""win"")",Pantry,pc,1,1.00,5,,@SUM(A1)\n'
        + "MINUS,-5% soap,+Offers,pc,1,1.00,5,,\n",
        encoding="utf-8",
    )
    assert cli.main(["catalogue", "import", "in.csv"]) == 0
    assert cli.main(["catalogue", "export", "-o", "out.csv"]) == 0
    exported = (shopkeeps / "out.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in exported and "'@SUM(A1)" in exported
    assert "'-5% soap" in exported and "'+Offers" in exported
    assert ",=" not in exported and ",-5" not in exported
    capsys.readouterr()
    assert cli.main(["catalogue", "import", "out.csv"]) == 0
    assert "0 stock changes" in capsys.readouterr().out
    names = sorted(p.name for p in catalogue.all_products(uow=new_uow()))
    assert names == ["-5% soap", '=HYPERLINK("http://x","win")']


def test_sql_errors_never_carry_what_people_typed(engine: Engine) -> None:
    secret = "my-password-typed-in-the-wrong-box"
    logged = build_engine(engine.url.render_as_string(hide_password=False))
    try:
        with pytest.raises(DBAPIError) as failed, logged.connect() as connection:
            connection.execute(text("SELECT * FROM no_such_table WHERE x = :x"), {"x": secret})
        assert secret not in str(failed.value)
    finally:
        logged.dispose()


def test_demo_history_keeps_each_completed_orders_vat_as_its_receipt_states_it(
    shopkeeps: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOPKEEPS_DEFAULT_VAT_RATE", "20")
    assert cli.main(["demo-data", "--items", "0", "--orders", "60"]) == 0
    with engine.connect() as connection:
        completed = select(OrderRow.id, OrderRow.total_minor).where(
            OrderRow.completed_at.is_not(None)
        )
        totals = {order_id: total for order_id, total in connection.execute(completed)}
        kept = connection.execute(
            select(OrderVatRow.order_id, OrderVatRow.rate, OrderVatRow.gross_minor).add_columns(
                OrderVatRow.vat_minor
            )
        ).all()
    assert 40 < len(totals) < 60  # one in 20 is cancelled, about
    assert sorted(kept) == sorted(
        (order_id, Decimal(20), total, vat_in_gross(total, Decimal(20)))
        for order_id, total in totals.items()
    )


@sqlite_only
def test_web_alone_says_what_it_needs_without_a_token_or_an_address(
    shopkeeps: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["web"]) == 2
    said = capsys.readouterr().err
    assert "SHOPKEEPS_TELEGRAM_TOKEN" in said and "SHOPKEEPS_BACKOFFICE_URL" in said
