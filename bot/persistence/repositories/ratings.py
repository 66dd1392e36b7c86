"""Order ratings (bot.domain.ratings)."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import Session

from bot.domain.ratings import RatedComment, Rating, RatingsSummary
from bot.persistence.models import OrderRatingRow, OrderRow
from bot.persistence.repositories.inserts import insert_or_update

_ratings = cast(Table, OrderRatingRow.__table__)


class SqlRatingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def rate(self, order_id: int, customer_id: int, stars: int, at: datetime) -> None:
        insert_or_update(
            self.session,
            _ratings,
            {"order_id": order_id},
            customer_id=customer_id,
            stars=stars,
            rated_at=at,
        )

    def add_comment(self, order_id: int, comment: str, at: datetime) -> bool:
        done = self.session.execute(
            update(OrderRatingRow)
            .where(OrderRatingRow.order_id == order_id)
            .values(comment=comment, rated_at=at)
        )
        return bool(done.rowcount)  # type: ignore[attr-defined]

    def get(self, order_id: int) -> Rating | None:
        row = self.session.get(OrderRatingRow, order_id, populate_existing=True)
        if row is None:
            return None
        return Rating(row.order_id, row.stars, row.rated_at, row.comment or "")

    def summary(self, start: datetime, end: datetime, *, comments: int) -> RatingsSummary:
        completed = (OrderRow.completed_at >= start) & (OrderRow.completed_at < end)
        joined = _ratings.join(OrderRow.__table__, OrderRow.id == OrderRatingRow.order_id)
        count, total = self.session.execute(
            select(func.count(), func.coalesce(func.sum(OrderRatingRow.stars), 0))
            .select_from(joined)
            .where(completed)
        ).one()
        rows = self.session.execute(
            select(
                OrderRow.code, OrderRatingRow.stars, OrderRatingRow.comment, OrderRatingRow.rated_at
            )
            .select_from(joined)
            .where(completed, OrderRatingRow.comment.is_not(None))
            .order_by(OrderRatingRow.rated_at.desc(), OrderRatingRow.order_id.desc())
            .limit(comments)
        ).all()
        said = [RatedComment(r.code, r.stars, r.comment, r.rated_at) for r in rows]
        return RatingsSummary(int(count), int(total), said)

    def rated(self, start: datetime, end: datetime) -> list[RatedComment]:
        completed = (OrderRow.completed_at >= start) & (OrderRow.completed_at < end)
        joined = _ratings.join(OrderRow.__table__, OrderRow.id == OrderRatingRow.order_id)
        rows = self.session.execute(
            select(
                OrderRow.code, OrderRatingRow.stars, OrderRatingRow.comment, OrderRatingRow.rated_at
            )
            .select_from(joined)
            .where(completed)
            .order_by(OrderRatingRow.rated_at.desc(), OrderRatingRow.order_id.desc())
        ).all()
        return [RatedComment(r.code, r.stars, r.comment or "", r.rated_at) for r in rows]
