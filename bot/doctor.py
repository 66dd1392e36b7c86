"""`shopkeeps doctor`: what is wrong with this installation, and what to do about it.

One line per check, "✓" when it passes, "✗" when it fails and "!" for a warning, each failure
and warning followed by its fix after "→". The checks are the operational adapters' own
(settings, the database, Telegram, this machine's clock, the backup folder), so they live
here rather than in the domain. Nothing here prints a secret: the token travels only in
request URLs and is scrubbed from every reason shown; the database URL is shown without its
password.
"""

from __future__ import annotations

import functools
import getpass
import logging
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

import httpx
from pydantic import SecretStr
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from bot.config import ENV_PREFIX, ConfigError, Settings, load_settings
from bot.database_check import UTF8MB4, UTF8MB4_COLLATION, database_reason, unopenable
from bot.domain.clock import Clock, utc_now
from bot.log_redaction import redact_secrets
from bot.persistence import migrate
from bot.persistence.backup import backups_in, kind_of
from bot.persistence.engine import POOL_RECYCLE_SECONDS, build_engine, is_sqlite

TIMEOUT_SECONDS = 5.0  # per connection attempt and per Bot API call
CLOCK_TOLERANCE = timedelta(seconds=30)
RECENT_WEBHOOK_ERROR = timedelta(hours=1)
BACKUP_MAX_AGE = timedelta(hours=36)  # a daily backup, with room for a slow or late one
NTP = "enable NTP (timedatectl set-ntp true)"
UPGRADE = "run `shopkeeps db upgrade`"
ISOLATION_LEVELS_OK = ("READ-COMMITTED", "REPEATABLE-READ")


class Mark(StrEnum):
    OK = "✓"
    WARN = "!"
    FAIL = "✗"


@dataclass(frozen=True)
class Finding:
    mark: Mark
    check: str
    said: str
    fix: str = ""

    def line(self) -> str:
        text = f"{self.mark} {self.check}: {self.said}"
        return f"{text} → {self.fix}" if self.fix else text


def ok(check: str, said: str) -> Finding:
    return Finding(Mark.OK, check, said)


def failed(check: str, said: str, fix: str) -> Finding:
    return Finding(Mark.FAIL, check, said, fix)


def run_doctor(
    out: TextIO,
    *,
    env_file: str | Path | None = ".env",
    now: Clock = utc_now,
    timeout: float = TIMEOUT_SECONDS,
    **overrides: Any,
) -> int:
    """Run every check, printing each line as it is known; 0 if none failed, else 1.

    `overrides` are settings as keyword arguments (as load_settings takes them); `now` is
    this machine's clock."""
    findings: list[Finding] = []

    def report(finding: Finding) -> None:
        findings.append(finding)
        print(finding.line(), file=out, flush=True)

    try:
        settings = load_settings(env_file, **overrides)
    except ConfigError as error:
        for problem in str(error).splitlines():
            report(failed("settings", problem, "correct it in .env or the environment"))
        print("The other checks need the settings: fix them, then run the doctor again.", file=out)
        return 1
    report(ok("settings", _settings_source(env_file)))
    scrubber = redact_secrets([s.get_secret_value() for s in _secrets(settings)])
    quiet = logging.getLogger("alembic")  # "Context impl ..." lines would interleave
    level = quiet.level
    quiet.setLevel(logging.WARNING)
    try:
        for finding in Doctor(settings, now=now, timeout=timeout).findings():
            report(finding)
    finally:
        quiet.setLevel(level)
        for handler in logging.getLogger().handlers:
            handler.removeFilter(scrubber)
    failures = sum(f.mark is Mark.FAIL for f in findings)
    warnings = sum(f.mark is Mark.WARN for f in findings)
    if failures:
        print(f"{failures} of {len(findings)} checks failed.", file=out)
        return 1
    more = f" ({warnings} warning{'s' if warnings > 1 else ''})" if warnings else ""
    print(f"All {len(findings)} checks passed{more}.", file=out)
    return 0


