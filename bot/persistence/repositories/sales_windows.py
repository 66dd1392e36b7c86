"""The analytics' running sums per window (bot.domain.services.sales_windows): each item's
quantity and revenue, and each pair of items' orders, of the orders completed since the
window's start. A year of the 100k store is ranked from 99,000 sums kept in order by an
index, instead of 450,000 lines summed per page view (and their pairs joined)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from itertools import combinations
from typing import Any

from sqlalchemy import (
    Select,
    Table,
    delete,
    func,
    insert,
    literal,
    select,
    type_coerce,
    update,
)
from sqlalchemy.orm import Session

from bot.domain.ports import BestSellers, RangeSales
from bot.persistence.models import (
    OrderLineRow,
    SalesWindowRow,
    WindowItemRow,
    WindowPairRow,
)
from bot.persistence.repositories import ranking
from bot.persistence.repositories.inserts import add_up, insert_unless_present
from bot.persistence.types import Quantity

ITEMS: Table = WindowItemRow.__table__  # type: ignore[assignment]
PAIRS: Table = WindowPairRow.__table__  # type: ignore[assignment]
WINDOWS: Table = SalesWindowRow.__table__  # type: ignore[assignment]


def _item_sums(start: datetime, end: datetime | None) -> Select[Any]:
    return (
        select(
            OrderLineRow.product_id,
            type_coerce(func.sum(OrderLineRow.quantity), Quantity),
            func.sum(OrderLineRow.line_total_minor),
        )
        .where(*ranking.completed_lines(OrderLineRow, start, end))
        .group_by(OrderLineRow.product_id)
    )


class SqlSalesWindowRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def start_of(self, days: int) -> datetime | None:
        return self.session.scalar(
            select(SalesWindowRow.starts_at).where(SalesWindowRow.days == days)
        )

    def hold(self, days: int) -> datetime | None:
        """The window's row locked for this transaction (made, unbuilt, if missing): one
        worker moves a window at a time, and completions wait for it (`count_completed`)."""
        insert_unless_present(self.session, WINDOWS, days=days, starts_at=None)
        return self.session.scalar(
            select(SalesWindowRow.starts_at).where(SalesWindowRow.days == days).with_for_update()
        )

    def count_completed(self, order_id: int, at: datetime) -> None:
        """The order's lines added to every built window it falls in. The windows' rows are
        read under a shared lock, so a window being built or moved is waited for: its
        builder read the lines before this order completed, and this adds it after."""
        windows = list(
            self.session.scalars(
                select(SalesWindowRow.days)
                .where(SalesWindowRow.starts_at.is_not(None), SalesWindowRow.starts_at <= at)
                .order_by(SalesWindowRow.days)
                .with_for_update(read=True)
            )
        )
        if not windows:
            return
        lines = self.session.execute(
            select(OrderLineRow.product_id, OrderLineRow.quantity, OrderLineRow.line_total_minor)
            .where(OrderLineRow.order_id == order_id, OrderLineRow.quantity > 0)
            .order_by(OrderLineRow.product_id)
        ).all()
        items: dict[int, tuple[Decimal, int]] = {}
        for pid, quantity, revenue in lines:
            held_quantity, held_revenue = items.get(pid, (Decimal(0), 0))
            items[pid] = (held_quantity + quantity, held_revenue + revenue)
        pairs = list(combinations(sorted(items), 2))
        for days in windows:
            self._add_items(days, [(pid, q, r) for pid, (q, r) in items.items()])
            self._add_pairs(days, [(first, second, 1) for first, second in pairs])

    def move(self, days: int, start: datetime, to: datetime) -> None:
        """The window (held) from `start` to `to`: the orders completed between taken off
        (or, moved back, added), then its start set."""
        later = to > start
        sign = -1 if later else 1
        since, until = (start, to) if later else (to, start)
        items = self.session.execute(_item_sums(since, until))
        self._add_items(days, [(pid, q * sign, r * sign) for pid, q, r in items])
        self._add_pairs(
            days,
            [(f, s, n * sign) for f, s, n in self.session.execute(ranking.pair_sums(since, until))],
        )
        self.session.execute(delete(ITEMS).where(ITEMS.c.days == days, ITEMS.c.quantity == 0))
        self.session.execute(delete(PAIRS).where(PAIRS.c.days == days, PAIRS.c.orders == 0))
        self._started(days, to)

    def rebuild(self, days: int, start: datetime) -> None:
        """The window (held) summed again from the orders completed since `start`."""
        for table in (ITEMS, PAIRS):
            self.session.execute(delete(table).where(table.c.days == days))
        items = _item_sums(start, None).add_columns(literal(days))
        self.session.execute(
            insert(ITEMS).from_select(["product_id", "quantity", "revenue", "days"], items)
        )
        pairs = ranking.pair_sums(start, None).add_columns(literal(days))
        self.session.execute(
            insert(PAIRS).from_select(["first_id", "second_id", "orders", "days"], pairs)
        )
        self._started(days, start)

    def forget(self) -> None:
        """Every window unbuilt: orders were written around the use cases (the demo's
        made-up history), so they are built again from the lines."""
        self.session.execute(update(SalesWindowRow).values(starts_at=None))
        for table in (ITEMS, PAIRS):
            self.session.execute(delete(table))

    def range_sales(
        self,
        days: int,
        *,
        top: int,
        within: int,
        short: int,
        bounds: Callable[[int], tuple[int, ...]],
    ) -> RangeSales:
        return ranking.ranked(
            self.session.connection(),
            ITEMS,
            (ITEMS.c.days == days,),
            days=days,
            top=top,
            within=within,
            short=short,
            bounds=bounds,
        )

    def best_sellers(self, days: int, *, top: int) -> BestSellers:
        """The window's `top` items by quantity and by revenue, read down its index; how many
        items it holds, and how many of them are still on sale (the archived are few)."""
        connection = self.session.connection()
        here = ITEMS.c.days == days
        items = connection.execute(select(func.count()).where(here)).scalar_one()
        archived = connection.execute(
            select(func.count()).where(here, ranking.archived(ITEMS.c.product_id))
        ).scalar_one()
        return BestSellers(
            ranking.best(connection, ITEMS, (here,), top, most_sold=True),
            ranking.best(connection, ITEMS, (here,), top, most_sold=False),
            int(items),
            int(items) - int(archived),
        )

    def bought_together(self, days: int, *, top: int) -> list[tuple[str, str, str, str, int]]:
        best = (
            select(PAIRS.c.first_id, PAIRS.c.second_id, PAIRS.c.orders)
            .where(PAIRS.c.days == days)
            .order_by(PAIRS.c.orders.desc(), PAIRS.c.first_id, PAIRS.c.second_id)
            .limit(top)
        )
        return ranking.named_pairs(self.session.connection(), best)

    def _started(self, days: int, start: datetime) -> None:
        self.session.execute(
            update(SalesWindowRow).where(SalesWindowRow.days == days).values(starts_at=start)
        )

    def _add_items(self, days: int, rows: Sequence[tuple[int, Decimal, int]]) -> None:
        values = [
            {"days": days, "product_id": pid, "quantity": q, "revenue": r}
            for pid, q, r in sorted(rows)
        ]
        add_up(self.session, ITEMS, ["days", "product_id"], ["quantity", "revenue"], values)

    def _add_pairs(self, days: int, rows: Sequence[tuple[int, int, int]]) -> None:
        values = [
            {"days": days, "first_id": f, "second_id": s, "orders": n} for f, s, n in sorted(rows)
        ]
        add_up(self.session, PAIRS, ["days", "first_id", "second_id"], ["orders"], values)
