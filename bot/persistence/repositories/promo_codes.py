"""Promo codes (bot.domain.promo_codes): their uses counted under each code's row lock."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.domain.promo_codes import Discount, PromoCode
from bot.persistence.models import PromoCodeRow


def _promo(row: PromoCodeRow) -> PromoCode:
    return PromoCode(
        row.code,
        Discount(row.percent, row.amount_minor),
        min_basket_minor=row.min_basket_minor,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        max_uses=row.max_uses,
        per_customer=row.per_customer,
        used=row.used,
        created_by=row.created_by,
        ended_at=row.ended_at,
        id=row.id,
    )


class SqlPromoCodeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, promo: PromoCode, at: datetime) -> PromoCode | None:
        row = PromoCodeRow(
            code=promo.code,
            percent=promo.discount.percent,
            amount_minor=promo.discount.amount_minor,
            min_basket_minor=promo.min_basket_minor,
            starts_at=promo.starts_at,
            ends_at=promo.ends_at,
            max_uses=promo.max_uses,
            per_customer=promo.per_customer,
            used=0,
            created_by=promo.created_by,
            created_at=at,
        )
        try:
            with self.session.begin_nested():  # two managers, one name: the second is told
                self.session.add(row)
                self.session.flush()
        except IntegrityError:
            return None
        return _promo(row)

    def get_by_code(self, code: str, *, for_update: bool = False) -> PromoCode | None:
        query = select(PromoCodeRow).where(PromoCodeRow.code == code)
        if for_update:
            query = query.with_for_update()
        row = self.session.execute(query.execution_options(populate_existing=True)).scalar()
        return None if row is None else _promo(row)

    def take_use(self, promo_id: int) -> bool:
        taken = self.session.execute(
            update(PromoCodeRow)
            .where(
                PromoCodeRow.id == promo_id,
                or_(PromoCodeRow.max_uses.is_(None), PromoCodeRow.used < PromoCodeRow.max_uses),
            )
            .values(used=PromoCodeRow.used + 1)
            .execution_options(synchronize_session=False)
        )
        return bool(taken.rowcount)  # type: ignore[attr-defined]

    def give_back_use(self, promo_id: int) -> None:
        self.session.execute(
            update(PromoCodeRow)
            .where(PromoCodeRow.id == promo_id, PromoCodeRow.used > 0)
            .values(used=PromoCodeRow.used - 1)
            .execution_options(synchronize_session=False)
        )

    def end(self, promo_id: int, at: datetime) -> bool:
        ended = self.session.execute(
            update(PromoCodeRow)
            .where(
                PromoCodeRow.id == promo_id,
                PromoCodeRow.ended_at.is_(None),
                or_(PromoCodeRow.ends_at.is_(None), PromoCodeRow.ends_at > at),
            )
            .values(ended_at=at)
            .execution_options(synchronize_session=False)
        )
        return bool(ended.rowcount)  # type: ignore[attr-defined]

    def not_over(self, at: datetime, *, limit: int) -> list[PromoCode]:
        rows = self.session.execute(
            select(PromoCodeRow)
            .where(
                PromoCodeRow.ended_at.is_(None),
                or_(PromoCodeRow.ends_at.is_(None), PromoCodeRow.ends_at > at),
            )
            .order_by(PromoCodeRow.code)
            .limit(limit)
        ).scalars()
        return [_promo(row) for row in rows]
