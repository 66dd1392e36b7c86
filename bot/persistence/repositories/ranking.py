"""A period's range ranked from per-item sums (product_id, quantity, revenue), wherever the
sums are: a connection's temporary table summed from the lines for any period, or the
running window of the last N days (sales_windows). Only what the page shows is named."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Connection, Select, Table, func, select, type_coerce
from sqlalchemy.sql import Subquery

from bot.domain.ports import ProductSales, RangeSales
from bot.persistence.models import ProductRow


def select_named(sold: Subquery | Table) -> Select[Any]:
    """Per-item sums named: id, SKU, name, unit, quantity, revenue, on sale."""
    return select(
        sold.c.product_id,
        ProductRow.sku,
        ProductRow.name,
        ProductRow.unit,
        sold.c.quantity,
        sold.c.revenue,
        ProductRow.active,
    ).join(ProductRow, ProductRow.id == sold.c.product_id)


def named(connection: Connection, query: Select[Any]) -> list[ProductSales]:
    """Each item's sums with its SKU, name and unit, as `select_named` reads them."""
    return [
        ProductSales(pid, sku, name, unit, qty, int(revenue), bool(active))
        for pid, sku, name, unit, qty, revenue, active in connection.execute(query)
    ]


def ranked(
    connection: Connection,
    sold: Table,
    where: Sequence[Any],
    *,
    days: int,
    top: int,
    within: int,
    short: int,
) -> RangeSales:
    """Every revenue with how many items earned it, the `top` best and least sold, and up
    to `short` items on sale whose stock lasts fewer than `within` days at the pace of
    these `days`, from the rows of `sold` that meet `where`."""
    pid, quantity, revenue = sold.c.product_id, sold.c.quantity, sold.c.revenue
    revenues = connection.execute(
        select(revenue, func.count()).where(*where).group_by(revenue).order_by(revenue.desc())
    )
    best = (
        select_named(sold).where(*where).order_by(revenue.desc(), quantity.desc(), pid).limit(top)
    )
    return RangeSales(
        [(int(r), int(n)) for r, n in revenues],
        named(connection, best),
        _least(connection, sold, where, top),
        _running_out(connection, sold, where, days, within, short),
    )


def _least(
    connection: Connection, sold: Table, where: Sequence[Any], top: int
) -> list[ProductSales]:
    """The `top` least sold on sale, naming only the candidates: those sold no more than
    the `wanted`-th least sold item of all (more wanted while archived ones crowd them
    out), not every item sold."""
    quantity = sold.c.quantity
    slowest = (
        select_named(sold)
        .where(*where, ProductRow.active.is_(True))
        .order_by(type_coerce(quantity, BigInteger), ProductRow.sku)
    )
    wanted = top
    while True:
        cut = connection.scalar(
            select(quantity).where(*where).order_by(quantity).offset(wanted - 1).limit(1)
        )
        narrowed = slowest if cut is None else slowest.where(quantity <= cut)
        found = named(connection, narrowed.limit(top))
        if len(found) == top or cut is None:
            return found
        wanted *= 4


def _running_out(
    connection: Connection,
    sold: Table,
    where: Sequence[Any],
    days: int,
    within: int,
    short: int,
) -> list[tuple[int, Decimal]]:
    """Items on sale with stock × days < sold × within (both sides in the columns' own
    thousandths, compared as whole numbers), soonest out first. Only items with less stock
    than the best seller's pace would need can qualify: that bound lets both databases walk
    the items' stock index from the bottom instead of joining every item sold."""
    pid, quantity = sold.c.product_id, sold.c.quantity
    most = connection.scalar(select(func.max(type_coerce(quantity, BigInteger))).where(*where))
    if not most:
        return []
    stock = type_coerce(ProductRow.__table__.c.stock, BigInteger)
    bound = -(-most * within // days)  # stock × days < most × within ⇒ stock < this
    amount = type_coerce(quantity, BigInteger)
    running_out = (
        select(pid, quantity)
        .join(ProductRow, ProductRow.id == pid)
        .where(
            *where,
            ProductRow.active.is_(True),
            stock < bound,
            stock * days < amount * within,
        )
        .order_by((stock * 1.0) / amount, ProductRow.sku)
        .limit(short)
    )
    return [(int(p), q) for p, q in connection.execute(running_out)]