def _settings_source(env_file: str | Path | None) -> str:
    if env_file is None:
        return "loaded from the environment"
    path = Path(env_file).resolve()
    if path.exists():
        return f"loaded from {path} and the environment"
    return f"loaded from the environment (there is no {path})"


def _secrets(settings: Settings) -> list[SecretStr]:
    candidates = (
        settings.telegram_token,
        settings.webhook_secret,
        settings.payment_provider_token,
    )
    return [s for s in candidates if s is not None]


@dataclass
class Doctor:
    settings: Settings
    now: Clock = utc_now
    timeout: float = TIMEOUT_SECONDS
    # This machine's clock minus the other's, when it could be read.
    telegram_offset: timedelta | None = None
    database_offset: timedelta | None = None

    def findings(self) -> Iterator[Finding]:
        yield from self.database()
        yield from self.telegram()
        yield self.clock()
        yield self.backups()

    # --- the database ---------------------------------------------------------------------

    def database(self) -> Iterator[Finding]:
        url = make_url(self.settings.database_url)
        rendered = url.render_as_string(hide_password=True)
        shown = f"{rendered} ({ENV_PREFIX}DATABASE_URL)"
        if is_sqlite(url) and url.database not in (None, "", ":memory:"):
            path = Path(str(url.database)).resolve()
            if not path.parent.is_dir():
                yield failed(
                    "database",
                    f"the folder {path.parent} does not exist ({ENV_PREFIX}DATABASE_URL is "
                    f"{rendered})",
                    f"create it (mkdir -p {path.parent}), or correct {ENV_PREFIX}DATABASE_URL",
                )
                return
            if not path.exists():
                yield failed(
                    "database",
                    f"there is no database file {path} ({ENV_PREFIX}DATABASE_URL is {rendered})",
                    f"{UPGRADE} to create it, or correct {ENV_PREFIX}DATABASE_URL",
                )
                return
        engine = self._engine(url)
        try:
            try:
                with engine.connect() as connection:
                    version = _server_version(connection)
                    if not is_sqlite(url):
                        self.database_offset = self._database_offset(connection)
            except SQLAlchemyError as error:
                why = unopenable(error, url)
                yield failed("database", f"cannot connect to {shown}: {why.problem}", why.fix)
                return
            yield ok("database", f"{version} answers at {shown}")
            checks: list[tuple[str, Callable[[], Finding]]] = [
                ("schema", functools.partial(schema_finding, engine))
            ]
            if not is_sqlite(url):
                checks += [
                    (check, functools.partial(_read, engine, inspect))
                    for check, inspect in (
                        ("storage engine", storage_engine_finding),
                        ("character set", character_set_finding),
                        ("server settings", server_settings_finding),
                    )
                ]
            for check, finding in checks:
                yield self._guarded(check, finding)
        finally:
            engine.dispose()

    def _engine(self, url: URL) -> Engine:
        if is_sqlite(url):
            return build_engine(url, poolclass=NullPool)
        seconds = max(1, round(self.timeout))
        return build_engine(
            url,
            poolclass=NullPool,
            connect_args={
                "connect_timeout": seconds,
                "read_timeout": seconds,
                "write_timeout": seconds,
            },
        )

    def _database_offset(self, connection: Connection) -> timedelta:
        before = self.now()
        server: datetime = connection.execute(text("SELECT UTC_TIMESTAMP(6)")).scalar_one()
        after = self.now()
        return before + (after - before) / 2 - server.replace(tzinfo=UTC)

    @staticmethod
    def _guarded(check: str, finding: Callable[[], Finding]) -> Finding:
        try:
            return finding()
        except SQLAlchemyError as error:
            return failed(
                check,
                f"could not be read: {database_reason(error)}",
                "run the doctor again; if it persists, check the database server's log",
            )

    # --- Telegram -------------------------------------------------------------------------

    def telegram(self) -> Iterator[Finding]:
        token = self.settings.telegram_token
        if token is None:
            yield failed(
                "token",
                f"{ENV_PREFIX}TELEGRAM_TOKEN is not set",
                f"set {ENV_PREFIX}TELEGRAM_TOKEN (from @BotFather)",
            )
            return
        api = BotApi(
            self.settings.telegram_api_url, token.get_secret_value(), self.timeout, self.now
        )
        with api:
            me = api.call("getMe")
            if me.date is not None and me.received is not None:
                self.telegram_offset = me.received - me.date
            yield token_finding(me, self.settings.telegram_api_url)
            if not me.ok:
                return
            info = api.call("getWebhookInfo")
            yield webhook_finding(info, self.settings, self.now())

    # --- the clock ------------------------------------------------------------------------

    def clock(self) -> Finding:
        """Pickup slots, session and payment timeouts and the age of a webhook error are
        read from this machine's clock; bot processes sharing a database share leases and
        the send budget by the times they write, so every machine must agree."""
        compared: list[str] = []
        off: list[str] = []
        for other, offset in (
            ("Telegram", self.telegram_offset),
            ("the database server", self.database_offset),
        ):
            if offset is None:
                continue
            said = f"{_signed_span(offset)} {other}"
            compared.append(said)
            if abs(offset) > CLOCK_TOLERANCE:
                off.append(other)
        if not compared:
            return Finding(
                Mark.WARN,
                "clock",
                "nothing to compare this machine's clock with (no answer from Telegram, "
                "and SQLite has no server clock)",
                "check that NTP is on: timedatectl (System clock synchronized: yes)",
            )
        said = "this machine's clock is " + " and ".join(compared)
        if not off:
            return ok("clock", said)
        if off == ["the database server"] and self.telegram_offset is not None:
            return failed("clock", said, f"on the database server, {NTP}")
        return failed("clock", said, NTP)

    # --- backups --------------------------------------------------------------------------

    def backups(self) -> Finding:
        folder = self.settings.backup_dir
        variable = f"{ENV_PREFIX}BACKUP_DIR"
        if folder is None:
            return Finding(
                Mark.WARN,
                "backups",
                f"{variable} is not set, so daily backups are off",
                f"set {variable} to a folder, best on another disk",
            )
        folder = folder.resolve()
        if not folder.exists():
            return failed(
                "backups",
                f"{folder} ({variable}) does not exist",
                f"create it (mkdir -p {folder}) for the user that runs the bot",
            )
        if not folder.is_dir():
            return failed(
                "backups", f"{folder} ({variable}) is not a folder", f"point {variable} at one"
            )
        try:
            with tempfile.TemporaryFile(dir=folder):
                pass
        except OSError as error:
            return failed(
                "backups",
                f"cannot write in {folder} ({variable}): {error.strerror or error}",
                f"let the user that runs the bot write there (chown {getpass.getuser()} "
                f"{folder}), and run the doctor as that user",
            )
        made = backups_in(folder, kind_of(self.settings.database_url))
        timing = f"the bot makes one daily at {self.settings.backup_time:%H:%M}"
        if not made:
            return failed(
                "backups",
                f"no backup of this database in {folder} yet ({timing})",
                "run `shopkeeps backup` now, and keep the bot running",
            )
        taken, newest = made[-1]
        name = newest.name
        age = self.now() - taken
        if age >= BACKUP_MAX_AGE:
            return failed(
                "backups",
                f"the newest backup in {folder}, {name}, is {_span(age)} old ({timing})",
                "check that the bot is running and its log for backup errors; "
                "run `shopkeeps backup` now",
            )
        return ok("backups", f"the newest in {folder} is {name}, {_span(age)} old")


