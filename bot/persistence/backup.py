"""Backups of the whole database into one gzip-compressed file, and restores from one.

SQLite is copied with its online backup API (one step: one read transaction, so a consistent
snapshot while the bot keeps writing); MariaDB/MySQL with `mariadb-dump --single-transaction`
(one consistent snapshot of InnoDB tables, no locks). Either is written under a hidden
temporary name and renamed when complete, so a half-written backup never looks like one.
Database passwords go to the MariaDB tools in a temporary option file only its owner can
read, never on a command line.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Literal

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.domain.services.backups import BackupFailed, BackupMade
from bot.persistence import migrate
from bot.persistence.engine import build_engine

Kind = Literal["sqlite", "mariadb"]
SUFFIXES: dict[Kind, str] = {"sqlite": ".sqlite.gz", "mariadb": ".mariadb.sql.gz"}
STAMP = "%Y%m%dT%H%M%SZ"
NAME = re.compile(r"^shopkeeps-(?P<at>\d{8}T\d{6}Z)(?P<suffix>\.sqlite\.gz|\.mariadb\.sql\.gz)$")
SQLITE_MAGIC = b"SQLite format 3\x00"
DUMP_HEADERS = (b"-- MariaDB dump", b"-- MySQL dump")
DUMP_COMPLETE = b"-- Dump completed"
REVISION_TABLE = "alembic_version"  # the schema's revision marker: not the store's data
CHUNK = 1 << 20
SQLITE_TIMEOUT_SECONDS = 30
DUMP_TOOLS = ("mariadb-dump", "mysqldump")
CLIENT_TOOLS = ("mariadb", "mysql")
INSTALL_CLIENT = "install the mariadb-client package (apt-get install mariadb-client)"


class BackupError(BackupFailed):
    """A backup or restore did not happen; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Restored:
    kind: Kind
    revision: str | None  # the schema revision the restored database is at
    head: str  # the revision this code expects

    @property
    def state(self) -> Literal["current", "older", "newer"]:
        if self.revision == self.head:
            return "current"
        known = {script.revision for script in migrate.scripts().walk_revisions()}
        return "older" if self.revision is None or self.revision in known else "newer"


def kind_of(url: str | URL) -> Kind:
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        return "sqlite"
    if backend in ("mysql", "mariadb"):
        return "mariadb"
    raise BackupError(f"cannot back up a {backend!r} database: use SQLite or MariaDB/MySQL")


def describe(url: str | URL) -> str:
    """The database in words, without its password."""
    parsed = make_url(url)
    if kind_of(parsed) == "sqlite":
        return f"SQLite database {parsed.database}"
    return (
        f"MariaDB database {parsed.database} on {parsed.host or '127.0.0.1'}:{parsed.port or 3306}"
    )


def backup_name(kind: Kind, at: datetime) -> str:
    return f"shopkeeps-{at.astimezone(UTC).strftime(STAMP)}{SUFFIXES[kind]}"


def take_backup(url: str | URL, folder: Path, *, at: datetime) -> BackupMade:
    """Write a consistent copy of the database at `url` into `folder`, as one file."""
    kind = kind_of(url)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / backup_name(kind, at)
        if final.exists():
            raise BackupError(f"{final} already exists: wait a second and run it again")
        with tempfile.TemporaryDirectory(dir=folder, prefix=".shopkeeps-backup-") as work:
            partial = Path(work) / final.name
            if kind == "sqlite":
                _sqlite_backup(_sqlite_file(url), Path(work), partial)
            else:
                _mariadb_backup(make_url(url), partial)
            os.replace(partial, final)
        _sync_folder(folder)
    except OSError as error:
        reason = error.strerror or str(error)
        raise BackupError(f"cannot write the backup in {folder}: {reason}") from error
    return BackupMade(str(final), final.stat().st_size)


