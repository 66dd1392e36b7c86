"""Why the database in SHOPKEEPS_DATABASE_URL cannot be opened, and what to do, in one line:
the words `shopkeeps doctor` and every other command use (never a traceback)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.config import ENV_PREFIX
from bot.persistence.engine import is_sqlite

VARIABLE = f"{ENV_PREFIX}DATABASE_URL"
ACCESS_DENIED, UNKNOWN_DATABASE = 1045, 1049  # MariaDB/MySQL error codes
UTF8MB4 = "utf8mb4"
UTF8MB4_COLLATION = "utf8mb4_unicode_ci"  # what the migrations create (bot.persistence.models)


@dataclass(frozen=True)
class Unopenable:
    """What is wrong (`problem`, after "cannot open …") and how to put it right (`fix`)."""

    problem: str
    fix: str


class DatabaseUnavailable(Exception):
    """The database cannot be opened (or, `opened`, it was and then failed)."""

    def __init__(self, url: str | URL, why: Unopenable, *, opened: bool = False) -> None:
        self.shown = make_url(url).render_as_string(hide_password=True)
        self.why, self.opened = why, opened
        super().__init__(self.line)

    @classmethod
    def after(cls, error: SQLAlchemyError, url: str | URL) -> DatabaseUnavailable:
        """A database that opened and then failed (read-only, locked, the server gone)."""
        return cls(url, unopenable(error, url), opened=True)

    @property
    def line(self) -> str:
        """The one line a command prints: the variable, the database, why, and the fix."""
        where = f"the database in {VARIABLE} ({self.shown})"
        what = f"{where} failed" if self.opened else f"cannot open {where}"
        return f"{what}: {self.why.problem} → {self.why.fix}"


def check_database_opens(engine: Engine, configured: str | URL | None = None) -> None:
    """Open one connection, as the bot does (an SQLite file is created if it is missing), or
    raise DatabaseUnavailable saying why, with the URL as `configured` (without a password)."""
    try:
        with engine.connect():
            pass
    except SQLAlchemyError as error:
        url = engine.url if configured is None else configured
        raise DatabaseUnavailable(url, unopenable(error, url)) from None


def unopenable(error: SQLAlchemyError, url: str | URL) -> Unopenable:
    parsed = make_url(url)
    reason = database_reason(error)
    if is_sqlite(parsed) and parsed.database not in (None, "", ":memory:"):
        return _sqlite_file(Path(str(parsed.database)).resolve(), reason)
    return Unopenable(reason, connection_fix(error, parsed))


def _sqlite_file(path: Path, reason: str) -> Unopenable:
    folder = path.parent
    if path.is_dir():
        return Unopenable(
            f"{path} is a folder, not a file",
            f"name a file in it, e.g. {VARIABLE}=sqlite:///{path / 'shopkeeps.db'}",
        )
    if not folder.is_dir():
        return Unopenable(
            f"the folder {folder} does not exist",
            f"create it (mkdir -p {folder}), or correct {VARIABLE}",
        )
    if not path.exists() and not os.access(folder, os.W_OK | os.X_OK):
        return Unopenable(
            f"this user may not create {path.name} in {folder}",
            f"let this user write in {folder}, or correct {VARIABLE}",
        )
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        return Unopenable(
            f"this user may not read and write {path}",
            f"give this user read and write access to it, or correct {VARIABLE}",
        )
    if "not a database" in reason or "malformed" in reason:
        return Unopenable(
            f"{path} is not an SQLite database ({reason})",
            f"correct {VARIABLE} to the bot's database file, or restore a backup "
            "(shopkeeps restore)",
        )
    if "full" in reason:
        return Unopenable(f"{path}: {reason}", f"free space on the disk that holds {folder}")
    if "locked" in reason:
        return Unopenable(
            f"{path} is locked by another program ({reason})",
            "wait for it to finish (a backup, a database editor), then try again",
        )
    if "readonly" in reason:
        return Unopenable(
            f"{path} is read-only here ({reason})",
            f"let this user write {path} and its folder {folder}, or correct {VARIABLE}",
        )
    return Unopenable(f"{path}: {reason}", f"check that file and its folder, or correct {VARIABLE}")


def connection_fix(error: SQLAlchemyError, url: URL) -> str:
    """What to do when a database server does not let the bot in."""
    args: tuple[Any, ...] = getattr(getattr(error, "orig", None), "args", ())
    code = args[0] if args else None
    if code == ACCESS_DENIED:
        return f"correct the user or password in {VARIABLE}, or grant that user access"
    if code == UNKNOWN_DATABASE:
        return (
            f"create it (CREATE DATABASE `{url.database}` CHARACTER SET {UTF8MB4} "
            f"COLLATE {UTF8MB4_COLLATION};), or correct its name in {VARIABLE}"
        )
    return f"start the database server, or correct {VARIABLE}"


def database_reason(error: SQLAlchemyError) -> str:
    """The driver's own words (PyMySQL: (2003, "Can't connect ...")), without SQLAlchemy's
    statement and link."""
    original = getattr(error, "orig", None)
    if original is None:
        return str(error).splitlines()[0]
    args: tuple[Any, ...] = getattr(original, "args", ())
    if len(args) == 2 and isinstance(args[1], str):
        return args[1]
    return str(original).splitlines()[0] or type(original).__name__
