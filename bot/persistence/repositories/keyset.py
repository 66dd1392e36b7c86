"""Keyset paging on SQLite and MariaDB alike: the rows after a given row, in the order of the
columns that sort them (the last column unique), read from the index that holds that order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, literal, or_, tuple_
from sqlalchemy.orm import Session


def after(
    session: Session, columns: Sequence[ColumnElement[Any]], values: Sequence[Any]
) -> ColumnElement[bool]:
    """Rows that sort after `values`. SQLite walks the index from a row value, (a, b) > (x, y);
    MariaDB reads that as a filter on the whole index (EXPLAIN: type index, every chunk from the
    first row) and walks the index only from the same test spelled out,
    a > x OR (a = x AND b > y) (EXPLAIN: type range)."""
    if session.get_bind().dialect.name == "sqlite":
        # Each value as its column stores it (a time in UTC as the column writes it).
        typed = [literal(v, c.type) for c, v in zip(columns, values, strict=True)]
        return tuple_(*columns) > tuple_(*typed)
    return or_(
        *(
            and_(*(c == v for c, v in zip(columns[:n], values[:n], strict=True)), column > value)
            for n, (column, value) in enumerate(zip(columns, values, strict=True))
        )
    )
