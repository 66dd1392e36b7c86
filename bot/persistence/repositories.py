"""Repositories: translate between rows and domain objects. They never commit."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.expression import type_coerce

from bot.domain.cart import CartLine
from bot.domain.catalogue import Product, Unit
from bot.domain.checkout import CheckoutDraft, CheckoutStep
from bot.domain.customers import Customer
from bot.domain.notifications import Notification, NotificationKind
from bot.domain.orders import (
    Fulfilment,
    FulfilmentKind,
    Order,
    OrderLine,
    OrderStatus,
    StatusChange,
)
from bot.domain.ports import OrderTotal, ProductSales, StaffSession
from bot.domain.prompts import LoginThrottle, Prompt, PromptKind
from bot.domain.staff import Invite, Role, StaffAccount
from bot.domain.stock import LedgerEntry, StockReason
from bot.persistence.models import (
    CartLineRow,
    CheckoutRow,
    CustomerRow,
    DigestRunRow,
    InviteRow,
    LedgerRow,
    LoginThrottleRow,
    OrderLineRow,
    OrderRow,
    OutboxRow,
    ProductRow,
    PromptRow,
    StaffRow,
    StaffSessionRow,
    StatusChangeRow,
)
from bot.persistence.types import Quantity


def _like_pattern(key: str) -> str:
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _matches_every_word(key: str) -> list[Any]:
    """Each typed word must appear somewhere in the item's search text, in any order."""
    return [ProductRow.search_text.like(_like_pattern(word), escape="\\") for word in key.split()]


class SqlProductRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    @staticmethod
    def _to_domain(row: ProductRow) -> Product:
        return Product(
            sku=row.sku,
            name=row.name,
            category=row.category,
            unit=Unit(row.unit),
            step=row.step,
            price_minor=row.price_minor,
            description=row.description,
            low_stock_threshold=row.low_stock_threshold,
            active=row.active,
            photo_file_id=row.photo_file_id,
            stock=row.stock,
            id=row.id,
        )

    @staticmethod
    def _copy_details(product: Product, row: ProductRow) -> None:
        row.sku = product.sku
        row.name = product.name
        row.category = product.category
        row.unit = product.unit.value
        row.step = product.step
        row.price_minor = product.price_minor
        row.description = product.description
        row.low_stock_threshold = product.low_stock_threshold
        row.active = product.active
        row.photo_file_id = product.photo_file_id
        row.search_text = product.search_text[:400]

    def add(self, product: Product) -> Product:
        row = ProductRow(stock=product.stock)
        self._copy_details(product, row)
        self.session.add(row)
        self.session.flush()
        return self._to_domain(row)

    def get(self, product_id: int) -> Product | None:
        row = self.session.get(ProductRow, product_id, populate_existing=True)
        return self._to_domain(row) if row else None

    def get_by_sku(self, sku: str) -> Product | None:
        row = self.session.scalars(
            select(ProductRow)
            .where(ProductRow.sku == sku)
            .execution_options(populate_existing=True)
        ).one_or_none()
        return self._to_domain(row) if row else None

    def get_many(self, product_ids: Sequence[int]) -> dict[int, Product]:
        if not product_ids:
            return {}
        rows = self.session.scalars(
            select(ProductRow)
            .where(ProductRow.id.in_(set(product_ids)))
            .execution_options(populate_existing=True)
        )
        return {row.id: self._to_domain(row) for row in rows}

    def update_details(self, product: Product) -> None:
        row = self.session.get(ProductRow, product.id)
        if row is None:
            raise LookupError(f"product {product.id} vanished")
        self._copy_details(product, row)
        self.session.flush()

    def change_stock(self, product_id: int, delta: Decimal) -> Decimal | None:
        condition = ProductRow.id == product_id
        if delta < 0:
            # The guard and the change are one statement: no read-then-write race.
            condition = and_(condition, ProductRow.stock >= type_coerce(-delta, Quantity))
        result = self.session.execute(
            update(ProductRow)
            .where(condition)
            .values(stock=ProductRow.stock + type_coerce(delta, Quantity))
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return None
        level: Decimal = self.session.scalars(
            select(ProductRow.stock).where(ProductRow.id == product_id)
        ).one()
        return level

    def mark_low_alerted(self, product_id: int) -> bool:
        result = self.session.execute(
            update(ProductRow)
            .where(ProductRow.id == product_id, ProductRow.low_stock_alerted.is_(False))
            .values(low_stock_alerted=True)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1  # type: ignore[attr-defined,no-any-return]

    def rearm_low_alert(self, product_id: int) -> None:
        self.session.execute(
            update(ProductRow)
            .where(ProductRow.id == product_id, ProductRow.low_stock_alerted.is_(True))
            .values(low_stock_alerted=False)
            .execution_options(synchronize_session=False)
        )

    def search(self, key: str, *, limit: int, offset: int = 0) -> list[Product]:
        rows = self.session.scalars(
            select(ProductRow)
            .where(ProductRow.active.is_(True), *_matches_every_word(key))
            .order_by(ProductRow.name, ProductRow.id)
            .limit(limit)
            .offset(offset)
        )
        return [self._to_domain(r) for r in rows]

    def count_search(self, key: str) -> int:
        return (
            self.session.scalar(
                select(func.count())
                .select_from(ProductRow)
                .where(ProductRow.active.is_(True), *_matches_every_word(key))
            )
            or 0
        )

    def categories(self) -> list[str]:
        return list(
            self.session.scalars(
                select(ProductRow.category)
                .where(ProductRow.active.is_(True))
                .group_by(ProductRow.category)
                .order_by(ProductRow.category)
            )
        )

    def in_category(self, category: str, *, limit: int, offset: int = 0) -> list[Product]:
        rows = self.session.scalars(
            select(ProductRow)
            .where(ProductRow.active.is_(True), ProductRow.category == category)
            .order_by(ProductRow.name, ProductRow.id)
            .limit(limit)
            .offset(offset)
        )
        return [self._to_domain(r) for r in rows]

    def count_in_category(self, category: str) -> int:
        return (
            self.session.scalar(
                select(func.count())
                .select_from(ProductRow)
                .where(ProductRow.active.is_(True), ProductRow.category == category)
            )
            or 0
        )

    def all(self, *, include_archived: bool = True) -> list[Product]:
        query = select(ProductRow).order_by(ProductRow.category, ProductRow.name, ProductRow.id)
        if not include_archived:
            query = query.where(ProductRow.active.is_(True))
        return [self._to_domain(r) for r in self.session.scalars(query)]


class SqlLedgerRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, entry: LedgerEntry) -> LedgerEntry:
        row = LedgerRow(
            product_id=entry.product_id,
            reason=entry.reason.value,
            change=entry.change,
            resulting_level=entry.resulting_level,
            at=entry.at,
            actor=entry.actor,
            note=entry.note,
            order_id=entry.order_id,
        )
        self.session.add(row)
        self.session.flush()
        return self._to_domain(row)

    @staticmethod
    def _to_domain(row: LedgerRow) -> LedgerEntry:
        return LedgerEntry(
            product_id=row.product_id,
            reason=StockReason(row.reason),
            change=row.change,
            resulting_level=row.resulting_level,
            at=row.at,
            actor=row.actor,
            note=row.note,
            order_id=row.order_id,
            id=row.id,
        )

    def recent(self, product_id: int, *, limit: int) -> list[LedgerEntry]:
        rows = self.session.scalars(
            select(LedgerRow)
            .where(LedgerRow.product_id == product_id)
            .order_by(LedgerRow.id.desc())
            .limit(limit)
        )
        return [self._to_domain(r) for r in rows]

    def balance(self, product_id: int) -> Decimal:
        total = self.session.scalar(
            select(type_coerce(func.coalesce(func.sum(LedgerRow.change), 0), Quantity)).where(
                LedgerRow.product_id == product_id
            )
        )
        return total if total is not None else Decimal(0)


class SqlCustomerRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    @staticmethod
    def _to_domain(row: CustomerRow) -> Customer:
        return Customer(row.telegram_user_id, row.name, row.username, row.phone, row.id)

    def add(self, customer: Customer) -> Customer:
        row = CustomerRow(
            telegram_user_id=customer.telegram_user_id,
            name=customer.name,
            username=customer.username,
            phone=customer.phone,
        )
        self.session.add(row)
        self.session.flush()
        return self._to_domain(row)

    def get(self, customer_id: int) -> Customer | None:
        row = self.session.get(CustomerRow, customer_id)
        return self._to_domain(row) if row else None

    def get_by_telegram_id(self, telegram_user_id: int) -> Customer | None:
        row = self.session.scalars(
            select(CustomerRow).where(CustomerRow.telegram_user_id == telegram_user_id)
        ).one_or_none()
        return self._to_domain(row) if row else None

    def update(self, customer: Customer) -> None:
        row = self.session.get(CustomerRow, customer.id)
        if row is None:
            raise LookupError(f"customer {customer.id} vanished")
        row.name, row.username, row.phone = customer.name, customer.username, customer.phone
        self.session.flush()


class SqlCartRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def lines(self, customer_id: int) -> list[CartLine]:
        rows = self.session.scalars(
            select(CartLineRow)
            .where(CartLineRow.customer_id == customer_id)
            .order_by(CartLineRow.position, CartLineRow.product_id)
        )
        return [CartLine(r.product_id, r.quantity, r.seen_price_minor) for r in rows]

    def put(self, customer_id: int, line: CartLine) -> None:
        row = self.session.get(CartLineRow, (customer_id, line.product_id))
        if row is None:
            position = (
                self.session.scalar(
                    select(func.coalesce(func.max(CartLineRow.position), 0)).where(
                        CartLineRow.customer_id == customer_id
                    )
                )
                or 0
            )
            row = CartLineRow(
                customer_id=customer_id, product_id=line.product_id, position=position + 1
            )
            self.session.add(row)
        row.quantity = line.quantity
        row.seen_price_minor = line.seen_price_minor
        self.session.flush()

    def remove(self, customer_id: int, product_id: int) -> None:
        self.session.execute(
            delete(CartLineRow).where(
                CartLineRow.customer_id == customer_id, CartLineRow.product_id == product_id
            )
        )

    def clear(self, customer_id: int) -> None:
        self.session.execute(delete(CartLineRow).where(CartLineRow.customer_id == customer_id))


_NOT_CANCELLED = OrderRow.status != OrderStatus.CANCELLED.value


class SqlOrderRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    @staticmethod
    def _to_domain(row: OrderRow) -> Order:
        kind = FulfilmentKind(row.fulfilment)
        fulfilment = (
            Fulfilment.pickup(row.pickup_slot)
            if kind is FulfilmentKind.PICKUP and row.pickup_slot
            else Fulfilment(kind, row.pickup_slot, row.address, row.delivery_fee_minor)
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
            phone=order.phone,
            note=order.note,
            currency=order.currency,
            total_minor=order.total_minor,
            placed_at=order.placed_at,
        )
        row.lines = [
            OrderLineRow(
                product_id=li.product_id,
                sku=li.sku,
                name=li.name,
                unit=li.unit,
                quantity=li.quantity,
                unit_price_minor=li.unit_price_minor,
                line_total_minor=li.line_total_minor,
            )
            for li in order.lines
        ]
        row.history = [
            StatusChangeRow(status=h.status.value, at=h.at, actor=h.actor, reason=h.reason)
            for h in order.history
        ]
        self.session.add(row)
        self.session.flush()
        return self._to_domain(row)

    def _one(self, *conditions: object) -> Order | None:
        row = self.session.scalars(
            select(OrderRow).where(*conditions).execution_options(populate_existing=True)  # type: ignore[arg-type]
        ).one_or_none()
        return self._to_domain(row) if row else None

    def get(self, order_id: int) -> Order | None:
        return self._one(OrderRow.id == order_id)

    def get_by_code(self, code: str) -> Order | None:
        return self._one(OrderRow.code == code)

    def code_exists(self, code: str) -> bool:
        return self.session.scalar(select(OrderRow.id).where(OrderRow.code == code)) is not None

    def for_customer(self, customer_id: int, *, limit: int, offset: int = 0) -> list[Order]:
        rows = self.session.scalars(
            select(OrderRow)
            .where(OrderRow.customer_id == customer_id)
            .order_by(OrderRow.placed_at.desc(), OrderRow.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [self._to_domain(r) for r in rows]

    def open_orders(self, *, limit: int, offset: int = 0) -> list[Order]:
        closed = (OrderStatus.COMPLETED.value, OrderStatus.CANCELLED.value)
        rows = self.session.scalars(
            select(OrderRow)
            .where(OrderRow.status.not_in(closed))
            .order_by(OrderRow.placed_at, OrderRow.id)
            .limit(limit)
            .offset(offset)
        )
        return [self._to_domain(r) for r in rows]

    def change_status(self, order_id: int, expected: OrderStatus, change: StatusChange) -> bool:
        result = self.session.execute(
            update(OrderRow)
            .where(OrderRow.id == order_id, OrderRow.status == expected.value)
            .values(status=change.status.value)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return False
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

    def sales_by_product(self, start: datetime, end: datetime) -> list[ProductSales]:
        rows = self.session.execute(
            select(
                OrderLineRow.product_id,
                ProductRow.sku,
                ProductRow.name,
                ProductRow.unit,
                type_coerce(func.sum(OrderLineRow.quantity), Quantity),
                func.sum(OrderLineRow.line_total_minor),
            )
            .join(OrderRow, OrderRow.id == OrderLineRow.order_id)
            .join(ProductRow, ProductRow.id == OrderLineRow.product_id)
            .where(_NOT_CANCELLED, OrderRow.placed_at >= start, OrderRow.placed_at < end)
            .group_by(OrderLineRow.product_id, ProductRow.sku, ProductRow.name, ProductRow.unit)
        )
        return [
            ProductSales(pid, sku, name, unit, qty, int(revenue))
            for pid, sku, name, unit, qty, revenue in rows
        ]

    def totals(self, start: datetime, end: datetime) -> list[OrderTotal]:
        rows = self.session.execute(
            select(OrderRow.placed_at, OrderRow.total_minor)
            .where(_NOT_CANCELLED, OrderRow.placed_at >= start, OrderRow.placed_at < end)
            .order_by(OrderRow.placed_at)
        )
        return [OrderTotal(at, total) for at, total in rows]


class SqlStaffRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    @staticmethod
    def _to_domain(row: StaffRow) -> StaffAccount:
        return StaffAccount(
            username=row.username,
            display_name=row.display_name,
            password_hash=row.password_hash,
            role=Role(row.role),
            active=row.active,
            telegram_user_id=row.telegram_user_id,
            failed_attempts=row.failed_attempts,
            locked_until=row.locked_until,
            id=row.id,
        )

    @staticmethod
    def _copy(account: StaffAccount, row: StaffRow) -> None:
        row.username = account.username
        row.display_name = account.display_name
        row.password_hash = account.password_hash
        row.role = account.role.value
        row.active = account.active
        row.telegram_user_id = account.telegram_user_id
        row.failed_attempts = account.failed_attempts
        row.locked_until = account.locked_until

    def add(self, account: StaffAccount) -> StaffAccount:
        row = StaffRow()
        self._copy(account, row)
        self.session.add(row)
        self.session.flush()
        return self._to_domain(row)

    def get(self, staff_id: int) -> StaffAccount | None:
        row = self.session.get(StaffRow, staff_id, populate_existing=True)
        return self._to_domain(row) if row else None

    def get_by_username(self, username: str) -> StaffAccount | None:
        row = self.session.scalars(
            select(StaffRow).where(StaffRow.username == username)
        ).one_or_none()
        return self._to_domain(row) if row else None

    def update(self, account: StaffAccount) -> None:
        row = self.session.get(StaffRow, account.id)
        if row is None:
            raise LookupError(f"staff account {account.id} vanished")
        self._copy(account, row)
        self.session.flush()

    def all(self) -> list[StaffAccount]:
        return [
            self._to_domain(r)
            for r in self.session.scalars(select(StaffRow).order_by(StaffRow.username))
        ]


class SqlSessionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def open(self, staff_session: StaffSession) -> None:
        self.close(staff_session.telegram_user_id)
        self.session.add(
            StaffSessionRow(
                telegram_user_id=staff_session.telegram_user_id,
                staff_id=staff_session.staff_id,
                started_at=staff_session.started_at,
                last_seen_at=staff_session.last_seen_at,
            )
        )
        self.session.flush()

    def get(self, telegram_user_id: int) -> StaffSession | None:
        row = self.session.get(StaffSessionRow, telegram_user_id, populate_existing=True)
        if row is None:
            return None
        return StaffSession(row.telegram_user_id, row.staff_id, row.started_at, row.last_seen_at)

    def touch(self, telegram_user_id: int, at: datetime) -> None:
        self.session.execute(
            update(StaffSessionRow)
            .where(StaffSessionRow.telegram_user_id == telegram_user_id)
            .values(last_seen_at=at)
        )

    def close(self, telegram_user_id: int) -> None:
        self.session.execute(
            delete(StaffSessionRow).where(StaffSessionRow.telegram_user_id == telegram_user_id)
        )
        self.session.flush()

    def close_all_for(self, staff_id: int) -> None:
        self.session.execute(delete(StaffSessionRow).where(StaffSessionRow.staff_id == staff_id))

    def on_duty(self, *, since: datetime) -> list[StaffSession]:
        rows = self.session.scalars(
            select(StaffSessionRow)
            .join(StaffRow, StaffRow.id == StaffSessionRow.staff_id)
            .where(StaffRow.active.is_(True), StaffSessionRow.last_seen_at >= since)
            .order_by(StaffSessionRow.telegram_user_id)
        )
        return [
            StaffSession(r.telegram_user_id, r.staff_id, r.started_at, r.last_seen_at) for r in rows
        ]


def invite_digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


class SqlInviteRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, invite: Invite) -> Invite:
        row = InviteRow(
            code_digest=invite_digest(invite.code),
            role=invite.role.value,
            created_by=invite.created_by,
            expires_at=invite.expires_at,
        )
        self.session.add(row)
        self.session.flush()
        return Invite(invite.code, invite.role, invite.created_by, invite.expires_at, id=row.id)

    def get_by_code(self, code: str) -> Invite | None:
        row = self.session.scalars(
            select(InviteRow).where(InviteRow.code_digest == invite_digest(code))
        ).one_or_none()
        if row is None:
            return None
        return Invite(
            code, Role(row.role), row.created_by, row.expires_at, row.used_at, row.used_by, row.id
        )

    def mark_used(self, invite_id: int, staff_id: int, at: datetime) -> bool:
        result = self.session.execute(
            update(InviteRow)
            .where(InviteRow.id == invite_id, InviteRow.used_at.is_(None))
            .values(used_at=at, used_by=staff_id)
        )
        return result.rowcount == 1  # type: ignore[attr-defined,no-any-return]


class SqlOutboxRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    @staticmethod
    def _to_domain(row: OutboxRow) -> Notification:
        return Notification(
            row.chat_id,
            NotificationKind(row.kind),
            dict(row.payload),
            row.created_at,
            row.order_id,
            row.attempts,
            row.id,
        )

    def add(self, notification: Notification) -> Notification:
        row = OutboxRow(
            chat_id=notification.chat_id,
            kind=notification.kind.value,
            payload=dict(notification.payload),
            order_id=notification.order_id,
            created_at=notification.created_at,
            next_attempt_at=notification.created_at,
            attempts=0,
            sent_at=None,
            last_error="",
        )
        self.session.add(row)
        self.session.flush()
        return self._to_domain(row)

    @staticmethod
    def _deliverable(now: datetime) -> list[Any]:
        return [
            OutboxRow.sent_at.is_(None),
            OutboxRow.failed_at.is_(None),
            OutboxRow.next_attempt_at <= now,
            or_(OutboxRow.claimed_until.is_(None), OutboxRow.claimed_until <= now),
        ]

    def due(self, now: datetime, *, limit: int) -> list[Notification]:
        earlier = aliased(OutboxRow)
        waiting_behind = (
            select(earlier.id)
            .where(
                earlier.chat_id == OutboxRow.chat_id,
                earlier.id < OutboxRow.id,
                earlier.sent_at.is_(None),
                earlier.failed_at.is_(None),
            )
            .exists()
        )
        rows = self.session.scalars(
            select(OutboxRow)
            .where(*self._deliverable(now), ~waiting_behind)
            .order_by(OutboxRow.id)
            .limit(limit)
        )
        return [self._to_domain(r) for r in rows]

    def claim(self, notification_id: int, now: datetime, until: datetime) -> bool:
        result = self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == notification_id, *self._deliverable(now))
            .values(claimed_until=until)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1  # type: ignore[attr-defined,no-any-return]

    def mark_sent(self, notification_id: int, at: datetime) -> None:
        self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == notification_id)
            .values(sent_at=at, claimed_until=None)
        )

    def postpone(self, notification_id: int, until: datetime, error: str) -> None:
        self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == notification_id)
            .values(
                next_attempt_at=until,
                attempts=OutboxRow.attempts + 1,
                last_error=error[:500],
                claimed_until=None,
            )
        )

    def fail(self, notification_id: int, at: datetime, error: str) -> None:
        self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == notification_id)
            .values(failed_at=at, claimed_until=None, last_error=error[:500])
        )


class SqlCheckoutRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, customer_id: int) -> CheckoutDraft | None:
        row = self.session.get(CheckoutRow, customer_id, populate_existing=True)
        if row is None:
            return None
        return CheckoutDraft(
            customer_id=row.customer_id,
            step=CheckoutStep(row.step),
            updated_at=row.updated_at,
            kind=FulfilmentKind(row.kind) if row.kind else None,
            pickup_slot=row.pickup_slot,
            address=row.address,
            phone=row.phone,
            note=row.note,
        )

    def save(self, draft: CheckoutDraft) -> None:
        row = self.session.get(CheckoutRow, draft.customer_id)
        if row is None:
            row = CheckoutRow(customer_id=draft.customer_id)
            self.session.add(row)
        row.step = draft.step.value
        row.kind = draft.kind.value if draft.kind else None
        row.pickup_slot = draft.pickup_slot
        row.address = draft.address
        row.phone = draft.phone
        row.note = draft.note
        row.updated_at = draft.updated_at
        self.session.flush()

    def delete(self, customer_id: int) -> None:
        self.session.execute(delete(CheckoutRow).where(CheckoutRow.customer_id == customer_id))


class SqlPromptRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, telegram_user_id: int) -> Prompt | None:
        row = self.session.get(PromptRow, telegram_user_id, populate_existing=True)
        if row is None:
            return None
        return Prompt(
            row.telegram_user_id, PromptKind(row.kind), row.step, row.updated_at, dict(row.data)
        )

    def save(self, prompt: Prompt) -> None:
        row = self.session.get(PromptRow, prompt.telegram_user_id)
        if row is None:
            row = PromptRow(telegram_user_id=prompt.telegram_user_id)
            self.session.add(row)
        row.kind, row.step = prompt.kind.value, prompt.step
        row.data, row.updated_at = dict(prompt.data), prompt.updated_at
        self.session.flush()

    def delete(self, telegram_user_id: int) -> None:
        self.session.execute(
            delete(PromptRow).where(PromptRow.telegram_user_id == telegram_user_id)
        )


class SqlThrottleRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, telegram_user_id: int) -> LoginThrottle:
        row = self.session.get(LoginThrottleRow, telegram_user_id, populate_existing=True)
        if row is None:
            return LoginThrottle(telegram_user_id)
        return LoginThrottle(row.telegram_user_id, row.failed_attempts, row.locked_until)

    def save(self, throttle: LoginThrottle) -> None:
        row = self.session.get(LoginThrottleRow, throttle.telegram_user_id)
        if row is None:
            row = LoginThrottleRow(telegram_user_id=throttle.telegram_user_id)
            self.session.add(row)
        row.failed_attempts, row.locked_until = throttle.failed_attempts, throttle.locked_until
        self.session.flush()


class SqlDigestRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def queued_on(self, day: date) -> bool:
        return self.session.get(DigestRunRow, day) is not None

    def mark_queued(self, day: date, at: datetime) -> None:
        # Two processes racing here: one insert fails on the key and its use case re-runs.
        self.session.add(DigestRunRow(day=day, queued_at=at))
        self.session.flush()
