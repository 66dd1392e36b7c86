"""`shopkeeps doctor` against the Bot API double and real SQLite and MariaDB databases."""

from __future__ import annotations

import io
import os
import re
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from bot import cli
from bot.doctor import run_doctor, server_settings_verdict
from bot.domain.clock import Clock, utc_now
from bot.persistence import migrate
from bot.persistence.backup import backup_name, kind_of
from bot.persistence.engine import build_engine
from bot.playground.bot_api.server import LocalBotApi
from tests.support.databases import fresh_database, migrated_engine
from tests.support.running_bot import free_port

HOOK = "https://shop.example/telegram-hook"
SECRET = "doctor-secret_1"


@pytest.fixture(autouse=True)
def _no_settings_from_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only what a test gives counts: no SHOPKEEPS_ variable of the machine running them."""
    for name in list(os.environ):
        if name.startswith("SHOPKEEPS_") and not name.startswith(
            ("SHOPKEEPS_TEST_", "SHOPKEEPS_REQUIRE_")
        ):
            monkeypatch.delenv(name)


@pytest.fixture
def double() -> Iterator[LocalBotApi]:
    with LocalBotApi() as api:
        yield api


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    migrated_engine(url).dispose()
    return url


@pytest.fixture(scope="module")
def mariadb_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One migrated MariaDB database for the module; tests that spoil it undo it."""
    with fresh_database("mariadb", tmp_path_factory.mktemp("mariadb")) as url:
        migrated_engine(url).dispose()
        yield url


@pytest.fixture
def backups(tmp_path: Path) -> Path:
    folder = tmp_path / "backups"
    folder.mkdir()
    return folder


def made_backup(folder: Path, database_url: str, at: datetime) -> Path:
    """A file named as `shopkeeps backup` names them (the doctor reads only the name)."""
    path = folder / backup_name(kind_of(database_url), at)
    path.write_bytes(b"")
    return path


class Run:
    def __init__(self, code: int, output: str) -> None:
        self.code, self.output = code, output
        self.lines = output.splitlines()

    def line(self, check: str) -> str:
        [found] = [line for line in self.lines if line[2:].startswith(f"{check}:")]
        return found


def doctor(
    double: LocalBotApi,
    database_url: str,
    backup_dir: Path | None,
    *,
    recent_backup: bool = True,
    now: Clock = utc_now,
    **settings: Any,
) -> Run:
    """Run the doctor on these settings; a backup folder gets a backup from 3 h ago unless
    `recent_backup` is false."""
    if backup_dir is not None and recent_backup:
        made_backup(backup_dir, database_url, utc_now() - timedelta(hours=3))
    out = io.StringIO()
    code = run_doctor(
        out,
        env_file=None,
        now=now,
        timeout=2,
        **{
            "database_url": database_url,
            "telegram_token": double.token,
            "telegram_api_url": double.base_url,
            "backup_dir": backup_dir,
        }
        | settings,
    )
    output = out.getvalue()
    assert double.token not in output
    assert "Traceback" not in output
    return Run(code, output)


def test_a_healthy_sqlite_installation_passes_every_check(
    double: LocalBotApi, sqlite_url: str, backups: Path
) -> None:
    run = doctor(double, sqlite_url, backups)
    assert run.code == 0, run.output
    assert [line[:2] for line in run.lines[:-1]] == ["✓ "] * 7
    assert run.line("database").startswith("✓ database: SQLite 3.")
    assert run.line("schema").startswith("✓ schema: at revision ")
    assert run.line("token") == (
        "✓ token: Telegram knows this bot as @shopkeeps_test_bot (ShopKeeps Test)"
    )
    assert run.line("webhook") == "✓ webhook: none, as long polling needs; 0 updates waiting"
    assert run.line("clock") == "✓ clock: this machine's clock is within a second of Telegram"
    assert run.line("backups").endswith(".sqlite.gz, 3 h 0 min old")
    assert run.lines[-1] == "All 7 checks passed."


