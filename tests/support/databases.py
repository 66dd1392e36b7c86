"""Test databases: an SQLite file and a throwaway MariaDB database, both built by migrations."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.persistence import migrate
from bot.persistence.engine import build_engine, session_factory
from bot.persistence.models import Base
from bot.persistence.unit_of_work import SqlAlchemyUnitOfWork

MYSQL_ADMIN_URL = os.environ.get(
    "SHOPKEEPS_TEST_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/test"
)
MYSQL_REQUIRED = os.environ.get("SHOPKEEPS_REQUIRE_MYSQL") == "1"
BACKENDS = ("sqlite", "mariadb")
# For an end-to-end test in which the bot only reads and shows (a greeting, a search, a help
# text, the web pages' HTTP): what it reads is covered on both databases by tests/integration.
# A test in which the bot writes business data (orders, stock, carts, staff, payments,
# questions) runs on both.
sqlite_only = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

UowFactory = Callable[[], SqlAlchemyUnitOfWork]


def mariadb_unavailable() -> str | None:
    """Why MariaDB cannot be used, or None when it can."""
    try:
        engine = create_engine(MYSQL_ADMIN_URL)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except OperationalError as error:
        return f"MariaDB at {make_url(MYSQL_ADMIN_URL).render_as_string()} unreachable: {error}"
    return None


def skip_or_fail_without_mariadb() -> None:
    reason = mariadb_unavailable()
    if reason is None:
        return
    if MYSQL_REQUIRED:
        pytest.fail(f"SHOPKEEPS_REQUIRE_MYSQL=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@contextmanager
def fresh_database(backend: str, tmp_dir: Path) -> Iterator[str]:
    """The URL of a new, empty database of this backend, dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_dir / f'shopkeeps-{secrets.token_hex(4)}.db'}"
        return
    skip_or_fail_without_mariadb()
    name = f"shopkeeps_test_{secrets.token_hex(6)}"
    admin = create_engine(MYSQL_ADMIN_URL)
    with admin.begin() as connection:
        connection.execute(
            text(f"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        )
    try:
        yield make_url(MYSQL_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        admin.dispose()


def migrated_engine(url: str, **engine_options: object) -> Engine:
    engine = build_engine(url, **engine_options)
    migrate.upgrade(engine)
    return engine


def empty_all_tables(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


def uow_factory(engine: Engine) -> UowFactory:
    sessions = session_factory(engine)
    return lambda: SqlAlchemyUnitOfWork(sessions)
