"""A period's range ranked from per-item sums (product_id, quantity, revenue), wherever the
sums are: a connection's temporary table summed from the lines for any period, or the
running window of the last N days (sales_windows). Only what the page shows is named."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Select,
    Table,
    and_,
    case,
    false,
    func,
    select,
    type_coerce,
)
from sqlalchemy.orm import InstrumentedAttribute, aliased
from sqlalchemy.sql import Subquery

from bot.domain.ports import ProductSales, RangeSales
from bot.persistence.models import OrderLineRow, ProductRow


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


def archived(pid: ColumnElement[int] | InstrumentedAttribute[int]) -> ColumnElement[bool]:
    """The item is archived (no longer on sale): the few items a ranking counts apart."""
    return pid.in_(select(ProductRow.id).where(ProductRow.active == false()))


def in_rank(
    pid: ColumnElement[Any],
    quantity: ColumnElement[Any],
    revenue: ColumnElement[Any],
    *,
    most_sold: bool,
) -> list[ColumnElement[Any]]:
    """The best sellers' order: by quantity (ties: more revenue) or by revenue (ties: more
    sold), then the lower id."""
    first, then = (quantity, revenue) if most_sold else (revenue, quantity)
    return [first.desc(), then.desc(), pid]


def best(
    connection: Connection, sold: Table, where: Sequence[Any], top: int, *, most_sold: bool
) -> list[ProductSales]:
    """The `top` rows of `sold` that meet `where`, in rank, named. Picked from `sold` alone,
    then named: joined in one step, MariaDB may read every item first (as it did for the
    ledger's export)."""
    pid, quantity, revenue = sold.c.product_id, sold.c.quantity, sold.c.revenue
    picked = (
        select(pid, quantity, revenue)
        .where(*where)
        .order_by(*in_rank(pid, quantity, revenue, most_sold=most_sold))
        .limit(top)
        .subquery()
    )
    c = picked.c
    order = in_rank(c.product_id, c.quantity, c.revenue, most_sold=most_sold)
    return named(connection, select_named(picked).order_by(*order))


def ranked(
    connection: Connection,
    sold: Table,
    where: Sequence[Any],
    *,
    days: int,
    top: int,
    within: int,
    short: int,
    bounds: Callable[[int], tuple[int, ...]],
) -> RangeSales:
    """From the rows of `sold` that meet `where`: how many items have less than each of
    `bounds(total revenue)` earned before them in revenue order, the `top` best and least
    sold, and up to `short` items on sale whose stock lasts fewer than `within` days at the
    pace of these `days`."""
    revenue = sold.c.revenue
    items, total = connection.execute(
        select(func.count(), func.coalesce(func.sum(revenue), 0)).where(*where)
    ).one()
    return RangeSales(
        int(items),
        int(total),
        starting_below(connection, sold, where, bounds(int(total))),
        best(connection, sold, where, top, most_sold=False),
        _least(connection, sold, where, top),
        _running_out(connection, sold, where, days, within, short),
    )


def starting_below(
    connection: Connection, sold: Table, where: Sequence[Any], bounds: Sequence[int]
) -> tuple[int, ...]:
    """Of the items in revenue order, most first, how many have less than each bound earned
    before them, counted in the database: items of one revenue in a group, the groups' running
    sums by a window function, and of the group a bound falls in, those that start below it
    (a year of the 100k store: 22,000 revenues that no longer cross to Python, 150 ms on
    MariaDB)."""
    revenue = sold.c.revenue
    groups = (
        select(revenue.label("revenue"), func.count().label("n"))
        .where(*where)
        .group_by(revenue)
        .subquery()
    )
    earned = groups.c.revenue * groups.c.n
    running = select(
        groups.c.revenue,
        groups.c.n,
        type_coerce(
            func.sum(earned).over(order_by=groups.c.revenue.desc()) - earned, BigInteger
        ).label("before"),
    ).subquery()
    g = running.c

    def below(bound: int) -> Any:
        # Of n items earning r each from `before` on: k of them with before + k × r < bound.
        fitting = (bound - g.before + g.revenue - 1) // g.revenue
        return func.coalesce(
            func.sum(
                case(
                    (g.before >= bound, 0),
                    (g.revenue == 0, g.n),
                    (fitting < g.n, fitting),
                    else_=g.n,
                )
            ),
            0,
        )

    if not bounds:
        return ()
    counted = connection.execute(select(*(below(b) for b in bounds))).one()
    return tuple(int(n) for n in counted)


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


def completed_lines(line: Any, start: datetime, end: datetime | None) -> list[Any]:
    """Lines of orders completed in [start, end) (None: from start on) that sold anything
    (a line picked as missing sold nothing)."""
    at = line.completed_at
    return [at >= start, *(() if end is None else (at < end,)), line.quantity > 0]


def pair_sums(start: datetime, end: datetime | None) -> Select[Any]:
    """Per pair of items in one order completed in [start, end) (first < second): in how many
    orders (first_id, second_id, orders). An item on two lines of one order counts it once."""
    a, b = aliased(OrderLineRow), aliased(OrderLineRow)
    return (
        select(
            a.product_id.label("first_id"),
            b.product_id.label("second_id"),
            func.count(func.distinct(a.order_id)).label("orders"),
        )
        .join(b, and_(b.order_id == a.order_id, b.product_id > a.product_id, b.quantity > 0))
        .where(*completed_lines(a, start, end))
        .group_by(a.product_id, b.product_id)
    )


def named_pairs(connection: Connection, best: Select[Any]) -> list[tuple[str, str, str, str, int]]:
    """The pairs `best` picked (first_id, second_id, orders), named: (SKU, name, SKU, name,
    orders), most first, then by SKU."""
    picked = best.subquery()
    first, second = aliased(ProductRow), aliased(ProductRow)
    rows = connection.execute(
        select(first.sku, first.name, second.sku, second.name, picked.c.orders)
        .join(first, first.id == picked.c.first_id)
        .join(second, second.id == picked.c.second_id)
        .order_by(picked.c.orders.desc(), first.sku, second.sku)
    )
    return [(s1, n1, s2, n2, int(n)) for s1, n1, s2, n2, n in rows]
