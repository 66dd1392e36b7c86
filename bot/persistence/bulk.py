"""Many rows into one table, fast, on SQLite and MySQL/MariaDB.

An import of 100,000 items writes about a million rows (items, index words, ledger). Through
SQLAlchemy's parameter handling and PyMySQL's pure-Python escaping of every value that is most
of the import's time, so this module hands values in their stored form to the driver as
directly as it allows: SQLite's `executemany` (in C), or for MySQL multi-row INSERT statements
whose literals are escaped here with the driver's own string escaper.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pymysql.constants import SERVER_STATUS
from pymysql.converters import escape_string
from sqlalchemy import Connection

from bot.persistence.types import thousandths

ROWS_PER_STATEMENT = 5_000  # a few hundred kB per statement: under max_allowed_packet


def insert_dicts(
    connection: Connection,
    table: str,
    rows: Sequence[Mapping[str, Any]],
    meanwhile: Iterator[object] | None = None,
) -> None:
    """Rows as column -> value, the columns those of the first row; a Decimal is a quantity
    (money is kept in integer minor units) and a datetime a UtcDateTime, both stored as the
    column types store them. `meanwhile`: as for insert_rows."""
    if rows:
        columns = list(rows[0])
        stored = [tuple(_stored(row[c]) for c in columns) for row in rows]
        insert_rows(connection, table, columns, stored, meanwhile)


def _stored(value: Any) -> Any:
    if isinstance(value, Decimal):
        return thousandths(value)
    if isinstance(value, datetime):
        return stored_time(value)
    return value


def insert_rows(
    connection: Connection,
    table: str,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    meanwhile: Iterator[object] | None = None,
) -> None:
    """Values already in their stored form (ints, text, None). `table` and `columns` are
    names from this code base, never from input. `meanwhile`: work in small steps, one step
    taken at each `next`, done while a statement is on the server instead of waiting for it
    (MariaDB); what is left when the rows are in, the caller finishes."""
    if not rows:
        return
    quote = connection.dialect.identifier_preparer.quote  # "change" is a MySQL keyword
    table = quote(table)
    names = ", ".join(quote(c) for c in columns)
    if connection.dialect.name == "sqlite":
        marks = ", ".join("?" for _ in columns)
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 -- see docstring
        connection.exec_driver_sql(sql, list(rows))
        return
    raw: Any = connection.connection.dbapi_connection
    escape = _escaper(raw)

    def literal(value: Any) -> str:
        if value is None:
            return "NULL"
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, str):
            return "'" + escape(value) + "'"
        raise TypeError(f"cannot store {type(value).__name__} in bulk")

    # Each statement is sent by another thread while this one writes the next: the server
    # takes about 40 % of an import's time, which no longer waits for the writing (MariaDB,
    # 100,000 items: 15.5 s before).
    with raw.cursor() as cursor, ThreadPoolExecutor(1, "bulk-insert") as sender:
        sent: Future[int] | None = None
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            values = ",".join(
                "(" + ",".join(literal(v) for v in row) + ")"
                for row in rows[start : start + ROWS_PER_STATEMENT]
            )
            statement = f"INSERT INTO {table} ({names}) VALUES {values}"  # noqa: S608
            if sent is not None:
                _wait(sent, meanwhile)  # one statement at a time on the connection
            sent = sender.submit(cursor.execute, statement)
        if sent is not None:
            _wait(sent, meanwhile)


def _wait(sent: Future[int], meanwhile: Iterator[object] | None) -> None:
    if meanwhile is not None:
        while not sent.done() and next(meanwhile, _DONE) is not _DONE:
            pass
    sent.result()


_DONE = object()


def _escaper(raw: Any) -> Callable[[str], str]:
    """The driver's own escaping, as its connection picks it (a server in
    NO_BACKSLASH_ESCAPES mode takes backslashes literally)."""
    if raw.server_status & SERVER_STATUS.SERVER_STATUS_NO_BACKSLASH_ESCAPES:
        return lambda text: text.replace("'", "''")
    return escape_string


def stored_time(at: datetime) -> str:
    """How both databases hold a UtcDateTime column: naive UTC text with microseconds."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
