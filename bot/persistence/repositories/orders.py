"""Orders, their lines and status history, and the sales figures read from them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    Integer,
    MetaData,
    Select,
    Table,
    bindparam,
    case,
    distinct,
    false,
    func,
    insert,
    literal_column,
    null,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.expression import type_coerce

from bot.domain.orders import (
    Fulfilment,
    FulfilmentKind,
    Order,
    OrderLine,
    OrderStatus,
    StatusChange,
)
from bot.domain.payments import MoneyTaken, Payment, PaymentMethod, PaymentReceipt, Takings
from bot.domain.ports import (
    BestSellers,
    DayTotal,
    ProductSales,
    RangeSales,
    UsualItem,
    added_takings,
)
from bot.domain.promo_codes import Discount, OrderPromo
from bot.domain.vat import VatAtRate
from bot.persistence.models import (
    OrderLineRow,
    OrderRow,
    OrderVatRow,
    PaymentRow,
    ProductRow,
    StatusChangeRow,
)
from bot.persistence.repositories import ranking, sales_quarters
from bot.persistence.repositories.catalogue import ON_SALE
from bot.persistence.repositories.inserts import insert_unless_present
from bot.persistence.types import Quantity, UtcDateTime

Sold = tuple[int, Decimal, int]  # an item's id, quantity and revenue in a period

_OPEN = OrderRow.status.in_([s.value for s in OrderStatus if s.is_open])
# A charge pays for its order only if the order is paid in Telegram and the charge is its
# total in its currency (a forged or mismatched one is recorded, and refunded):
# PaymentReceipt.pays, in SQL. The total is the one it was placed at: picking may change it
# after the payment (bot.domain.picking).
PLACED_TOTAL = func.coalesce(OrderRow.placed_total_minor, OrderRow.total_minor)
PAYS = (
    (OrderRow.payment_method == PaymentMethod.ONLINE.value)
    & (PaymentRow.currency == OrderRow.currency)
    & (PaymentRow.amount_minor == PLACED_TOTAL)
)
# A customer's items as ordered (an item replaced at picking counts as the one ordered), in
# their orders not cancelled: each item once, with how many orders held it and the latest
# line's quantity and name (window functions: one statement, however long the history).
_ORDERED_ITEM = func.coalesce(OrderLineRow.ordered_product_id, OrderLineRow.product_id)
_LINES_ORDERED = (
    select(
        _ORDERED_ITEM.label("product_id"),
        func.coalesce(OrderLineRow.ordered_quantity, OrderLineRow.quantity).label("quantity"),
        func.coalesce(OrderLineRow.ordered_name, OrderLineRow.name).label("name"),
        OrderLineRow.placed_at,
        func.count().over(partition_by=_ORDERED_ITEM).label("orders"),
        func.row_number()
        .over(
            partition_by=_ORDERED_ITEM,
            order_by=(OrderLineRow.placed_at.desc(), OrderLineRow.id.desc()),
        )
        .label("latest"),
    )
    .join(OrderRow, OrderRow.id == OrderLineRow.order_id)
    .where(OrderRow.customer_id == bindparam("customer_id"))
    .where(OrderRow.status != OrderStatus.CANCELLED.value)
    .subquery()
)
_USUAL_ITEMS = (
    select(_LINES_ORDERED)
    .where(_LINES_ORDERED.c.latest == 1)
    .order_by(
        _LINES_ORDERED.c.orders.desc(),
        _LINES_ORDERED.c.placed_at.desc(),
        _LINES_ORDERED.c.product_id,
    )
    .limit(bindparam("limit"))
)
# Sales of periods up to this long are read from the lines' index in time order (see _sold).
BY_TIME_UP_TO = timedelta(days=120)
# The per-item sums of a period, kept a moment for ranking (MariaDB: a connection's own).
SOLD_MAX_BYTES = 1 << 30
SOLD = Table(
    "sold_per_item",
    MetaData(),
    Column("product_id", Integer, primary_key=True),
    Column("quantity", Quantity, nullable=False),
    Column("revenue", BigInteger, nullable=False),
    prefixes=["TEMPORARY"],
    mysql_engine="MEMORY",
)


def _sold_between(start: datetime, end: datetime, *, by_item: bool) -> list[ColumnElement[bool]]:
    """The lines sold in [start, end). `by_item`: read them through the item-ordered index.
    Both planners pick the time-ordered one for any range (MariaDB even builds the whole
    sold set to probe one item), so `cancelled` is then wrapped in a function: the
    time-ordered index cannot be entered without it."""
    cancelled = (
        func.coalesce(OrderLineRow.cancelled, false()) if by_item else OrderLineRow.cancelled
    )
    return [cancelled == false(), OrderLineRow.placed_at >= start, OrderLineRow.placed_at < end]


def _sold_in(
    start: datetime, end: datetime, *, by_item: bool, completed: bool
) -> list[ColumnElement[bool]]:
    """The lines sold in [start, end): those of orders placed then and not cancelled, or with
    `completed`, those of orders completed then (the report's revenue). `by_item` as in
    `_sold_between`: the time-ordered index cannot be entered through a function."""
    # A line picked as missing sold nothing: its item is not among those sold.
    sold = OrderLineRow.quantity > 0
    if completed:
        at = OrderLineRow.completed_at
        done = type_coerce(func.coalesce(at, at), UtcDateTime) if by_item else at
        return [done >= start, done < end, sold]
    return [*_sold_between(start, end, by_item=by_item), sold]


def _taken(way: str | None) -> MoneyTaken | None:
    return MoneyTaken(way) if way else None


def _as_days(rows: Sequence[sales_quarters.DayRow]) -> list[DayTotal]:
    """Each day's figures, its parts by way taken added up."""
    # An order's total is its final lines plus its fee (bot.domain.orders.Order.total_minor,
    # kept so by the picking): the goods are the totals less the fees.
    days: dict[date, DayTotal] = {}
    for day, way, extra_way, n, total, fees, extra in rows:
        # What the picking added to an order paid in Telegram was taken another way.
        parts = ((way, total - extra), (extra_way, extra))
        taken = added_takings(*({_taken(how): minor} if minor else {} for how, minor in parts))
        part = DayTotal(day, n, total - fees, fees, taken)
        seen = days.get(part.day)  # the same day, money taken other ways
        days[part.day] = part if seen is None else seen.plus(part)
    return list(days.values())


def _paid_at(row: OrderRow) -> datetime | None:
    """When the first charge that pays for the order (`PAYS`) arrived."""
    if row.payment_method != PaymentMethod.ONLINE.value:
        return None
    placed_total = row.total_minor if row.placed_total_minor is None else row.placed_total_minor
    paying = (
        p for p in row.payments if (p.currency, p.amount_minor) == (row.currency, placed_total)
    )
    return next((p.paid_at for p in paying), None)


class SqlOrderRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    @staticmethod
    def _to_domain(row: OrderRow, customer_name: str | None = None) -> Order:
        """customer_name: given when the order was just added (no need to read it back)."""
        kind = FulfilmentKind(row.fulfilment)
        fulfilment = (
            Fulfilment.pickup(row.pickup_slot)
            if kind is FulfilmentKind.PICKUP and row.pickup_slot
            else Fulfilment(
                kind,
                row.pickup_slot,
                row.address,
                row.delivery_fee_minor,
                (row.delivery_from, row.delivery_until)
                if row.delivery_from and row.delivery_until
                else None,
            )
        )
        return Order(
            code=row.code,
            customer_id=row.customer_id,
            lines=[
                OrderLine(
                    li.product_id,
                    li.sku,
                    li.name,
                    li.unit,
                    li.quantity,
                    li.unit_price_minor,
                    li.line_total_minor,
                    vat_rate=li.vat_rate,
                    id=li.id,
                    ordered_quantity=li.ordered_quantity,
                    ordered_product_id=li.ordered_product_id,
                    ordered_name=li.ordered_name,
                )
                for li in row.lines
            ],
            fulfilment=fulfilment,
            phone=row.phone,
            note=row.note,
            status=OrderStatus(row.status),
            placed_at=row.placed_at,
            currency=row.currency,
            history=[
                StatusChange(OrderStatus(h.status), h.at, h.actor, h.reason) for h in row.history
            ],
            id=row.id,
            payment=Payment(
                PaymentMethod(row.payment_method),
                row.pay_by,
                _paid_at(row),
                row.refund_due_minor,
            ),
            pickup_code=row.pickup_code,
            customer_name=row.customer.name if customer_name is None else customer_name,
            money_taken=_taken(row.money_taken),
            extra_taken=_taken(row.extra_taken),
            extra_taken_minor=row.extra_taken_minor,
            placed_total_minor=row.placed_total_minor,
            changes_untold=row.changes_untold,
            promo=None
            if row.promo_code is None
            else OrderPromo(
                row.promo_code,
                Discount(row.promo_percent, row.promo_amount_minor),
                row.promo_code_id,
                row.promo_items_minor,
            ),
        )

    def add(self, order: Order) -> Order:
        f = order.fulfilment
        row = OrderRow(
            code=order.code,
            customer_id=order.customer_id,
            status=order.status.value,
            fulfilment=f.kind.value,
            pickup_slot=f.pickup_slot,
            address=f.address,
            delivery_fee_minor=f.delivery_fee_minor,
            delivery_from=f.window[0] if f.window else None,
            delivery_until=f.window[1] if f.window else None,
            phone=order.phone,
            note=order.note,
            currency=order.currency,
            total_minor=order.total_minor,
            placed_total_minor=order.total_minor,
            placed_at=order.placed_at,
            payment_method=order.payment.method.value,
            pay_by=order.payment.pay_by,
            refund_due_minor=order.payment.refund_due_minor,
        )
        if order.promo is not None:
            row.promo_code_id = order.promo.promo_id
            row.promo_code = order.promo.code
            row.promo_percent = order.promo.discount.percent
            row.promo_amount_minor = order.promo.discount.amount_minor
            row.promo_items_minor = order.promo.items_minor
        row.lines = [
            OrderLineRow(
                product_id=li.product_id,
                sku=li.sku,
                name=li.name,
                unit=li.unit,
                quantity=li.quantity,
                unit_price_minor=li.unit_price_minor,
                line_total_minor=li.line_total_minor,
                vat_rate=li.vat_rate,
                placed_at=order.placed_at,
                cancelled=order.status is OrderStatus.CANCELLED,
            )
            for li in order.lines
        ]
        row.history = [
            StatusChangeRow(status=h.status.value, at=h.at, actor=h.actor, reason=h.reason)
            for h in order.history
        ]
        self.session.add(row)
        self.session.flush()
        return self._to_domain(row, order.customer_name)

    def promo_uses(self, promo_id: int, customer_id: int) -> int:
        return int(
            self.session.execute(
                select(func.count()).where(
                    OrderRow.promo_code_id == promo_id,
                    OrderRow.customer_id == customer_id,
                    OrderRow.status != OrderStatus.CANCELLED.value,
                )
            ).scalar_one()
        )

    def _one(self, *conditions: object, for_update: bool = False) -> Order | None:
        query = select(OrderRow).where(*conditions).execution_options(populate_existing=True)  # type: ignore[arg-type]
        if for_update:
            query = query.with_for_update()
        row = self.session.scalars(query).one_or_none()
        return self._to_domain(row) if row else None

    def get(self, order_id: int) -> Order | None:
        return self._one(OrderRow.id == order_id)

    def get_by_code(self, code: str, *, for_update: bool = False) -> Order | None:
        return self._one(OrderRow.code == code, for_update=for_update)

    def get_by_pickup_code(self, code: str) -> Order | None:
        return self._one(OrderRow.pickup_code == code)

    def pickup_code_exists(self, code: str) -> bool:
        found = self.session.scalar(select(OrderRow.id).where(OrderRow.pickup_code == code))
        return found is not None

    def set_pickup_code(self, order_id: int, code: str) -> None:
        self._set(order_id, pickup_code=code)

    def set_pay_by(self, order_id: int, at: datetime) -> None:
        self._set(order_id, pay_by=at)

    def add_refund_due(self, order_id: int, amount_minor: int) -> None:
        self._set(order_id, refund_due_minor=OrderRow.refund_due_minor + amount_minor)

    def hold_for_picking(self, order_id: int, statuses: Sequence[OrderStatus]) -> bool:
        """Lock the order for a picking change while it is in one of `statuses`; False if it
        is not (it moved on). Marks the customer as still to be told, and keeps the total it
        was placed at (NULL for orders placed before it was kept: a Telegram payment must still
        pay for it once the picking changes its total)."""
        result = self.session.execute(
            update(OrderRow)
            .where(OrderRow.id == order_id, OrderRow.status.in_([s.value for s in statuses]))
            .values(changes_untold=True, placed_total_minor=PLACED_TOTAL)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def change_line(self, order_id: int, seen: OrderLine, picked: OrderLine) -> bool:
        """Write what was picked for a line, only if the line is still as `seen`."""
        result = self.session.execute(
            update(OrderLineRow)
            .where(
                OrderLineRow.id == seen.id,
                OrderLineRow.order_id == order_id,
                OrderLineRow.product_id == seen.product_id,
                OrderLineRow.quantity == seen.quantity,
            )
            .values(
                product_id=picked.product_id,
                sku=picked.sku,
                name=picked.name,
                quantity=picked.quantity,
                unit_price_minor=picked.unit_price_minor,
                line_total_minor=picked.line_total_minor,
                vat_rate=picked.vat_rate,
                ordered_quantity=picked.ordered_quantity,
                ordered_product_id=picked.ordered_product_id,
                ordered_name=picked.ordered_name,
            )
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def set_total(self, order_id: int, total_minor: int) -> None:
        self._set(order_id, total_minor=total_minor)

    def mark_told(self, order_id: int) -> bool:
        """The customer is told of the changes now; False if someone told them already."""
        result = self.session.execute(
            update(OrderRow)
            .where(OrderRow.id == order_id, OrderRow.changes_untold == true())
            .values(changes_untold=False)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def _set(self, order_id: int, **values: object) -> None:
        self.session.execute(
            update(OrderRow)
            .where(OrderRow.id == order_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )

    def add_payment(self, order_id: int, receipt: PaymentReceipt, at: datetime) -> bool:
        """False when this charge was recorded before (a redelivered payment). Every charge
        is kept; only one of the order's total in its currency pays for it (`PAYS`)."""
        return insert_unless_present(
            self.session,
            PaymentRow.__table__,  # type: ignore[arg-type]
            order_id=order_id,
            telegram_charge_id=receipt.telegram_charge_id,
            provider_charge_id=receipt.provider_charge_id,
            currency=receipt.currency,
            amount_minor=receipt.total_minor,
            paid_at=at,
        )

    def unpaid_past(self, at: datetime, *, limit: int) -> list[str]:
        """Codes of online orders still waiting for their payment after their deadline."""
        paid = select(PaymentRow.id).where(PaymentRow.order_id == OrderRow.id, PAYS).exists()
        return list(
            self.session.scalars(
                select(OrderRow.code)
                .where(
                    OrderRow.pay_by < at,
                    OrderRow.status == OrderStatus.PLACED.value,
                    OrderRow.payment_method == PaymentMethod.ONLINE.value,
                    ~paid,
                )
                .order_by(OrderRow.pay_by)
                .limit(limit)
            )
        )

    def uncollected_before(self, before: datetime, *, limit: int) -> list[str]:
        """Codes of pay-at-pickup orders still waiting for a pickup booked before `before`,
        earliest pickup first (read through the status index: few orders are open). Money
        sent in the chat for such an order never pays for it (it is a refund due), so it
        does not keep the order from being released."""
        waiting = [s.value for s in (OrderStatus.PLACED, OrderStatus.ACCEPTED, OrderStatus.READY)]
        return list(
            self.session.scalars(
                select(OrderRow.code)
                .where(
                    OrderRow.status.in_(waiting),
                    OrderRow.fulfilment == FulfilmentKind.PICKUP.value,
                    OrderRow.payment_method == PaymentMethod.ON_HANDOVER.value,
                    OrderRow.pickup_slot < before,
                )
                .order_by(OrderRow.pickup_slot, OrderRow.id)
                .limit(limit)
            )
        )

    def code_exists(self, code: str) -> bool:
        return self.session.scalar(select(OrderRow.id).where(OrderRow.code == code)) is not None

    def for_customer(
        self, customer_id: int, *, limit: int, offset: int = 0, cancelled: bool = True
    ) -> list[Order]:
        query = select(OrderRow).where(OrderRow.customer_id == customer_id)
        if not cancelled:
            query = query.where(OrderRow.status != OrderStatus.CANCELLED.value)
        rows = self.session.scalars(
            query.order_by(OrderRow.placed_at.desc(), OrderRow.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [self._to_domain(r) for r in rows]

    def usual_items(self, customer_id: int, *, limit: int) -> list[UsualItem]:
        rows = self.session.execute(_USUAL_ITEMS, {"customer_id": customer_id, "limit": limit})
        return [UsualItem(r.product_id, r.name, r.orders, r.quantity, r.placed_at) for r in rows]

    def open_orders(self, *, limit: int, offset: int = 0) -> list[Order]:
        rows = self.session.scalars(
            select(OrderRow)
            .where(_OPEN)
            .order_by(OrderRow.placed_at, OrderRow.id)
            .limit(limit)
            .offset(offset)
        )
        return [self._to_domain(r) for r in rows]

    def count_open(self) -> int:
        return self.session.scalar(select(func.count()).select_from(OrderRow).where(_OPEN)) or 0

    def last_address(self, customer_id: int) -> str | None:
        return self.session.scalars(
            select(OrderRow.address)
            .where(OrderRow.customer_id == customer_id, OrderRow.address.is_not(None))
            .order_by(OrderRow.placed_at.desc(), OrderRow.id.desc())
            .limit(1)
        ).first()

    def count_waiting(self, customer_id: int) -> int:
        return int(
            self.session.scalar(
                select(func.count())
                .select_from(OrderRow)
                .where(
                    OrderRow.customer_id == customer_id,
                    OrderRow.status == OrderStatus.PLACED.value,
                )
            )
            or 0
        )

    def change_status(self, order_id: int, expected: OrderStatus, change: StatusChange) -> bool:
        result = self.session.execute(
            update(OrderRow)
            .where(OrderRow.id == order_id, OrderRow.status == expected.value)
            .values(status=change.status.value)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return False
        cancelled = change.status is OrderStatus.CANCELLED
        if change.status is OrderStatus.COMPLETED:
            # Revenue from now on, on the day it was completed: its lines say so too.
            for table, key in ((OrderRow, OrderRow.id), (OrderLineRow, OrderLineRow.order_id)):
                self.session.execute(
                    update(table)
                    .where(key == order_id)
                    .values(completed_at=change.at)
                    .execution_options(synchronize_session=False)
                )
        if cancelled or expected is OrderStatus.CANCELLED:
            # The lines carry it too: sales per item are summed from them alone.
            self.session.execute(
                update(OrderLineRow)
                .where(OrderLineRow.order_id == order_id)
                .values(cancelled=cancelled)
                .execution_options(synchronize_session=False)
            )
        self.session.add(
            StatusChangeRow(
                order_id=order_id,
                status=change.status.value,
                at=change.at,
                actor=change.actor,
                reason=change.reason,
            )
        )
        self.session.flush()
        return True

    def record_money_taken(self, order_id: int, taken: Takings) -> None:
        extra = taken.extra_way.value if taken.extra_way else None
        self._set(
            order_id,
            money_taken=taken.way.value,
            extra_taken=extra,
            extra_taken_minor=taken.extra_minor,
        )

    def _sold(
        self, start: datetime, end: datetime, *only: ColumnElement[bool], completed: bool = False
    ) -> Select[Any]:
        """Quantity and revenue per item, summed from the lines' own indexes: no order is
        read. A short period is a slice of the index in time order; a long one reads the
        index in item order whole (already grouped: a year on the 100k store, 200 ms against
        300 ms through the time-ordered one, SQLite and MariaDB alike)."""
        by_item = end - start > BY_TIME_UP_TO
        return (
            select(
                OrderLineRow.product_id.label("product_id"),
                type_coerce(func.sum(OrderLineRow.quantity), Quantity).label("quantity"),
                func.sum(OrderLineRow.line_total_minor).label("revenue"),
            )
            .where(*_sold_in(start, end, by_item=by_item, completed=completed), *only)
            .group_by(OrderLineRow.product_id)
        )

    def best_sellers(
        self, start: datetime, end: datetime, *, top: int, completed: bool = False
    ) -> BestSellers:
        # One pass over the lines' index, ranked in the database: the 100,000 sums of a
        # supermarket's year never leave it; only the winners are named.
        if self.session.get_bind().dialect.name == "sqlite":
            by_quantity, by_revenue, items = self._top_by_limits(start, end, top, completed)
        else:
            by_quantity, by_revenue, items = self._top_by_memory_table(start, end, top, completed)
        rows = self.session.execute(
            select(
                ProductRow.id, ProductRow.sku, ProductRow.name, ProductRow.unit, ProductRow.active
            ).where(ProductRow.id.in_({pid for pid, _, _ in by_quantity + by_revenue}))
        ).all()
        products = {row.id: row for row in rows}

        def named(ranked: list[Sold]) -> list[ProductSales]:
            return [
                ProductSales(pid, p.sku, p.name, p.unit, quantity, int(revenue), bool(p.active))
                for pid, quantity, revenue in ranked
                for p in (products[pid],)
            ]

        archived_sold = self.session.scalar(
            select(func.count(distinct(OrderLineRow.product_id))).where(
                ranking.archived(OrderLineRow.product_id),
                *_sold_in(start, end, by_item=True, completed=completed),
            )
        )
        return BestSellers(
            named(by_quantity), named(by_revenue), items, items - (archived_sold or 0)
        )

    def _top_by_memory_table(
        self, start: datetime, end: datetime, top: int, completed: bool
    ) -> tuple[list[Sold], list[Sold], int]:
        """MariaDB: the per-item sums once, into a MEMORY temporary table (this connection's
        own), then two top-`top` passes and a count over it: 30 ms for a month on the 100k
        store, where window functions sorting every sum took 51 ms (it would sum them again
        for each use of a WITH)."""
        connection = self.session.connection()
        SOLD.drop(connection, checkfirst=True)  # left by a report that failed halfway
        # A MEMORY table's size is capped when it is made (16 MB by default: about 400,000
        # items); this one may hold every item of a big store, and only ever as many rows.
        connection.exec_driver_sql(f"SET SESSION max_heap_table_size = {SOLD_MAX_BYTES}")
        SOLD.create(connection)
        connection.exec_driver_sql("SET SESSION max_heap_table_size = DEFAULT")
        try:
            sums = self._sold(start, end, completed=completed)
            connection.execute(
                insert(SOLD).from_select(["product_id", "quantity", "revenue"], sums)
            )
            pid, quantity, revenue = SOLD.c.product_id, SOLD.c.quantity, SOLD.c.revenue

            def first(*order: Any) -> list[Sold]:
                picked = select(pid, quantity, revenue).order_by(*order).limit(top)
                return [(r.product_id, r.quantity, r.revenue) for r in connection.execute(picked)]

            by_quantity = first(*ranking.in_rank(pid, quantity, revenue, most_sold=True))
            by_revenue = first(*ranking.in_rank(pid, quantity, revenue, most_sold=False))
            items = connection.scalar(select(func.count()).select_from(SOLD)) or 0
        finally:
            SOLD.drop(connection)
        return by_quantity, by_revenue, items

    def _top_by_limits(
        self, start: datetime, end: datetime, top: int, completed: bool
    ) -> tuple[list[Sold], list[Sold], int]:
        """SQLite: the per-item sums once (a materialised WITH), then two top-`top` passes
        and a count over them (its window functions sort every sum: 50 against 18 ms for a
        month on the 100k store)."""
        sold = self._sold(start, end, completed=completed).cte("sold").prefix_with("MATERIALIZED")
        quantity, revenue, pid = sold.c.quantity, sold.c.revenue, sold.c.product_id

        def first(kind: str, *order: Any) -> Select[Any]:
            picked = select(pid, quantity, revenue).order_by(*order).limit(top).subquery()
            return select(picked, literal_column(f"'{kind}'"))

        rows = (
            self.session.connection()
            .execute(
                union_all(
                    first("q", *ranking.in_rank(pid, quantity, revenue, most_sold=True)),
                    first("r", *ranking.in_rank(pid, quantity, revenue, most_sold=False)),
                    select(func.count(), null(), null(), literal_column("'n'")).select_from(sold),
                )
            )
            .all()
        )
        by_quantity = [(p, q, r) for p, q, r, kind in rows if kind == "q"]
        by_revenue = [(p, q, r) for p, q, r, kind in rows if kind == "r"]
        [items] = [p for p, _, _, kind in rows if kind == "n"]
        return by_quantity, by_revenue, int(items)

    def unsold_names(
        self, start: datetime, end: datetime, *, limit: int, completed: bool = False
    ) -> list[str]:
        return list(
            self.session.scalars(self._unsold(start, end, completed, ProductRow.name).limit(limit))
        )

    def unsold(
        self, start: datetime, end: datetime, *, completed: bool = False
    ) -> list[ProductSales]:
        zero = Decimal(0)
        return [
            ProductSales(pid, sku, name, unit, zero, 0, True)
            for pid, sku, name, unit in self.session.execute(
                self._unsold(
                    start,
                    end,
                    completed,
                    ProductRow.id,
                    ProductRow.sku,
                    ProductRow.name,
                    ProductRow.unit,
                )
            )
        ]

    def _unsold(
        self, start: datetime, end: datetime, completed: bool, *columns: Any
    ) -> Select[Any]:
        """Items on sale with no sale in [start, end), in name order, each probed on the
        lines' index (item first): a busy store's first names mostly sold, so a walk for the
        first few stops after a few hundred probes."""
        sold = (
            select(OrderLineRow.id)
            .where(
                OrderLineRow.product_id == ProductRow.id,
                *_sold_in(start, end, by_item=True, completed=completed),
            )
            .exists()
        )
        return select(*columns).where(ON_SALE, ~sold).order_by(ProductRow.name, ProductRow.id)

    def sales_by_product(
        self,
        start: datetime,
        end: datetime,
        *,
        product_ids: Sequence[int] | None = None,
        completed: bool = False,
    ) -> list[ProductSales]:
        only = () if product_ids is None else (OrderLineRow.product_id.in_(product_ids),)
        # Sum the lines per item first, then name the items: grouping by name and SKU as well
        # would sort every line by them.
        sold = self._sold(start, end, *only, completed=completed).subquery()
        return self._named(ranking.select_named(sold))

    def _named(self, query: Select[Any]) -> list[ProductSales]:
        return ranking.named(self.session.connection(), query)

    def count_completed(self, order_id: int) -> bool:
        return sales_quarters.add_order(self.session, order_id)

    def uncounted_completed(self, limit: int) -> list[tuple[int, datetime]]:
        return sales_quarters.uncounted(self.session, limit)

    def day_totals(self, start: datetime, end: datetime, utc_offset_minutes: int) -> list[DayTotal]:
        """Completed orders, their goods and delivery fees per local day of completion, for a
        stretch with one UTC offset: summed from the quarter hours (sales_quarters), never
        one row per order."""
        return _as_days(sales_quarters.day_totals(self.session, start, end, utc_offset_minutes))

    def first_completed(self) -> datetime | None:
        return sales_quarters.first_completed(self.session)

    def hold_summed_days(self, zone: str) -> date | None:
        return sales_quarters.hold_zone(self.session, zone)

    def days_summed_through(self, zone: str) -> date | None:
        return sales_quarters.summed_through(self.session, zone)

    def sum_days(
        self, zone: str, stretches: Sequence[tuple[datetime, datetime, int]], through: date
    ) -> None:
        sales_quarters.close_days(self.session, zone, stretches, through)

    def summed_day_totals(self, zone: str, first: date, last: date) -> list[DayTotal]:
        return _as_days(sales_quarters.closed_days(self.session, zone, first, last))

    def least_sold(
        self, start: datetime, end: datetime, *, limit: int | None
    ) -> list[ProductSales]:
        sold = self._sold(start, end, completed=True).subquery()
        return self._named(
            ranking.select_named(sold)
            .where(ProductRow.active.is_(True))
            .order_by(type_coerce(sold.c.quantity, BigInteger), ProductRow.sku)
            .limit(limit),
        )

    def range_sales(
        self,
        start: datetime,
        end: datetime,
        *,
        top: int,
        within: int,
        short: int,
        bounds: Callable[[int], tuple[int, ...]],
    ) -> RangeSales:
        """The per-item sums once, into a temporary table of this connection (MariaDB: in
        memory), then every ranking over it: a year on the 100k store is one pass over the
        lines' index instead of four."""
        connection = self.session.connection()
        mariadb = connection.dialect.name != "sqlite"
        SOLD.drop(connection, checkfirst=True)  # left by a page that failed halfway
        if mariadb:  # a MEMORY table's size is capped when it is made (see best_sellers)
            connection.exec_driver_sql(f"SET SESSION max_heap_table_size = {SOLD_MAX_BYTES}")
        SOLD.create(connection)
        if mariadb:
            connection.exec_driver_sql("SET SESSION max_heap_table_size = DEFAULT")
        try:
            sums = self._sold(start, end, completed=True)
            connection.execute(
                insert(SOLD).from_select(["product_id", "quantity", "revenue"], sums)
            )
            days = max(1, round((end - start).total_seconds() / 86400))
            return ranking.ranked(
                connection,
                SOLD,
                (),
                days=days,
                top=top,
                within=within,
                short=short,
                bounds=bounds,
            )
        finally:
            SOLD.drop(connection)

    def completed_by_hour_of_week(
        self, start: datetime, end: datetime, utc_offset_minutes: int
    ) -> list[tuple[int, int, int, int]]:
        """Summed from the quarter hours (sales_quarters): a year is 35,000 of them at most."""
        return sales_quarters.by_hour_of_week(self.session, start, end, utc_offset_minutes)

    def customers_in(self, start: datetime, end: datetime) -> tuple[int, int]:
        done = OrderRow.completed_at
        earlier = aliased(OrderRow)
        # Per buyer of the period, whether they had a completed order before it: one probe of
        # the (customer, completed) index each.
        returned = (
            select(earlier.id)
            .where(
                earlier.customer_id == OrderRow.customer_id,
                earlier.completed_at < start,
            )
            .exists()
        )
        buyers = (
            select(OrderRow.customer_id, case((returned, 1), else_=0).label("back"))
            .where(done >= start, done < end)
            .group_by(OrderRow.customer_id)
            .subquery()
        )
        everyone, back = self.session.execute(
            select(func.count(), func.coalesce(func.sum(buyers.c.back), 0))
        ).one()
        return int(everyone) - int(back), int(back)

    def bought_together(
        self, start: datetime, end: datetime, *, top: int
    ) -> list[tuple[str, str, str, str, int]]:
        pairs = ranking.pair_sums(start, end).subquery()
        best = (
            select(pairs)
            .order_by(pairs.c.orders.desc(), pairs.c.first_id, pairs.c.second_id)
            .limit(top)
        )
        return ranking.named_pairs(self.session.connection(), best)

    def record_vat(self, order_id: int, at: datetime, vat: Sequence[VatAtRate]) -> None:
        self.session.add_all(
            OrderVatRow(
                order_id=order_id,
                rate=entry.rate,
                completed_at=at,
                gross_minor=entry.gross_minor,
                vat_minor=entry.vat_minor,
            )
            for entry in vat
        )

    def issued_vat(self, order_id: int) -> list[VatAtRate]:
        rows = self.session.execute(
            select(OrderVatRow.rate, OrderVatRow.gross_minor, OrderVatRow.vat_minor)
            .where(OrderVatRow.order_id == order_id)
            .order_by(OrderVatRow.rate)
        )
        return [VatAtRate(rate, int(gross), int(vat)) for rate, gross, vat in rows]

    def completed_vat(self, start: datetime, end: datetime) -> list[VatAtRate]:
        """The receipts' own VAT, as issued, added up per rate: one covering index's slice."""
        done = OrderVatRow.completed_at
        rows = self.session.execute(
            select(
                OrderVatRow.rate, func.sum(OrderVatRow.gross_minor), func.sum(OrderVatRow.vat_minor)
            )
            .where(done >= start, done < end)
            .group_by(OrderVatRow.rate)
            .order_by(OrderVatRow.rate)
        )
        return [VatAtRate(rate, int(gross), int(vat)) for rate, gross, vat in rows]
