"""Insert a row unless its key exists, in one statement, on SQLite and MySQL/MariaDB alike."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session


def insert_unless_present(session: Session, table: Table, **values: Any) -> bool:
    """True if this call inserted the row; False if a row with its key was there (or is
    being inserted by a transaction that commits first). No read-then-write race."""
    if session.get_bind().dialect.name == "sqlite":
        statement: Any = sqlite_insert(table).values(**values).on_conflict_do_nothing()
    else:
        statement = mysql_insert(table).values(**values).prefix_with("IGNORE")
    result = session.execute(statement)
    return result.rowcount == 1  # type: ignore[attr-defined,no-any-return]


def insert_many_unless_present(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert each row whose key is not there yet (one executemany: the driver batches it)."""
    if not rows:
        return
    if session.get_bind().dialect.name == "sqlite":
        statement: Any = sqlite_insert(table).on_conflict_do_nothing()
    else:
        statement = mysql_insert(table).prefix_with("IGNORE")
    session.execute(statement, rows)
