"""Customers, their carts and checkouts in progress. Repositories never commit."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from bot.domain.cart import CartLine
from bot.domain.catalogue import Product
from bot.domain.checkout import CheckoutDraft, CheckoutStep
from bot.domain.customers import Customer
from bot.domain.orders import (
    FulfilmentKind,
)
from bot.persistence.models import (
    CartLineRow,
    CheckoutRow,
    CustomerRow,
    ShownCardRow,
)
from bot.persistence.repositories.catalogue import ITEM_COLUMNS, PRODUCTS, item_from_row
from bot.persistence.repositories.inserts import put_many

# Each update of a customer's cart or browse runs these: built once (building a statement
# cost about as much as running it), over plain columns (no ORM identity map to fill).
_customers = CustomerRow.__table__
_lines = cast(Table, CartLineRow.__table__)
_CUSTOMER_BY_TELEGRAM_ID = select(
    _customers.c.telegram_user_id,
    _customers.c.name,
    _customers.c.username,
    _customers.c.phone,
    _customers.c.id,
).where(_customers.c.telegram_user_id == bindparam("telegram_user_id"))
_LOCKED_CUSTOMER_BY_TELEGRAM_ID = _CUSTOMER_BY_TELEGRAM_ID.with_for_update()
_LOCK_CUSTOMER = (
    select(_customers.c.id).where(_customers.c.id == bindparam("customer_id")).with_for_update()
)
_CART_LINES = (
    select(_lines.c.product_id, _lines.c.quantity, _lines.c.seen_price_minor)
    .where(_lines.c.customer_id == bindparam("customer_id"))
    .order_by(_lines.c.position, _lines.c.product_id)
)
_CART_ITEMS = (
    select(_lines.c.product_id, _lines.c.quantity, _lines.c.seen_price_minor, *ITEM_COLUMNS)
    .join(PRODUCTS, PRODUCTS.c.id == _lines.c.product_id)
    .where(_lines.c.customer_id == bindparam("customer_id"))
    .order_by(_lines.c.position, _lines.c.product_id)
)
_CHANGE_LINE = (
    update(_lines)
    .where(_lines.c.customer_id == bindparam("of_customer"))
    .where(_lines.c.product_id == bindparam("of_product"))
    .values(quantity=bindparam("to_quantity"), seen_price_minor=bindparam("to_price"))
)
_LAST_POSITION = select(func.coalesce(func.max(_lines.c.position), 0)).where(
    _lines.c.customer_id == bindparam("customer_id")
)
_NEW_LINE = insert(_lines)
# The card each person saw last: a batch's cards written over theirs in one statement.
_shown = cast(Table, ShownCardRow.__table__)
_HELD = (
    select(_customers.c.telegram_user_id, _lines.c.product_id, _lines.c.quantity)
    .join(_customers, _customers.c.id == _lines.c.customer_id)
    .where(_customers.c.telegram_user_id.in_(bindparam("users", expanding=True)))
    .where(_lines.c.product_id.in_(bindparam("items", expanding=True)))
)


class SqlCustomerRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    @staticmethod
    def _to_domain(row: Any) -> Customer:
        """A customer from a CustomerRow or a row of _CUSTOMER_BY_TELEGRAM_ID."""
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
        """None for a customer who was erased (/forgetme): nobody is there to reach."""
        row = self.session.get(CustomerRow, customer_id)
        return self._to_domain(row) if row and row.telegram_user_id is not None else None

    def get_by_telegram_id(
        self, telegram_user_id: int, *, for_update: bool = False
    ) -> Customer | None:
        query = _LOCKED_CUSTOMER_BY_TELEGRAM_ID if for_update else _CUSTOMER_BY_TELEGRAM_ID
        found = self.session.execute(query, {"telegram_user_id": telegram_user_id}).one_or_none()
        return self._to_domain(found) if found else None

    def lock(self, customer_id: int) -> None:
        self.session.execute(_LOCK_CUSTOMER, {"customer_id": customer_id})

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
        rows = self.session.execute(_CART_LINES, {"customer_id": customer_id})
        return [CartLine(*row) for row in rows]

    def held(self, wanted: Collection[tuple[int, int]]) -> dict[tuple[int, int], Decimal]:
        held = dict.fromkeys(wanted, Decimal(0))
        if not held:
            return held
        users = sorted({user for user, _ in held})
        items = sorted({item for _, item in held})
        for user, item, quantity in self.session.execute(_HELD, {"users": users, "items": items}):
            if (user, item) in held:
                held[user, item] = quantity
        return held

    def lines_with_items(self, customer_id: int) -> list[tuple[CartLine, Product]]:
        rows = self.session.execute(_CART_ITEMS, {"customer_id": customer_id})
        return [
            (CartLine(row.product_id, row.quantity, row.seen_price_minor), item_from_row(row))
            for row in rows
        ]

    def put(self, customer_id: int, line: CartLine) -> None:
        """Change the line, or add it after the others. The caller holds the customer's lock
        (a cart change reads the cart first), so the last position cannot move meanwhile."""
        change = {
            "of_customer": customer_id,
            "of_product": line.product_id,
            "to_quantity": line.quantity,
            "to_price": line.seen_price_minor,
        }
        if self.session.execute(_CHANGE_LINE, change).rowcount:  # type: ignore[attr-defined]
            return
        last = self.session.scalar(_LAST_POSITION, {"customer_id": customer_id}) or 0
        new_line: dict[str, Any] = {
            "customer_id": customer_id,
            "product_id": line.product_id,
            "quantity": line.quantity,
            "seen_price_minor": line.seen_price_minor,
            "position": last + 1,
        }
        self.session.execute(_NEW_LINE, new_line)

    def remove(self, customer_id: int, product_id: int) -> None:
        self.session.execute(
            delete(CartLineRow).where(
                CartLineRow.customer_id == customer_id, CartLineRow.product_id == product_id
            )
        )

    def clear(self, customer_id: int) -> None:
        self.session.execute(delete(CartLineRow).where(CartLineRow.customer_id == customer_id))

    def note_cards(self, shown: Mapping[int, int], at: datetime) -> None:
        rows = [{"telegram_user_id": u, "product_id": i, "shown_at": at} for u, i in shown.items()]
        put_many(self.session, _shown, ("telegram_user_id",), rows)

    def card_shown(self, telegram_user_id: int, since: datetime) -> int | None:
        return self.session.scalar(
            select(ShownCardRow.product_id).where(
                ShownCardRow.telegram_user_id == telegram_user_id, ShownCardRow.shown_at >= since
            )
        )


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
            delivery_from=row.delivery_from,
            phone=row.phone,
            note=row.note,
            promo_code=row.promo_code,
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
        row.delivery_from = draft.delivery_from
        row.phone = draft.phone
        row.note = draft.note
        row.promo_code = draft.promo_code
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