# --- database checks -----------------------------------------------------------------------


def schema_finding(engine: Engine) -> Finding:
    """The schema is Alembic's: the database's revision against the newest this code has."""
    script = migrate.scripts()
    head = script.get_current_head()
    current = migrate.current_revision(engine)
    if current == head:
        return ok("schema", f"at revision {head}, the newest")
    if current is None:
        return failed("schema", "the database has no ShopKeeps tables yet", UPGRADE)
    if not any(r.revision == current for r in script.walk_revisions()):
        return failed(
            "schema",
            f"at revision {current}, which this version of ShopKeeps does not know "
            "(a newer version upgraded it)",
            f"run the newer version, or its `shopkeeps db downgrade` to this one's revision {head}",
        )
    return failed("schema", f"at revision {current}, but this version needs {head}", UPGRADE)


def _read(engine: Engine, inspect: Callable[[Connection], Finding]) -> Finding:
    with engine.connect() as connection:
        return inspect(connection)


def storage_engine_finding(connection: Connection) -> Finding:
    """Every table InnoDB: transactions, row locks and foreign keys are what keep stock and
    orders right under concurrency; MyISAM has none of them, and a table restored from an
    old dump or created by hand may be MyISAM."""
    tables = connection.execute(
        text(
            "SELECT TABLE_NAME, ENGINE FROM information_schema.TABLES "
            "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME"
        )
    ).all()
    other = [(name, engine) for name, engine in tables if str(engine).lower() != "innodb"]
    if not other:
        return ok("storage engine", f"all {len(tables)} tables are InnoDB")
    return failed(
        "storage engine",
        "not InnoDB (no transactions, no row locks): "
        + ", ".join(f"{name} ({engine})" for name, engine in other),
        "after a backup, run " + " ".join(f"ALTER TABLE `{n}` ENGINE=InnoDB;" for n, _ in other),
    )