def backups_in(folder: Path, kind: Kind) -> list[tuple[datetime, Path]]:
    """This kind's backups in `folder` (by their names: nothing else is touched), oldest first."""
    found = []
    for path in folder.iterdir() if folder.is_dir() else ():
        match = NAME.match(path.name)
        if match and match["suffix"] == SUFFIXES[kind] and path.is_file():
            at = datetime.strptime(match["at"], STAMP).replace(tzinfo=UTC)
            found.append((at, path))
    return sorted(found)


def prune_backups(folder: Path, kind: Kind, before: datetime) -> list[str]:
    """Delete this kind's backups in `folder` made before `before`; their names."""
    gone = []
    for at, path in backups_in(folder, kind):
        if at < before:
            path.unlink(missing_ok=True)
            gone.append(path.name)
    return gone


@dataclass(frozen=True)
class SqlBackups:
    """The daily job's backups (the domain's `Backups` port): this database, into `folder`."""

    url: str | URL
    folder: Path

    def take(self, at: datetime) -> BackupMade:
        return take_backup(self.url, self.folder, at=at)

    def prune(self, before: datetime) -> list[str]:
        try:
            return prune_backups(self.folder, kind_of(self.url), before)
        except OSError as error:
            raise BackupError(f"cannot remove old backups in {self.folder}: {error}") from error


def restore_backup(url: str | URL, file: Path) -> Restored:
    """Put the backup in `file` into the empty database at `url`. Refuses, changing nothing,
    a database holding rows or a backup of the other kind of database."""
    kind = kind_of(url)
    found = file_kind(file)
    if found != kind:
        raise BackupError(
            f"{file} is a {_NAMES[found]} backup, but SHOPKEEPS_DATABASE_URL names a "
            f"{_NAMES[kind]} database: restore it into a {_NAMES[found]} database"
        )
    try:
        if kind == "sqlite":
            _sqlite_restore(file, _sqlite_file(url, must_exist=False))
        else:
            _mariadb_restore(file, make_url(url))
    except OSError as error:
        raise BackupError(f"cannot restore {file}: {error.strerror or error}") from error
    engine = build_engine(url)
    try:
        revision = migrate.current_revision(engine)
    finally:
        engine.dispose()
    head = migrate.head_revision()
    assert head is not None
    return Restored(kind, revision, head)


_NAMES: dict[Kind, str] = {"sqlite": "SQLite", "mariadb": "MariaDB"}


def file_kind(file: Path) -> Kind:
    """Which database a backup file holds, from its contents (a renamed file is still known)."""
    try:
        with gzip.open(file, "rb") as stream:
            head = stream.read(512)
    except FileNotFoundError as error:
        raise BackupError(f"{file} does not exist") from error
    except (OSError, EOFError) as error:  # BadGzipFile is an OSError
        raise BackupError(f"{file} is not a ShopKeeps backup (not a whole gzip file)") from error
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if any(header in head for header in DUMP_HEADERS):
        return "mariadb"
    raise BackupError(f"{file} is not a ShopKeeps backup (neither SQLite nor a MariaDB dump)")


# SQLite


def _sqlite_file(url: str | URL, *, must_exist: bool = True) -> Path:
    database = make_url(url).database
    if database in (None, "", ":memory:") or database.startswith("file::memory:"):
        raise BackupError(
            "SHOPKEEPS_DATABASE_URL names an in-memory SQLite database, which has nothing to "
            "back up or restore: name a file (sqlite:///path/to/shopkeeps.db)"
        )
    path = Path(database)
    if must_exist and not path.is_file():
        raise BackupError(f"{path} does not exist: check SHOPKEEPS_DATABASE_URL")
    return path


def _sqlite_backup(source: Path, work: Path, target: Path) -> None:
    copy = work / "copy.sqlite"
    try:
        with (
            closing(sqlite3.connect(source, timeout=SQLITE_TIMEOUT_SECONDS)) as live,
            closing(sqlite3.connect(copy)) as snapshot,
        ):
            # All pages in one step: one read transaction, a consistent snapshot; the bot's
            # writers carry on meanwhile (write-ahead log).
            live.backup(snapshot)
            snapshot.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            _check_sqlite(snapshot, source)
    except sqlite3.Error as error:
        raise BackupError(f"cannot copy {source}: {error}") from error
    with copy.open("rb") as raw, _gzip_file(target) as packed:
        shutil.copyfileobj(raw, packed, CHUNK)