@pytest.mark.mariadb
def test_a_healthy_mariadb_installation_passes_every_check(
    double: LocalBotApi, mariadb_url: str, backups: Path
) -> None:
    run = doctor(double, mariadb_url, backups)
    assert run.code == 0, run.output
    assert all(line.startswith("✓ ") for line in run.lines[:-1]), run.output
    assert run.line("database").startswith("✓ database: MariaDB ")
    assert run.line("storage engine").startswith("✓ storage engine: all ")
    assert run.line("character set").startswith("✓ character set: utf8mb4 for the database")
    assert run.line("server settings").startswith("✓ server settings: default isolation ")
    assert run.line("clock") == (
        "✓ clock: this machine's clock is within a second of Telegram and within a second "
        "of the database server"
    )
    assert run.line("backups").endswith(".mariadb.sql.gz, 3 h 0 min old")
    assert run.lines[-1] == "All 10 checks passed."


def test_a_registered_webhook_passes_with_the_updates_waiting(
    double: LocalBotApi, sqlite_url: str, backups: Path
) -> None:
    double.call("setWebhook", {"url": HOOK})
    run = doctor(double, sqlite_url, backups, webhook_url=HOOK, webhook_secret=SECRET)
    assert run.code == 0, run.output
    assert run.line("webhook") == f"✓ webhook: Telegram delivers to {HOOK}; 0 updates waiting"


