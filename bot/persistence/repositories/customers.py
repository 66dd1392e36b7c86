"""Customers, their carts and checkouts in progress. Repositories never commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.domain.cart import CartLine
from bot.domain.checkout import CheckoutDraft, CheckoutStep
from bot.domain.customers import Customer
from bot.domain.orders import (
    FulfilmentKind,
)
from bot.persistence.models import (
    CartLineRow,
    CheckoutRow,
    CustomerRow,
)


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

    def lock(self, customer_id: int) -> None:
        self.session.execute(
            select(CustomerRow.id).where(CustomerRow.id == customer_id).with_for_update()
        )

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


class SqlCheckoutRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, customer_id: int, *, for_update: bool = False) -> CheckoutDraft | None:
        row = self.session.get(
            CheckoutRow, customer_id, populate_existing=True, with_for_update=for_update
        )
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

    def delete(self, customer_id: int) -> bool:
        result = self.session.execute(
            delete(CheckoutRow).where(CheckoutRow.customer_id == customer_id)
        )
        return result.rowcount == 1  # type: ignore[attr-defined,no-any-return]

    def forget_before(self, at: datetime) -> int:
        result = self.session.execute(delete(CheckoutRow).where(CheckoutRow.updated_at < at))
        return int(result.rowcount)  # type: ignore[attr-defined]
