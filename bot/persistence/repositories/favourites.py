"""The items each customer keeps one tap away (⭐ on an item's card). Repositories never commit."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, delete, desc, func, select
from sqlalchemy.orm import Session

from bot.domain.catalogue import Product
from bot.persistence.models import CustomerRow, FavouriteRow
from bot.persistence.repositories.catalogue import ITEM_COLUMNS, PRODUCTS, item_from_row
from bot.persistence.repositories.inserts import insert_unless_present

_favourites = cast(Table, FavouriteRow.__table__)
_customers = cast(Table, CustomerRow.__table__)
_MINE = _favourites.c.customer_id == bindparam("customer_id")
# Read with an item's card in its update's record (bot.domain.services.deliveries): built
# once, as the record's other statements are.
_AMONG = (
    select(_customers.c.telegram_user_id, _favourites.c.product_id)
    .join(_customers, _customers.c.id == _favourites.c.customer_id)
    .where(_customers.c.telegram_user_id.in_(bindparam("users", expanding=True)))
    .where(_favourites.c.product_id.in_(bindparam("items", expanding=True)))
)
_PAGE = (
    select(*ITEM_COLUMNS)
    .join(_favourites, _favourites.c.product_id == PRODUCTS.c.id)
    .where(_MINE)
    .order_by(desc(PRODUCTS.c.active), PRODUCTS.c.name, PRODUCTS.c.id)
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)
_COUNT = select(func.count()).select_from(_favourites).where(_MINE)
_HAS = select(_favourites.c.product_id).where(
    _MINE, _favourites.c.product_id == bindparam("product_id")
)
_REMOVE = delete(_favourites).where(_MINE, _favourites.c.product_id == bindparam("product_id"))


class SqlFavouriteRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, customer_id: int, product_id: int, at: datetime) -> bool:
        return insert_unless_present(
            self.session,
            _favourites,
            customer_id=customer_id,
            product_id=product_id,
            created_at=at,
        )

    def remove(self, customer_id: int, product_id: int) -> bool:
        gone = self.session.execute(_REMOVE, {"customer_id": customer_id, "product_id": product_id})
        return bool(gone.rowcount)  # type: ignore[attr-defined]

    def has(self, customer_id: int, product_id: int) -> bool:
        found = self.session.scalar(_HAS, {"customer_id": customer_id, "product_id": product_id})
        return found is not None

    def among(self, wanted: Collection[tuple[int, int]]) -> set[tuple[int, int]]:
        if not wanted:
            return set()
        users = sorted({user for user, _ in wanted})
        items = sorted({item for _, item in wanted})
        rows = self.session.execute(_AMONG, {"users": users, "items": items})
        return {(user, item) for user, item in rows if (user, item) in wanted}

    def items(self, customer_id: int, *, limit: int, offset: int = 0) -> list[Product]:
        page = {"customer_id": customer_id, "limit": limit, "offset": offset}
        return [item_from_row(row) for row in self.session.execute(_PAGE, page)]

    def count(self, customer_id: int) -> int:
        return self.session.scalar(_COUNT, {"customer_id": customer_id}) or 0