def _check_sqlite(connection: sqlite3.Connection, named: Path) -> None:
    verdict = connection.execute("PRAGMA quick_check").fetchone()[0]
    if verdict != "ok":
        raise BackupError(f"{named} is damaged ({verdict}): nothing was written")


def _tables_with_rows_sqlite(connection: sqlite3.Connection) -> list[str]:
    names = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return [
        name
        for name in names
        if name != REVISION_TABLE
        and connection.execute(f'SELECT 1 FROM "{name}" LIMIT 1').fetchone() is not None  # noqa: S608
    ]


def _sqlite_restore(file: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".shopkeeps-restore-") as work:
        copy = Path(work) / "restore.sqlite"
        _gunzip(file, copy)
        try:
            with closing(sqlite3.connect(copy)) as backup:
                _check_sqlite(backup, file)
                with closing(sqlite3.connect(target, timeout=SQLITE_TIMEOUT_SECONDS)) as database:
                    _refuse_rows(_tables_with_rows_sqlite(database), str(target))
                    backup.backup(database)
        except sqlite3.Error as error:
            raise BackupError(f"cannot restore {file} into {target}: {error}") from error


def _refuse_rows(tables: list[str], where: str) -> None:
    if tables:
        shown = ", ".join(sorted(tables)[:5]) + (", …" if len(tables) > 5 else "")
        raise BackupError(
            f"{where} is not empty ({len(tables)} tables hold rows: {shown}); nothing was "
            "changed. Restore into a new, empty database and point SHOPKEEPS_DATABASE_URL at it"
        )


# MariaDB / MySQL


def _tool(names: tuple[str, ...]) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    raise BackupError(f"{names[0]} is not installed: {INSTALL_CLIENT}")