def character_set_finding(connection: Connection) -> Finding:
    """utf8mb4 for the database's default and every table and text column: any other
    character set cannot store emoji, and most cannot store non-Latin names, which the bot
    takes from customers, staff and the catalogue."""
    database, default = connection.execute(
        text(
            "SELECT SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA "
            "WHERE SCHEMA_NAME = DATABASE()"
        )
    ).one()
    tables = connection.execute(
        text(
            "SELECT TABLE_NAME, TABLE_COLLATION FROM information_schema.TABLES "
            "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'"
        )
    ).all()
    columns = connection.execute(
        text(
            "SELECT TABLE_NAME, CHARACTER_SET_NAME FROM information_schema.COLUMNS "
            "WHERE TABLE_SCHEMA = DATABASE() AND CHARACTER_SET_NAME IS NOT NULL"
        )
    ).all()
    wrong: dict[str, set[str]] = {}
    for name, collation in tables:
        charset = str(collation).split("_", 1)[0]  # utf8mb4_unicode_ci: utf8mb4
        if charset != UTF8MB4:
            wrong.setdefault(name, set()).add(charset)
    for name, charset in columns:
        if charset != UTF8MB4:
            wrong.setdefault(name, set()).add(str(charset))
    problems: list[str] = []
    fixes: list[str] = []
    if default != UTF8MB4:
        problems.append(f"the database's default is {default}")
        fixes.append(
            f"ALTER DATABASE `{database}` CHARACTER SET {UTF8MB4} COLLATE {UTF8MB4_COLLATION};"
        )
    if wrong:
        problems.append(
            "tables not in utf8mb4: "
            + ", ".join(f"{name} ({'/'.join(sorted(wrong[name]))})" for name in sorted(wrong))
        )
        fixes.extend(
            f"ALTER TABLE `{name}` CONVERT TO CHARACTER SET {UTF8MB4} COLLATE {UTF8MB4_COLLATION};"
            for name in sorted(wrong)
        )
    if not problems:
        return ok("character set", f"utf8mb4 for the database and all {len(tables)} tables")
    return failed(
        "character set",
        "; ".join(problems) + " (emoji and many alphabets cannot be stored)",
        "after a backup, run " + " ".join(fixes),
    )


def server_settings_finding(connection: Connection) -> Finding:
    rows = connection.execute(
        text(
            "SHOW GLOBAL VARIABLES WHERE Variable_name IN "
            "('tx_isolation', 'transaction_isolation', 'wait_timeout', 'sql_mode')"
        )
    ).all()
    return server_settings_verdict({str(name): str(value) for name, value in rows})