def test_bad_settings_are_the_first_failed_check_and_the_others_wait_for_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SHOPKEEPS_CURRENCY", "EURO")
    (tmp_path / ".env").write_text("SHOPKEEPS_COUNTRY=XX\n")
    assert cli.main(["doctor"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "✗ settings: SHOPKEEPS_CURRENCY: 'EURO' is not an ISO 4217 currency code (like EUR or "
        "USD) → correct it in .env or the environment",
        "✗ settings: SHOPKEEPS_COUNTRY: 'XX' is not a country code (like FR, DE or GB) "
        "→ correct it in .env or the environment",
        "The other checks need the settings: fix them, then run the doctor again.",
    ]


def test_an_unreachable_database_is_named_without_its_password(
    double: LocalBotApi, backups: Path
) -> None:
    port = free_port()
    url = f"mysql+pymysql://shop:s3cret-pw@127.0.0.1:{port}/shop"
    run = doctor(double, url, backups)
    assert run.code == 1
    assert run.line("database").startswith(
        f"✗ database: cannot connect to mysql+pymysql://shop:***@127.0.0.1:{port}/shop "
        "(SHOPKEEPS_DATABASE_URL): Can't connect to MySQL server on '127.0.0.1'"
    )
    assert run.line("database").endswith(
        "→ start the database server, or correct SHOPKEEPS_DATABASE_URL"
    )
    assert "s3cret-pw" not in run.output
    assert run.line("token").startswith("✓ token:")  # the rest still ran
    assert run.lines[-1] == "1 of 6 checks failed."


@pytest.mark.mariadb
def test_a_database_that_does_not_exist_on_the_server_says_how_to_create_it(
    double: LocalBotApi, mariadb_url: str, backups: Path
) -> None:
    url = mariadb_url.rsplit("/", 1)[0] + "/shopkeeps_never_made"
    run = doctor(double, url, backups)
    assert run.code == 1
    assert run.line("database").endswith(
        "(SHOPKEEPS_DATABASE_URL): Unknown database 'shopkeeps_never_made' → create it "
        "(CREATE DATABASE `shopkeeps_never_made` CHARACTER SET utf8mb4 COLLATE "
        "utf8mb4_unicode_ci;), or correct its name in SHOPKEEPS_DATABASE_URL"
    )


def test_a_missing_sqlite_file_is_reported_and_not_created(
    double: LocalBotApi, tmp_path: Path, backups: Path
) -> None:
    missing = tmp_path / "nowhere.db"
    run = doctor(double, f"sqlite:///{missing}", backups)
    assert run.code == 1
    assert run.line("database") == (
        f"✗ database: there is no database file {missing} (SHOPKEEPS_DATABASE_URL is "
        f"sqlite:///{missing}) → run `shopkeeps db upgrade` to create it, or correct "
        "SHOPKEEPS_DATABASE_URL"
    )
    assert not missing.exists()


def test_an_old_schema_asks_for_db_upgrade(
    double: LocalBotApi, tmp_path: Path, backups: Path
) -> None:
    scripts = ScriptDirectory.from_config(migrate.alembic_config())
    head = scripts.get_current_head()
    assert head is not None
    newest = scripts.get_revision(head)
    assert newest is not None
    older = str(newest.down_revision)  # one migration behind
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = build_engine(url)
    migrate.upgrade(engine, older)
    engine.dispose()
    run = doctor(double, url, backups)
    assert run.code == 1
    assert run.line("schema") == (
        f"✗ schema: at revision {older}, but this version needs {head} → run `shopkeeps db upgrade`"
    )


@contextmanager
def extra_table(url: str, ddl: str, name: str) -> Iterator[None]:
    engine = build_engine(url)
    with engine.begin() as connection:
        connection.execute(text(ddl))
    try:
        yield
    finally:
        with engine.begin() as connection:
            connection.execute(text(f"DROP TABLE {name}"))
        engine.dispose()


@pytest.mark.mariadb
def test_a_myisam_table_is_named_with_its_fix(
    double: LocalBotApi, mariadb_url: str, backups: Path
) -> None:
    ddl = "CREATE TABLE old_notes (id INT PRIMARY KEY) ENGINE=MyISAM CHARSET utf8mb4"
    with extra_table(mariadb_url, ddl, "old_notes"):
        run = doctor(double, mariadb_url, backups)
    assert run.code == 1
    assert run.line("storage engine") == (
        "✗ storage engine: not InnoDB (no transactions, no row locks): old_notes (MyISAM) "
        "→ after a backup, run ALTER TABLE `old_notes` ENGINE=InnoDB;"
    )
    assert run.line("character set").startswith("✓ ")


@pytest.mark.mariadb
def test_a_latin1_table_and_database_default_are_named_with_their_fix(
    double: LocalBotApi, mariadb_url: str, backups: Path
) -> None:
    database = mariadb_url.rsplit("/", 1)[1]
    ddl = "CREATE TABLE legacy (id INT PRIMARY KEY, note VARCHAR(20)) ENGINE=InnoDB CHARSET latin1"
    engine = build_engine(mariadb_url)
    with engine.begin() as connection:
        connection.execute(text(f"ALTER DATABASE `{database}` CHARACTER SET latin1"))
    try:
        with extra_table(mariadb_url, ddl, "legacy"):
            run = doctor(double, mariadb_url, backups)
    finally:
        with engine.begin() as connection:
            connection.execute(
                text(
                    f"ALTER DATABASE `{database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
                )
            )
        engine.dispose()
    assert run.code == 1
    assert run.line("character set") == (
        "✗ character set: the database's default is latin1; tables not in utf8mb4: legacy "
        "(latin1) (emoji and many alphabets cannot be stored) → after a backup, run "
        f"ALTER DATABASE `{database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci; "
        "ALTER TABLE `legacy` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
    )
    assert run.line("storage engine").startswith("✓ ")


def test_server_settings_the_bot_does_not_expect_are_named_with_their_fix() -> None:
    """The real server's settings are shared with everyone's tests, so the rules are tried on
    the values SHOW GLOBAL VARIABLES would give (the MariaDB runs check the real ones)."""
    fine = {
        "tx_isolation": "REPEATABLE-READ",
        "wait_timeout": "28800",
        "sql_mode": "STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION",
    }
    assert server_settings_verdict(fine).line().startswith("✓ ")
    assert (
        server_settings_verdict(fine | {"transaction_isolation": "READ-COMMITTED"})
        .line()
        .startswith("✓ ")
    )
    off = server_settings_verdict(
        {"transaction_isolation": "SERIALIZABLE", "wait_timeout": "60", "sql_mode": ""}
    )
    assert off.line() == (
        "✗ server settings: transaction isolation is SERIALIZABLE; wait_timeout is 60 s, not "
        "above the bot's 280 s recycle; sql_mode is not strict (values that do not fit are "
        "cut silently) → under [mysqld] in the server's configuration set "
        "transaction_isolation = READ-COMMITTED, wait_timeout = 28800, "
        "sql_mode = STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO, then restart it"
    )


def test_no_token_says_where_to_get_one(
    double: LocalBotApi, sqlite_url: str, backups: Path
) -> None:
    run = doctor(double, sqlite_url, backups, telegram_token=None)
    assert run.code == 1
    assert run.line("token") == (
        "✗ token: SHOPKEEPS_TELEGRAM_TOKEN is not set "
        "→ set SHOPKEEPS_TELEGRAM_TOKEN (from @BotFather)"
    )
    assert not any(line.startswith(("✓ webhook", "✗ webhook")) for line in run.lines)
    assert double.calls == []


def test_a_refused_token_is_reported_without_printing_it(
    double: LocalBotApi, sqlite_url: str, backups: Path
) -> None:
    wrong = "123456789:AAwrong-token-for-the-doctor"
    run = doctor(double, sqlite_url, backups, telegram_token=wrong)
    assert run.code == 1
    assert run.line("token") == (
        "✗ token: Telegram refused the token in SHOPKEEPS_TELEGRAM_TOKEN (Unauthorized) "
        "→ copy it again from @BotFather (/mybots, your bot, API Token)"
    )
    assert wrong not in run.output
    assert run.line("clock").startswith("✓ ")  # a refusal still carries Telegram's Date


def test_unreachable_telegram_is_a_failed_check_with_the_reason(
    sqlite_url: str, backups: Path
) -> None:
    with LocalBotApi() as gone:
        base_url = gone.base_url
    run = doctor(gone, sqlite_url, backups, telegram_api_url=base_url)
    assert run.code == 1
    assert run.line("token").startswith(
        f"✗ token: cannot reach {base_url.split('/')[2]}: [Errno 111] Connection refused → "
    )
    assert run.line("clock").startswith("! clock: nothing to compare")


@pytest.mark.parametrize("registered", ["https://old.example/hook", None])
def test_a_webhook_url_other_than_the_setting_says_to_start_the_bot(
    double: LocalBotApi, sqlite_url: str, backups: Path, registered: str | None
) -> None:
    if registered is not None:
        double.call("setWebhook", {"url": registered})
    run = doctor(double, sqlite_url, backups, webhook_url=HOOK, webhook_secret=SECRET)
    assert run.code == 1
    found = f"Telegram delivers to {registered}" if registered else "Telegram has no webhook"
    assert run.line("webhook") == (
        f"✗ webhook: {found}, not {HOOK} (SHOPKEEPS_WEBHOOK_URL); 0 updates waiting "
        "→ the bot has not registered its webhook yet: start it"
    )


def test_a_webhook_delivery_error_within_the_hour_fails_and_an_older_one_does_not(
    double: LocalBotApi, sqlite_url: str, backups: Path
) -> None:
    hook = f"http://127.0.0.1:{free_port()}/telegram-hook"  # nothing listens there
    double.call("setWebhook", {"url": hook})
    double.send_text(double.person("Ann"), "hello")
    deadline = time.monotonic() + 5
    while double.webhook_error is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert double.webhook_error is not None
    run = doctor(double, sqlite_url, backups, webhook_url=hook, webhook_secret=SECRET)
    assert run.code == 1
    assert re.fullmatch(
        re.escape(f"✗ webhook: Telegram could not deliver to {hook} ")
        + r"\d s"
        + re.escape(
            " ago: Connection refused; 1 update waiting → check that the bot is running and "
            "that this URL reaches it from the internet (reverse proxy, TLS certificate, "
            "firewall)"
        ),
        run.line("webhook"),
    ), run.line("webhook")

    later = doctor(
        double,
        sqlite_url,
        None,
        webhook_url=hook,
        webhook_secret=SECRET,
        now=lambda: utc_now() + timedelta(hours=2),
    )
    assert later.line("webhook").startswith(
        f"✓ webhook: Telegram delivers to {hook}; 1 update waiting; last error 2 h 0 min ago: "
        "Connection refused"
    )


def test_a_webhook_while_polling_would_make_polling_fail(
    double: LocalBotApi, sqlite_url: str, backups: Path
) -> None:
    double.call("setWebhook", {"url": HOOK})
    run = doctor(double, sqlite_url, backups)
    assert run.code == 1
    assert run.line("webhook") == (
        f"✗ webhook: Telegram has a webhook ({HOOK}) but this bot uses long polling, so its "
        "getUpdates would get 409 Conflict → stop any other copy of the bot that uses a webhook "
        f"with this token, or set SHOPKEEPS_WEBHOOK_URL={HOOK} here; `shopkeeps run` in "
        "polling mode removes the webhook when it starts"
    )


@pytest.mark.parametrize("database", ["sqlite", pytest.param("mariadb", marks=pytest.mark.mariadb)])
def test_a_clock_off_by_minutes_says_to_enable_ntp(
    double: LocalBotApi,
    database: str,
    request: pytest.FixtureRequest,
    backups: Path,
) -> None:
    url = request.getfixturevalue(f"{database}_url")
    run = doctor(double, url, backups, now=lambda: utc_now() + timedelta(minutes=5))
    assert run.code == 1
    # Each answer takes its own time to come back: a busy machine may see a second off.
    about_five = r"(5 min [01] s|4 min 59 s)"  # the Date header counts whole seconds
    also = f" and {about_five} ahead of the database server" if database == "mariadb" else ""
    assert re.fullmatch(
        f"✗ clock: this machine's clock is {about_five} ahead of Telegram{also} "
        r"→ enable NTP \(timedatectl set-ntp true\)",
        run.line("clock"),
    ), run.line("clock")


def test_no_backup_folder_is_a_warning_that_daily_backups_are_off(
    double: LocalBotApi, sqlite_url: str
) -> None:
    run = doctor(double, sqlite_url, None)
    assert run.code == 0
    assert run.line("backups") == (
        "! backups: SHOPKEEPS_BACKUP_DIR is not set, so daily backups are off "
        "→ set SHOPKEEPS_BACKUP_DIR to a folder, best on another disk"
    )
    assert run.lines[-1] == "All 7 checks passed (1 warning)."


def test_a_missing_backup_folder_says_to_create_it(
    double: LocalBotApi, sqlite_url: str, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-folder"
    run = doctor(double, sqlite_url, missing, recent_backup=False)
    assert run.code == 1
    assert run.line("backups") == (
        f"✗ backups: {missing} (SHOPKEEPS_BACKUP_DIR) does not exist "
        f"→ create it (mkdir -p {missing}) for the user that runs the bot"
    )


@contextmanager
def unwritable(folder: Path) -> Iterator[None]:
    """Read-only for everyone; root ignores modes, so for root the folder is made immutable."""
    root = os.geteuid() == 0
    folder.chmod(0o555)
    try:
        if root:
            done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
            if done.returncode != 0:
                pytest.skip(f"cannot make a folder read-only for root here: {done.stderr!r}")
        with pytest.raises(PermissionError):
            (folder / "probe").touch()
        yield
    finally:
        if root:
            subprocess.run(["chattr", "-i", str(folder)], check=False)
        folder.chmod(0o755)


def test_a_backup_folder_the_bot_cannot_write_in_says_whose_it_must_be(
    double: LocalBotApi, sqlite_url: str, backups: Path
) -> None:
    made_backup(backups, sqlite_url, utc_now() - timedelta(hours=1))
    with unwritable(backups):
        run = doctor(double, sqlite_url, backups, recent_backup=False)
    assert run.code == 1
    line = run.line("backups")
    assert line.startswith(f"✗ backups: cannot write in {backups} (SHOPKEEPS_BACKUP_DIR): ")
    assert (
        line.endswith(f"{backups}), and run the doctor as that user")
        and "→ let the user that runs the bot write there (chown " in line
    )


def test_a_last_backup_older_than_36_hours_fails(
    double: LocalBotApi, sqlite_url: str, backups: Path
) -> None:
    now = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
    made_backup(backups, sqlite_url, now - timedelta(hours=40))
    made_backup(backups, sqlite_url, now - timedelta(hours=37))
    made_backup(backups, "mysql+pymysql://x@h/d", now - timedelta(hours=1))  # another kind
    offset = now - utc_now()
    run = doctor(double, sqlite_url, backups, recent_backup=False, now=lambda: utc_now() + offset)
    assert run.code == 1
    assert run.line("backups") == (
        f"✗ backups: the newest backup in {backups}, shopkeeps-20261203T230000Z.sqlite.gz, "
        "is 1 d 13 h old (the bot makes one daily at 02:30) → check that the bot is running "
        "and its log for backup errors; run `shopkeeps backup` now"
    )


def test_an_empty_backup_folder_fails(double: LocalBotApi, sqlite_url: str, backups: Path) -> None:
    run = doctor(double, sqlite_url, backups, recent_backup=False)
    assert run.code == 1
    assert run.line("backups") == (
        f"✗ backups: no backup of this database in {backups} yet (the bot makes one daily at "
        "02:30) → run `shopkeeps backup` now, and keep the bot running"
    )