def _option(value: str) -> str:
    """A value for a MariaDB option file, quoted with its escapes (any character survives)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("'", "\\'")
    escaped = escaped.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return f'"{escaped}"'


@contextmanager
def _client_options(url: URL) -> Iterator[str]:
    """A temporary [client] option file (mode 0600) with the connection and its password:
    the password never appears on a command line, where any user could read it."""
    lines = ["[client]", "default-character-set=utf8mb4"]
    if url.username:
        lines.append(f"user={_option(url.username)}")
    if url.password is not None:
        lines.append(f"password={_option(str(url.password))}")
    socket = url.query.get("unix_socket")
    if isinstance(socket, str):
        lines.append(f"socket={_option(socket)}")
    else:  # as PyMySQL connects: over TCP, also to "localhost"
        lines += [f"host={_option(url.host or '127.0.0.1')}", f"port={url.port or 3306}"]
        lines.append("protocol=TCP")
    descriptor, name = tempfile.mkstemp(prefix="shopkeeps-", suffix=".cnf")  # mode 0600
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as options:
            options.write("\n".join(lines) + "\n")
        yield name
    finally:
        os.unlink(name)


def _database_name(url: URL) -> str:
    if not url.database:
        raise BackupError("SHOPKEEPS_DATABASE_URL names no database (…:3306/DATABASE)")
    return url.database


def _mariadb_backup(url: URL, target: Path) -> None:
    dump = _tool(DUMP_TOOLS)
    database = _database_name(url)
    with _client_options(url) as options, tempfile.TemporaryFile() as errors:
        command = [
            dump,
            f"--defaults-extra-file={options}",  # must come first
            "--single-transaction",
            "--quick",
            "--routines",
            "--triggers",
            "--no-create-db",
            "--hex-blob",
            database,
        ]
        tail = b""
        # A fixed tool, its arguments as a list: no shell, nothing typed by a person.
        dumping = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors)  # noqa: S603
        with dumping as process, _gzip_file(target) as packed:
            assert process.stdout is not None
            while chunk := process.stdout.read(CHUNK):
                packed.write(chunk)
                tail = (tail + chunk)[-4096:]
        if process.returncode != 0:
            raise BackupError(
                f"{Path(dump).name} failed (exit {process.returncode}): {_first_line(errors)}"
            )
    if DUMP_COMPLETE not in tail:
        raise BackupError(f"{Path(dump).name} stopped before the end of the dump")


def _first_line(errors: IO[bytes]) -> str:
    errors.seek(0)
    said = errors.read().decode("utf-8", "replace").strip()
    return said.splitlines()[-1] if said else "no message"


def _tables_with_rows(engine: Engine) -> tuple[list[str], list[str]]:
    """(every table, those holding rows besides the revision marker)."""
    with engine.connect() as connection:
        tables = inspect(connection).get_table_names()
        quote = engine.dialect.identifier_preparer.quote
        full = [
            name
            for name in tables
            if name != REVISION_TABLE
            and connection.execute(text(f"SELECT 1 FROM {quote(name)} LIMIT 1")).first()  # noqa: S608
            is not None
        ]
    return tables, full


def _mariadb_restore(file: Path, url: URL) -> None:
    client = _tool(CLIENT_TOOLS)
    _check_whole_dump(file)
    database = _database_name(url)
    engine = build_engine(url)
    try:
        tables, full = _tables_with_rows(engine)
        _refuse_rows(full, describe(url))
        if tables:  # empty ones (a `db upgrade` made them): the backup brings its own
            with engine.begin() as connection:
                connection.execute(text("SET FOREIGN_KEY_CHECKS = 0"))
                quote = engine.dialect.identifier_preparer.quote
                connection.execute(text("DROP TABLE " + ", ".join(quote(t) for t in tables)))
    except SQLAlchemyError as error:
        raise BackupError(f"cannot reach {describe(url)}: {_sql_reason(error)}") from error
    finally:
        engine.dispose()
    with _client_options(url) as options, tempfile.TemporaryFile() as errors:
        command = [client, f"--defaults-extra-file={options}", "--binary-mode", database]
        loading = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=errors)  # noqa: S603
        with loading as process:
            assert process.stdin is not None
            try:
                with gzip.open(file, "rb") as dump:
                    shutil.copyfileobj(dump, process.stdin, CHUNK)
                process.stdin.close()
            except BrokenPipeError:
                pass  # the client stopped: its exit code and message say why
        if process.returncode != 0:
            raise BackupError(
                f"{Path(client).name} failed (exit {process.returncode}) restoring {file}: "
                f"{_first_line(errors)}"
            )


def _check_whole_dump(file: Path) -> None:
    """Read the whole file before touching the database: a damaged or cut-off dump is refused
    rather than restored half-way."""
    tail = b""
    try:
        with gzip.open(file, "rb") as dump:
            while chunk := dump.read(CHUNK):
                tail = (tail + chunk)[-4096:]
    except (OSError, EOFError) as error:
        raise BackupError(f"{file} is damaged ({error}); nothing was changed") from error
    if DUMP_COMPLETE not in tail:
        raise BackupError(f"{file} is cut off (the dump has no end); nothing was changed")


def _sql_reason(error: SQLAlchemyError) -> str:
    original = getattr(error, "orig", None)
    return str(original if original is not None else error).splitlines()[0]


# Files


@contextmanager
def _gzip_file(target: Path) -> Iterator[gzip.GzipFile]:
    """A gzip file written to disk before it is handed back (renamed by the caller)."""
    with target.open("wb") as raw:
        name = target.name.removesuffix(".gz")
        with gzip.GzipFile(filename=name, mode="wb", fileobj=raw, compresslevel=6) as packed:
            yield packed
        raw.flush()
        os.fsync(raw.fileno())


def _gunzip(file: Path, target: Path) -> None:
    try:
        with gzip.open(file, "rb") as packed, target.open("wb") as raw:
            shutil.copyfileobj(packed, raw, CHUNK)
    except (EOFError, gzip.BadGzipFile) as error:
        raise BackupError(f"{file} is damaged ({error}); nothing was changed") from error


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
