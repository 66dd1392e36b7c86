"""The command line meets a file or a database it cannot use: one line says where and what
to do, the command exits non-zero, and no traceback is printed."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from bot import cli
from bot.catalogue_csv import MAX_ROW
from bot.database_check import DatabaseUnavailable
from bot.doctor import run_doctor
from bot.domain.services import catalogue
from tests.support.databases import UowFactory

HEADER = "sku,name,category,unit,step,price,stock,threshold,description\n"
GOOD = "GOOD,Good item,Pantry,pc,1,1.00,5,,\n"
VARIABLE = "SHOPKEEPS_DATABASE_URL"


@pytest.fixture(autouse=True)
def _no_settings_from_outside(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Only what a test gives counts: no SHOPKEEPS_ variable of the machine running them."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("SHOPKEEPS_") and not name.startswith(
            ("SHOPKEEPS_TEST_", "SHOPKEEPS_REQUIRE_")
        ):
            monkeypatch.delenv(name)


@pytest.fixture
def shopkeeps(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the CLI in an empty folder against the test database."""
    monkeypatch.setenv(VARIABLE, engine.url.render_as_string(hide_password=False))
    return tmp_path


# ------------------------------------------------------------------ catalogue files


def test_a_cell_of_200000_characters_is_reported_with_its_line_and_nothing_is_imported(
    shopkeeps: Path, new_uow: UowFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    (shopkeeps / "big.csv").write_text(
        HEADER
        + GOOD
        + "BAD,Bad step,Pantry,pc,x,1.00,5,,\n"
        + "BIG,Big,Pantry,pc,1,1.00,5,,"
        + "y" * 200_000
        + "\n"
        + "AFTER,After,Pantry,pc,1,1.00,5,,\n",
        encoding="utf-8",
    )
    assert cli.main(["catalogue", "import", "big.csv"]) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "Nothing was imported; fix these lines in big.csv:",
        "line 3: “x” is not a quantity; write it like 2 or 0.5",
        f"line 4: this row has more than {MAX_ROW:,} characters (a cell pasted by mistake, or "
        "a quotation mark left open); nothing after it was read",
    ]
    assert catalogue.all_products(uow=new_uow()) == []


def test_a_quotation_mark_left_open_is_reported_at_the_line_it_opens_on(
    shopkeeps: Path, new_uow: UowFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    rest = "X,Other,Pantry,pc,1,1.00,5,,A description of a usual length\n" * 400
    (shopkeeps / "open.csv").write_text(
        HEADER + GOOD + 'OPEN,"Open quote,Pantry,pc,1,1.00,5,,\n' + rest, encoding="utf-8"
    )
    assert cli.main(["catalogue", "import", "open.csv"]) == 1
    err = capsys.readouterr().err
    assert "line 3: this row has more than" in err
    assert "Traceback" not in err and len(err.splitlines()) == 2
    assert catalogue.all_products(uow=new_uow()) == []


def test_a_long_row_within_the_limit_is_read_and_judged_by_its_cells(
    shopkeeps: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    description = '"' + 'a ""quoted"" word, ' * 300 + '"'  # over several lines' worth
    (shopkeeps / "long.csv").write_text(
        HEADER + f"LONG,Long,Pantry,pc,1,1.00,5,,{description}\n", encoding="utf-8"
    )
    assert cli.main(["catalogue", "import", "long.csv"]) == 1
    assert "line 2: A description has at most 1000 characters" in capsys.readouterr().err


# ------------------------------------------------------------------ databases that cannot open


def unusable_database(kind: str, tmp_path: Path) -> tuple[str, str, str]:
    """An SQLite URL the bot cannot open, what the line says is wrong, and its fix."""
    if kind == "missing folder":
        path = tmp_path / "no-such-folder" / "shop.db"
        return (
            f"sqlite:///{path}",
            f"the folder {path.parent} does not exist",
            f"create it (mkdir -p {path.parent}), or correct {VARIABLE}",
        )
    if kind == "a folder":
        folder = tmp_path / "data"
        folder.mkdir()
        return (
            f"sqlite:///{folder}",
            f"{folder} is a folder, not a file",
            f"name a file in it, e.g. {VARIABLE}=sqlite:///{folder / 'shopkeeps.db'}",
        )
    garbage = tmp_path / "notes.db"
    garbage.write_text("these are my shopping notes, not a database\n" * 100)
    return (
        f"sqlite:///{garbage}",
        f"{garbage} is not an SQLite database (file is not a database)",
        f"correct {VARIABLE} to the bot's database file, or restore a backup (shopkeeps restore)",
    )


KINDS = ["missing folder", "a folder", "not a database"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "command",
    [
        ["db", "upgrade"],
        ["catalogue", "export"],
        ["demo-data"],
        ["staff", "create-manager", "boss"],
        ["run"],
    ],
    ids=" ".join,
)
def test_a_database_that_cannot_be_opened_is_one_line_naming_the_setting(
    kind: str,
    command: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, problem, fix = unusable_database(kind, tmp_path)
    monkeypatch.setenv(VARIABLE, url)
    monkeypatch.setenv("SHOPKEEPS_TELEGRAM_TOKEN", "123456:never-used-the-database-comes-first")
    monkeypatch.setattr("sys.stdin", io.StringIO("a long manager password\n"))
    assert cli.main(command) == 1
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err == (
        f"error: cannot open the database in {VARIABLE} ({url}): {problem} → {fix}\n"
    )


@pytest.mark.parametrize("kind", KINDS)
def test_the_doctor_says_the_same_about_a_database_that_cannot_be_opened(
    kind: str, tmp_path: Path
) -> None:
    url, problem, fix = unusable_database(kind, tmp_path)
    out = io.StringIO()
    assert run_doctor(out, env_file=None, timeout=1, database_url=url) == 1
    [line] = [line for line in out.getvalue().splitlines() if line.startswith("✗ database:")]
    assert problem in line and line.endswith(f"→ {fix}")
    assert "Traceback" not in out.getvalue()


def test_shopkeeps_run_on_a_file_that_is_no_database_prints_one_line_and_exits_1(
    tmp_path: Path,
) -> None:
    url, problem, fix = unusable_database("not a database", tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPKEEPS_")}
    env |= {VARIABLE: url, "SHOPKEEPS_TELEGRAM_TOKEN": "123456:never-used"}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (
        f"error: cannot open the database in {VARIABLE} ({url}): {problem} → {fix}\n"
    )


def test_a_database_that_fails_after_opening_is_one_line_too(tmp_path: Path) -> None:
    database = tmp_path / "shop.db"
    database.touch()
    failed = OperationalError(
        "INSERT ...", {}, sqlite3.OperationalError("attempt to write a readonly database")
    )
    said = str(DatabaseUnavailable.after(failed, f"sqlite:///{database}"))
    assert said == (
        f"the database in {VARIABLE} (sqlite:///{database}) failed: {database} is read-only "
        f"here (attempt to write a readonly database) → let this user write {database} and "
        f"its folder {tmp_path}, or correct {VARIABLE}"
    )
