"""`shopkeeps backup` and `shopkeeps restore`, as an operator runs them, on both databases."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, select

from bot import cli
from bot.persistence import migrate
from bot.persistence.engine import build_engine
from bot.persistence.models import ProductRow
from tests.support.databases import UowFactory, fresh_database
from tests.support.factories import stocked

ONE_LINE = re.compile(
    r"^Backed up the (SQLite|MariaDB) database .+ to (?P<path>\S+/shopkeeps-\d{8}T\d{6}Z"
    r"\.(sqlite|mariadb\.sql)\.gz) \(\d+(\.\d)? (bytes|KB|MB)\)\.\n$"
)


@pytest.fixture
def shopkeeps(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the CLI in an empty folder against the test database, no backup folder set."""
    monkeypatch.chdir(tmp_path)
    for name in ("SHOPKEEPS_TELEGRAM_TOKEN", "SHOPKEEPS_BACKUP_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SHOPKEEPS_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    return tmp_path


def backed_up(capsys: pytest.CaptureFixture[str], *args: str) -> Path:
    assert cli.main(["backup", *args]) == 0
    said = capsys.readouterr().out
    match = ONE_LINE.match(said)
    assert match, said
    return Path(match["path"])


def test_a_backup_restores_into_a_new_database_and_says_its_schema_is_current(
    shopkeeps: Path,
    backend: str,
    new_uow: UowFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stocked(new_uow(), 7, sku="TEA", name="Green tea")
    file = backed_up(capsys, "--to", str(shopkeeps / "backups"))
    assert file.parent == shopkeeps / "backups"
    assert sorted(p.name for p in file.parent.iterdir()) == [file.name]  # no temporary left
    with fresh_database(backend, shopkeeps) as url:
        monkeypatch.setenv("SHOPKEEPS_DATABASE_URL", url)
        assert cli.main(["restore", str(file)]) == 0
        said = capsys.readouterr().out
        assert said.startswith(f"Restored {file} into the ")
        head = ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()
        assert said.endswith(f": schema revision {head}, the one this code expects.\n")
        copy = build_engine(url)
        with copy.connect() as connection:
            assert connection.execute(select(ProductRow.sku, ProductRow.stock)).one() == (
                "TEA",
                7,
            )
        copy.dispose()
        assert cli.main(["restore", str(file)]) == 1  # now it holds rows
        assert "is not empty" in capsys.readouterr().err


def test_the_backup_folder_comes_from_the_settings_or_the_error_names_both(
    shopkeeps: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["backup"]) == 2
    assert capsys.readouterr().err == (
        "error: no backup folder: pass --to DIR or set SHOPKEEPS_BACKUP_DIR\n"
    )
    monkeypatch.setenv("SHOPKEEPS_BACKUP_DIR", str(shopkeeps / "nightly"))
    assert backed_up(capsys).parent == shopkeeps / "nightly"


def test_restoring_an_older_schema_says_to_run_db_upgrade(
    shopkeeps: Path,
    backend: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with fresh_database(backend, shopkeeps) as old, fresh_database(backend, shopkeeps) as new:
        engine = build_engine(old)
        migrate.upgrade(engine, "0013")
        engine.dispose()
        monkeypatch.setenv("SHOPKEEPS_DATABASE_URL", old)
        file = backed_up(capsys, "--to", str(shopkeeps))
        monkeypatch.setenv("SHOPKEEPS_DATABASE_URL", new)
        assert cli.main(["restore", str(file)]) == 0
        said = capsys.readouterr().out
        assert ": schema revision 0013, older than this code's " in said
        assert "run `shopkeeps db upgrade` before starting the bot." in said


def test_a_failed_backup_exits_non_zero_with_the_reason(
    shopkeeps: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    in_the_way = shopkeeps / "backups"
    in_the_way.write_text("a file, not a folder")
    assert cli.main(["backup", "--to", str(in_the_way)]) == 1
    assert capsys.readouterr().err.startswith(
        f"error: no backup was written: cannot write the backup in {in_the_way}: "
    )


def test_a_restore_refuses_a_file_that_is_no_backup(
    shopkeeps: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (shopkeeps / "notes.gz").write_text("hello")
    assert cli.main(["restore", "notes.gz"]) == 1
    assert "notes.gz is not a ShopKeeps backup" in capsys.readouterr().err


def test_a_missing_dump_tool_is_named_with_the_package_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SHOPKEEPS_DATABASE_URL", "mysql+pymysql://shop:secret@127.0.0.1/shop")
    monkeypatch.setenv("PATH", str(tmp_path))  # no mariadb-dump, no mysqldump
    assert cli.main(["backup", "--to", str(tmp_path / "b")]) == 1
    err = capsys.readouterr().err
    assert "mariadb-dump is not installed: install the mariadb-client package" in err
    assert "secret" not in err
