"""Insert a row unless its key exists, in one statement, on SQLite and MySQL/MariaDB alike."""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

from sqlalchemy import Dialect, Insert, Table, TextClause, bindparam, insert, text
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session


@cache
def ignoring_duplicates(table: Table) -> Insert:
    """INSERT that skips a row whose key exists, in each dialect's words, built once.

    A plain INSERT with a per-dialect prefix, not the dialects' own insert constructs: those
    opt out of SQLAlchemy's statement cache, so each call compiled its SQL afresh (about half
    the CPU of recording an update). Like MySQL's IGNORE, SQLite's OR IGNORE also skips a row
    breaking NOT NULL or CHECK; every caller passes complete rows."""
    return (
        insert(table)
        .prefix_with("OR IGNORE", dialect="sqlite")
        .prefix_with("IGNORE", dialect="mysql")
        .prefix_with("IGNORE", dialect="mariadb")
    )


def insert_unless_present(session: Session, table: Table, **values: Any) -> bool:
    """True if this call inserted the row; False if a row with its key was there (or is
    being inserted by a transaction that commits first). No read-then-write race."""
    result = session.execute(ignoring_duplicates(table), values)
    return result.rowcount == 1  # type: ignore[attr-defined,no-any-return]


def insert_or_update(session: Session, table: Table, key: dict[str, Any], **values: Any) -> None:
    """Insert the row, or update its `values` where its key exists, in one statement."""
    put_many(session, table, tuple(key), [key | values])


def put_many(
    session: Session, table: Table, keys: tuple[str, ...], rows: list[dict[str, Any]]
) -> None:
    """Each row inserted, or written over the row with its key, in one statement: pymysql
    sends an executemany of it as one multi-row INSERT (one round trip for a batch where
    an UPDATE each, and an INSERT where none matched, cost a round trip a row). The rows all
    have the same columns, some not in the key, in the order callers sort them (one lock
    order across workers). SQLite and MariaDB (MySQL 8.0.20 and later warn of VALUES())."""
    if rows:
        dialect = session.get_bind().dialect
        session.execute(_putting(table, keys, tuple(rows[0]), dialect), rows)


@lru_cache(maxsize=64)
def _putting(
    table: Table, keys: tuple[str, ...], columns: tuple[str, ...], dialect: Dialect
) -> TextClause:
    """The upsert in each dialect's words, typed by the table's columns, built once. Text,
    as the dialects' own insert constructs opt out of the statement cache (above)."""
    changed = [c for c in columns if c not in keys]
    if not changed:
        raise ValueError(f"no column of {table.name} outside its key to write over")
    quote = dialect.identifier_preparer.quote  # "change" is a MySQL keyword
    names = ", ".join(quote(c) for c in columns)
    values = ", ".join(f":{c}" for c in columns)
    if dialect.name == "sqlite":
        kept = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in changed)
        tail = f"ON CONFLICT ({', '.join(quote(k) for k in keys)}) DO UPDATE SET {kept}"
    else:
        tail = "ON DUPLICATE KEY UPDATE " + ", ".join(
            f"{quote(c)} = VALUES({quote(c)})" for c in changed
        )
    # Names of the table's own columns, never what anyone typed: the values are bound.
    sql = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({values}) {tail}"  # noqa: S608
    return text(sql).bindparams(*(bindparam(c, type_=table.c[c].type) for c in columns))


def insert_many_unless_present(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert each row whose key is not there yet (one executemany: the driver batches it)."""
    if rows:
        session.execute(ignoring_duplicates(table), rows)


def add_up(
    session: Session,
    table: Table,
    keys: list[str],
    sums: list[str],
    rows: list[dict[str, Any]],
) -> None:
    """Each row's `sums` added to those of the row with its `keys` (made where there is
    none), in one statement (many rows: one executemany). Rows are written in the order
    given: callers sort them, so two workers adding to the same rows lock them in one order."""
    if not rows:
        return
    if session.get_bind().dialect.name == "sqlite":
        lite = sqlite_insert(table)
        added = {c: table.c[c] + lite.excluded[c] for c in sums}
        session.execute(lite.on_conflict_do_update(index_elements=keys, set_=added), rows)
    else:
        maria = mysql_insert(table)
        session.execute(
            maria.on_duplicate_key_update({c: table.c[c] + maria.inserted[c] for c in sums}), rows
        )