def server_settings_verdict(variables: Mapping[str, str]) -> Finding:
    """The server settings the bot relies on, as new connections get them:

    - transaction isolation READ-COMMITTED or REPEATABLE-READ. The bot asks for READ
      COMMITTED on each of its connections; its stock and order rules (conditional UPDATEs,
      locking reads, deadlock retries) are written for those two levels. READ-UNCOMMITTED
      lets a tool see stock and orders another transaction may still roll back, SERIALIZABLE
      turns every plain read into a locking one; either says the server was tuned for
      something else, and is what any tool that does not set its own level sees (a proxy
      that drops the bot's SET as well).
    - wait_timeout above the engine's pool_recycle (POOL_RECYCLE_SECONDS): otherwise the
      server closes idle connections the pool still counts as good, and an idle bot meets
      "MySQL server has gone away" (the pre-ping catches most, at a cost per checkout).
    - sql_mode strict (STRICT_TRANS_TABLES or STRICT_ALL_TABLES): without it, a value that
      does not fit its column (a quantity, a price, a name) is silently cut to fit instead
      of refused, and stock would no longer equal the sum of its ledger.
    """
    problems: list[str] = []
    fixes: list[str] = []
    isolation = variables.get("transaction_isolation") or variables.get("tx_isolation") or ""
    if isolation.upper() not in ISOLATION_LEVELS_OK:
        problems.append(f"transaction isolation is {isolation or 'unknown'}")
        fixes.append("transaction_isolation = READ-COMMITTED")
    wait = int(variables.get("wait_timeout", "0") or 0)
    if wait <= POOL_RECYCLE_SECONDS:
        problems.append(
            f"wait_timeout is {wait} s, not above the bot's {POOL_RECYCLE_SECONDS} s recycle"
        )
        fixes.append("wait_timeout = 28800")
    modes = set(variables.get("sql_mode", "").upper().split(","))
    if not modes & {"STRICT_TRANS_TABLES", "STRICT_ALL_TABLES"}:
        problems.append("sql_mode is not strict (values that do not fit are cut silently)")
        fixes.append("sql_mode = STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO")
    if problems:
        return failed(
            "server settings",
            "; ".join(problems),
            "under [mysqld] in the server's configuration set "
            + ", ".join(fixes)
            + ", then restart it",
        )
    return ok(
        "server settings",
        f"default isolation {isolation}, wait_timeout {wait} s, strict sql_mode",
    )


def _server_version(connection: Connection) -> str:
    if connection.dialect.name == "sqlite":
        version = connection.execute(text("SELECT sqlite_version()")).scalar_one()
        return f"SQLite {version}"
    version = str(connection.execute(text("SELECT VERSION()")).scalar_one())
    name = "MariaDB" if "mariadb" in version.lower() else "MySQL"
    return f"{name} {version.split('-')[0]}"


