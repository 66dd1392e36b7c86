"""Products and their stock ledger. Repositories never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, delete, func, literal, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import type_coerce

from bot.domain.catalogue import Product, Unit
from bot.domain.stock import LedgerEntry, StockReason
from bot.persistence.models import (
    CustomerRow,
    LedgerRow,
    ProductRow,
    StockWatchRow,
)
from bot.persistence.repositories.inserts import insert_unless_present
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

    def stock_search(self, key: str, *, limit: int, offset: int = 0) -> list[Product]:
        """Staff's view: archived items too, in catalogue order; filtered in SQL."""
        rows = self.session.scalars(
            select(ProductRow)
            .where(*_matches_every_word(key))
            .order_by(ProductRow.category, ProductRow.name, ProductRow.id)
            .limit(limit)
            .offset(offset)
        )
        return [self._to_domain(r) for r in rows]

    def count_stock_search(self, key: str) -> int:
        return (
            self.session.scalar(
                select(func.count()).select_from(ProductRow).where(*_matches_every_word(key))
            )
            or 0
        )

    def low(self, default_threshold: Decimal) -> list[Product]:
        """Items on sale at or below their threshold (or the store's), chosen in SQL."""
        # Bound as a Quantity, so it is compared in the same thousandths the columns hold.
        default = literal(default_threshold, type_=Quantity)
        threshold = func.coalesce(ProductRow.low_stock_threshold, default)
        rows = self.session.scalars(
            select(ProductRow)
            .where(ProductRow.active.is_(True), ProductRow.stock <= threshold)
            .order_by(ProductRow.category, ProductRow.name, ProductRow.id)
        )
        return [self._to_domain(r) for r in rows]

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


class SqlWatchRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, customer_id: int, product_id: int, at: datetime) -> bool:
        return insert_unless_present(
            self.session,
            StockWatchRow.__table__,  # type: ignore[arg-type]
            customer_id=customer_id,
            product_id=product_id,
            created_at=at,
        )

    def take(self, product_id: int) -> list[int]:
        watchers = list(
            self.session.scalars(
                select(CustomerRow.telegram_user_id)
                .join(StockWatchRow, StockWatchRow.customer_id == CustomerRow.id)
                .where(StockWatchRow.product_id == product_id)
                .order_by(StockWatchRow.created_at, CustomerRow.id)
            )
        )
        self.session.execute(delete(StockWatchRow).where(StockWatchRow.product_id == product_id))
        return watchers
