"""Engines for SQLite (embedded default) and MySQL/MariaDB (production)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

# Below MySQL's wait_timeout on any host we know of; an idle bot otherwise meets
# "MySQL server has gone away".
POOL_RECYCLE_SECONDS = 280
SQLITE_BUSY_TIMEOUT_SECONDS = 30


def is_sqlite(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def build_engine(url: str | URL, **kwargs: Any) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, **kwargs)
    if parsed.get_backend_name() in ("mysql", "mariadb"):
        if "charset" not in parsed.query:
            parsed = parsed.update_query_dict({"charset": "utf8mb4"})
        return create_engine(
            parsed,
            hide_parameters=True,  # SQL errors are logged; what people typed is not
            pool_pre_ping=True,
            pool_recycle=POOL_RECYCLE_SECONDS,
            isolation_level="READ COMMITTED",
            **kwargs,
        )
    raise ValueError(f"unsupported database {parsed.get_backend_name()!r}; use sqlite or mysql")


# The execution option of a unit of work that only reads (SqlAlchemyUnitOfWork.reading).
READING = "shopkeeps_reading"


def _sqlite_engine(url: URL, **kwargs: Any) -> Engine:
    # No pre-ping: a file has no server to go away, and the ping was a SELECT 1 before
    # every transaction.
    engine = create_engine(
        url,
        hide_parameters=True,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        **kwargs,
    )
    in_memory = url.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take over BEGIN from pysqlite so every transaction can start IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Writers queue on the busy timeout instead of failing on a read-to-write upgrade. A
        # use case that only reads takes no write lock: it reads a snapshot (WAL) while
        # writers go on (a year's report used to hold every tap for a second).
        reading = connection.get_execution_options().get(READING)
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

    return engine


def count_errors(engine: Engine, counted: Callable[[bool], None]) -> None:
    """Tell `counted` of every database error, True for a conflict the use case runs again."""
    from bot.persistence.unit_of_work import is_retryable  # it needs the repositories; not this

    @event.listens_for(engine, "handle_error")
    def _on_error(context: Any) -> None:
        counted(is_retryable(context.sqlalchemy_exception))


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False, autoflush=True)
