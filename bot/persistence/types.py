"""Column types that keep the database exact and time zones unambiguous on SQLite and MySQL."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, Integer
from sqlalchemy.dialects import mysql
from sqlalchemy.types import TypeDecorator

QUANTITY_SCALE = 1000


def thousandths(value: Decimal) -> int:
    """A quantity as stored: an integer count of thousandths."""
    scaled = Decimal(value) * QUANTITY_SCALE
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} has more than 3 decimal places")
    return int(scaled)


def from_thousandths(value: int | Decimal) -> Decimal:
    """A stored count of thousandths (or a SUM of them) as the quantity it is, with its three
    places ("1.500"): the point moved, no division (an export reads 700,000 of them)."""
    return Decimal(int(value)).scaleb(-3)


class Quantity(TypeDecorator[Decimal]):
    """A Decimal with 3 places, stored as an integer count of thousandths.

    SQLite has no exact decimal type; integers keep `stock - :n >= 0` exact on both databases.
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        return None if value is None else thousandths(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else from_thousandths(value)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out; stored naive UTC (MySQL DATETIME(6))."""

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name in ("mysql", "mariadb"):
            return dialect.type_descriptor(mysql.DATETIME(fsp=6))
        return dialect.type_descriptor(DateTime())

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; the domain works in aware UTC")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def exact_text(length: int) -> Any:
    """Text compared byte for byte (MySQL's utf8mb4_bin; SQLite's default), so a range scan
    `term >= 'tom' AND term < 'ton'` finds exactly the words that start with "tom"."""
    from sqlalchemy import String

    return String(length).with_variant(
        mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb"
    )


def hundredths(value: Decimal) -> int:
    """A percentage as stored: an integer count of hundredths (5.5 -> 550)."""
    scaled = Decimal(value) * 100
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} has more than 2 decimal places")
    return int(scaled)


class Percent(TypeDecorator[Decimal]):
    """A percentage with 2 places (a VAT rate: 5.5, 20), stored as an integer count of
    hundredths of a percent (550, 2000): exact on SQLite, which has no decimal type."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        return None if value is None else hundredths(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else (Decimal(int(value)) / 100).quantize(Decimal("0.01"))
