"""A year of made-up trade for a big demo store (`shopkeeps demo-data --orders N`), written
in bulk: the benchmarks need 200,000 orders, which use cases would take hours to place.

The rows keep every invariant the use cases keep: each order line's goods arrive (a
delivery) just before they are sold, so stock on hand still equals the sum of its ledger and
never goes below zero; a cancelled order's goods come back; totals are the lines' sums.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from bot.domain.orders import OrderStatus
from bot.domain.stock import StockReason
from bot.domain.vat import vat_by_rate
from bot.persistence.bulk import insert_dicts
from bot.persistence.models import (
    CustomerRow,
    OrderLineRow,
    OrderRow,
    ProductRow,
    StatusChangeRow,
)
from bot.persistence.repositories import sales_quarters
from bot.persistence.repositories.catalogue import ON_SALE
from bot.persistence.repositories.sales_windows import SqlSalesWindowRepository
from bot.persistence.types import hundredths

CUSTOMERS = 2_000
FIRST_DEMO_USER = 8_000_000_000  # far from real Telegram user ids in a test store
BATCH = 2_000  # orders per transaction
CANCELLED_SHARE = 20  # one order in 20 is cancelled


def add_order_history(
    engine: Engine,
    *,
    orders: int,
    days: int,
    now: datetime,
    currency: str,
    vat_rate: Decimal = Decimal(0),
    seed: int = 7,
) -> int:
    """Add `orders` orders placed over the last `days` days, their goods sold at `vat_rate`
    (the store's default); returns how many were added."""
    rng = random.Random(seed)  # noqa: S311 -- made-up demo data, nothing secret
    with Session(engine) as session, session.begin():
        items: list[Any] = list(
            session.execute(
                select(ProductRow.id, ProductRow.sku, ProductRow.name, ProductRow.unit)
                .add_columns(ProductRow.step, ProductRow.price_minor, ProductRow.stock)
                .where(ON_SALE)
            )
        )
        customers = _demo_customers(session)
    if not items:
        raise ValueError("the store has no items to sell: add some first")
    moments = sorted(now - timedelta(seconds=rng.uniform(0, days * 86_400)) for _ in range(orders))
    for start in range(0, orders, BATCH):
        with Session(engine) as session, session.begin():
            ids = _next_ids(session)
            rows = _Batch(ids, vat_rate)
            for at in moments[start : start + BATCH]:
                rows.add_order(rng, at, rng.choice(customers), items, currency)
            rows.write(session)
    # Written around the use cases, so the analytics' running totals are summed again: the
    # quarters here, the days and windows by whoever next brings them up to date.
    with Session(engine) as session, session.begin():
        sales_quarters.rebuild(session)
        sales_quarters.forget_days(session)
        SqlSalesWindowRepository(session).forget()
    return orders


def _demo_customers(session: Session) -> list[int]:
    wanted = range(FIRST_DEMO_USER, FIRST_DEMO_USER + CUSTOMERS)
    known = set(
        session.scalars(
            select(CustomerRow.telegram_user_id).where(
                CustomerRow.telegram_user_id >= FIRST_DEMO_USER,
                CustomerRow.telegram_user_id < FIRST_DEMO_USER + CUSTOMERS,
            )
        )
    )
    missing = [
        {"telegram_user_id": uid, "name": f"Customer {uid - FIRST_DEMO_USER + 1}"}
        for uid in wanted
        if uid not in known
    ]
    if missing:
        session.execute(insert(CustomerRow), missing)
    return list(
        session.scalars(
            select(CustomerRow.id).where(CustomerRow.telegram_user_id >= FIRST_DEMO_USER)
        )
    )


def _next_ids(session: Session) -> dict[str, int]:
    def after(column: Any) -> int:
        return int(session.scalar(select(func.coalesce(func.max(column), 0))) or 0) + 1

    return {
        "order": after(OrderRow.id),
        "line": after(OrderLineRow.id),
        "change": after(StatusChangeRow.id),
    }


class _Batch:
    def __init__(self, ids: dict[str, int], vat_rate: Decimal) -> None:
        self.ids = ids
        self.vat_rate = vat_rate
        self.vat: list[dict[str, Any]] = []
        self.orders: list[dict[str, Any]] = []
        self.lines: list[dict[str, Any]] = []
        self.changes: list[dict[str, Any]] = []
        self.ledger: list[dict[str, Any]] = []

    def _take(self, kind: str) -> int:
        value = self.ids[kind]
        self.ids[kind] += 1
        return value

    def add_order(
        self,
        rng: random.Random,
        at: datetime,
        customer_id: int,
        items: list[Any],
        currency: str,
    ) -> None:
        order_id = self._take("order")
        picked = [
            (item, item[4] * rng.randrange(1, 4))
            for item in rng.sample(items, k=min(len(items), rng.choice((1, 2, 2, 3, 4))))
        ]
        # A cancelled order's goods were on the shelf: they are sold, then come back.
        cancelled = rng.randrange(CANCELLED_SHARE) == 0 and all(
            item[6] >= quantity for item, quantity in picked
        )
        total = 0
        # Completed an hour after it was placed (its status change says so), paid in cash or
        # by card at the counter; a cancelled one never was.
        completed_at = None if cancelled else at + timedelta(hours=1)
        for item, quantity in picked:
            product_id, sku, name, unit, _step, price, stock = item
            line_total = int((Decimal(price) * quantity).to_integral_value())
            total += line_total
            self.lines.append(
                {
                    "id": self._take("line"),
                    "order_id": order_id,
                    "product_id": product_id,
                    "sku": sku,
                    "name": name,
                    "unit": unit,
                    "quantity": quantity,
                    "unit_price_minor": price,
                    "line_total_minor": line_total,
                    "placed_at": at,
                    "cancelled": cancelled,
                    "completed_at": completed_at,
                }
            )
            self.ledger.extend(_goods_through(product_id, order_id, quantity, stock, at, cancelled))
        status = OrderStatus.CANCELLED if cancelled else OrderStatus.COMPLETED
        if completed_at is not None:  # its receipt's VAT, kept as issued
            for entry in vat_by_rate([(self.vat_rate, total)]):
                self.vat.append(
                    {
                        "order_id": order_id,
                        "rate": hundredths(entry.rate),
                        "completed_at": completed_at,
                        "gross_minor": entry.gross_minor,
                        "vat_minor": entry.vat_minor,
                    }
                )
        self.orders.append(
            {
                "id": order_id,
                "code": f"D{order_id:07d}",
                "customer_id": customer_id,
                "status": status.value,
                "fulfilment": "pickup",
                "pickup_slot": at + timedelta(hours=2),
                "address": None,
                "delivery_fee_minor": 0,
                "phone": "+33123456789",
                "note": "",
                "currency": currency,
                "total_minor": total,
                "placed_at": at,
                "payment_method": "on_handover",
                "refund_due_minor": 0,
                "completed_at": completed_at,
                "money_taken": None if cancelled else ("card" if order_id % 3 else "cash"),
            }
        )
        self.changes.append(
            {
                "id": self._take("change"),
                "order_id": order_id,
                "status": status.value,
                "at": at + timedelta(hours=1),
                "actor": "demo",
                "reason": "changed their mind" if cancelled else "",
            }
        )

    def write(self, session: Session) -> None:
        connection = session.connection()
        for table, rows in (
            ("orders", self.orders),
            ("order_lines", self.lines),
            ("order_status_changes", self.changes),
            ("order_vat", self.vat),
            ("stock_ledger", self.ledger),
        ):
            insert_dicts(connection, table, rows)


def _goods_through(
    product_id: int,
    order_id: int,
    quantity: Decimal,
    level: Decimal,
    at: datetime,
    cancelled: bool,
) -> Iterator[dict[str, Any]]:
    """A delivery of the line's goods, their sale, and (cancelled) their return to stock,
    then a correction taking them back out: the level ends where it was."""
    moves = [(StockReason.RECEIVED, quantity), (StockReason.SALE, -quantity)]
    if cancelled:
        moves += [
            (StockReason.ORDER_CANCELLED, quantity),
            (StockReason.COUNT_CORRECTION, -quantity),
        ]
    for reason, change in moves:
        level += change
        yield {
            "product_id": product_id,
            "reason": reason.value,
            "change": change,
            "resulting_level": level,
            "at": at,
            "actor": "demo",
            "note": "demo history",
            "order_id": order_id
            if reason in (StockReason.SALE, StockReason.ORDER_CANCELLED)
            else None,
        }