# --- Telegram checks -----------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What one Bot API call got: ok, its result or error, the server's Date, or why the
    call did not get through (`unreachable`)."""

    status: int = 0
    body: Mapping[str, Any] | None = None
    date: datetime | None = None
    received: datetime | None = None
    unreachable: str = ""

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.body is not None and self.body.get("ok") is True

    @property
    def result(self) -> Mapping[str, Any]:
        result = (self.body or {}).get("result")
        return result if isinstance(result, Mapping) else {}

    @property
    def description(self) -> str:
        return str((self.body or {}).get("description") or f"HTTP {self.status}")


class BotApi:
    """A plain HTTP client for the few Bot API calls the doctor makes."""

    def __init__(self, base_url: str, token: str, timeout: float, now: Clock = utc_now) -> None:
        self.base_url, self.token, self.now = base_url, token, now
        self.client = httpx.Client(timeout=timeout)

    def __enter__(self) -> BotApi:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.client.close()

    def call(self, method: str) -> Answer:
        try:
            response = self.client.get(f"{self.base_url}{self.token}/{method}")
        except httpx.TimeoutException:
            return Answer(unreachable=f"no answer within {self.client.timeout.connect:g} s")
        except httpx.HTTPError as error:
            reason = str(error) or type(error).__name__
            return Answer(unreachable=reason.replace(self.token, "[token]"))
        received = self.now()
        try:
            body = response.json()
        except ValueError:
            body = None
        return Answer(
            status=response.status_code,
            body=body if isinstance(body, Mapping) else None,
            date=_http_date(response.headers.get("Date")),
            received=received,
        )


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None


def token_finding(me: Answer, api_url: str) -> Finding:
    variable = f"{ENV_PREFIX}TELEGRAM_TOKEN"
    host = urlsplit(api_url).netloc
    if me.unreachable:
        return failed(
            "token",
            f"cannot reach {host}: {me.unreachable}",
            "check this server's internet connection, DNS and firewall "
            f"(and {ENV_PREFIX}TELEGRAM_API_URL)",
        )
    if me.ok:
        return ok(
            "token",
            f"Telegram knows this bot as @{me.result.get('username')} "
            f"({me.result.get('first_name')})",
        )
    if me.status in (401, 404):
        return failed(
            "token",
            f"Telegram refused the token in {variable} ({me.description})",
            "copy it again from @BotFather (/mybots, your bot, API Token)",
        )
    return failed(
        "token",
        f"getMe failed at {host}: {me.description}",
        "try again in a minute; Telegram may be having trouble",
    )


def webhook_finding(info: Answer, settings: Settings, now: datetime) -> Finding:
    if not info.ok:
        reason = info.unreachable or info.description
        return failed("webhook", f"getWebhookInfo failed: {reason}", "run the doctor again")
    url = str(info.result.get("url") or "")
    pending = int(info.result.get("pending_update_count") or 0)
    waiting = f"{pending} update{'' if pending == 1 else 's'} waiting"
    error = _webhook_error(info.result)
    if settings.webhook_url is None:
        if url:
            return failed(
                "webhook",
                f"Telegram has a webhook ({url}) but this bot uses long polling, "
                "so its getUpdates would get 409 Conflict",
                f"stop any other copy of the bot that uses a webhook with this token, or set "
                f"{ENV_PREFIX}WEBHOOK_URL={url} here; `shopkeeps run` in polling mode "
                "removes the webhook when it starts",
            )
        return ok("webhook", f"none, as long polling needs; {waiting}")
    if url != settings.webhook_url:
        found = f"Telegram delivers to {url}" if url else "Telegram has no webhook"
        return failed(
            "webhook",
            f"{found}, not {settings.webhook_url} ({ENV_PREFIX}WEBHOOK_URL); {waiting}",
            "the bot has not registered its webhook yet: start it",
        )
    if error is not None and now - error[0] <= RECENT_WEBHOOK_ERROR:
        return failed(
            "webhook",
            f"Telegram could not deliver to {url} {_span(now - error[0])} ago: {error[1]}; "
            f"{waiting}",
            "check that the bot is running and that this URL reaches it from the internet "
            "(reverse proxy, TLS certificate, firewall)",
        )
    earlier = f"; last error {_span(now - error[0])} ago: {error[1]}" if error else ""
    return ok("webhook", f"Telegram delivers to {url}; {waiting}{earlier}")


def _webhook_error(info: Mapping[str, Any]) -> tuple[datetime, str] | None:
    when = info.get("last_error_date")
    if not isinstance(when, int):
        return None
    return datetime.fromtimestamp(when, UTC), str(info.get("last_error_message") or "")


# --- wording -------------------------------------------------------------------------------


def _span(delta: timedelta) -> str:
    seconds = round(abs(delta).total_seconds())  # nearest: a query's own time is not skew
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {seconds} s"
    return f"{seconds} s"


def _signed_span(offset: timedelta) -> str:
    if abs(offset) < timedelta(seconds=1):
        return "within a second of"
    return f"{_span(offset)} {'ahead of' if offset > timedelta(0) else 'behind'}"
