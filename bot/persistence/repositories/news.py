"""News choices, carts' dates, and announcements. Repositories never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, case, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session

from bot.domain.news import (
    Announcement,
    AnnouncementCounts,
    Audience,
    IdleCart,
    NewsChoice,
    Outcome,
    Recipient,
)
from bot.persistence.models import (
    AnnouncementRecipientRow,
    AnnouncementRow,
    CartActivityRow,
    CartLineRow,
    CustomerRow,
    NewsChoiceRow,
    OrderLineRow,
    OrderRow,
    ProductRow,
)
from bot.persistence.repositories.inserts import insert_unless_present

_choices = cast(Table, NewsChoiceRow.__table__)
_activity = cast(Table, CartActivityRow.__table__)
_recipients = cast(Table, AnnouncementRecipientRow.__table__)
# Every cart change runs it: built once, on the plain table (the ORM's bulk UPDATE costs
# about as much again as the statement).
_CART_CHANGED = (
    update(_activity)
    .where(_activity.c.customer_id == bindparam("of_customer"))
    .values(changed_at=bindparam("at"))
)


def _rowcount(result: Any) -> int:
    return int(result.rowcount)


class SqlNewsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def choice(self, customer_id: int) -> NewsChoice | None:
        row = self.session.execute(
            select(
                NewsChoiceRow.wants,
                NewsChoiceRow.asked_at,
                NewsChoiceRow.chosen_at,
                NewsChoiceRow.blocked_at,
            ).where(NewsChoiceRow.customer_id == customer_id)
        ).one_or_none()
        return NewsChoice(bool(row.wants), *row[1:]) if row is not None else None

    def ask_once(self, customer_id: int, at: datetime) -> bool:
        return insert_unless_present(
            self.session, _choices, customer_id=customer_id, wants=False, asked_at=at
        )

    def choose(self, customer_id: int, wants: bool, at: datetime) -> None:
        # The caller holds the customer's row: nobody else adds theirs meanwhile.
        values: dict[str, Any] = {"wants": wants, "chosen_at": at}
        if wants:
            values["blocked_at"] = None  # they are talking to the bot again
        changed = self.session.execute(
            update(NewsChoiceRow).where(NewsChoiceRow.customer_id == customer_id).values(**values)
        )
        if not _rowcount(changed):
            insert_unless_present(self.session, _choices, customer_id=customer_id, **values)

    def unsubscribe(self, customer_id: int, at: datetime) -> bool:
        result = self.session.execute(
            update(NewsChoiceRow)
            .where(NewsChoiceRow.customer_id == customer_id, NewsChoiceRow.wants.is_(True))
            .values(wants=False, chosen_at=at)
        )
        return _rowcount(result) == 1

    def mark_blocked(self, telegram_user_id: int, at: datetime) -> bool:
        customer = self.session.scalar(
            select(CustomerRow.id).where(CustomerRow.telegram_user_id == telegram_user_id)
        )
        if customer is None:
            return False
        result = self.session.execute(
            update(NewsChoiceRow)
            .where(NewsChoiceRow.customer_id == customer, NewsChoiceRow.blocked_at.is_(None))
            .values(blocked_at=at)
        )
        return _rowcount(result) == 1

    @staticmethod
    def _reachable() -> list[Any]:
        return [
            NewsChoiceRow.wants.is_(True),
            NewsChoiceRow.blocked_at.is_(None),
            CustomerRow.telegram_user_id.is_not(None),
        ]

    def audience(
        self, audience: Audience, category: str | None, since: datetime
    ) -> list[Recipient]:
        query = (
            select(CustomerRow.id, CustomerRow.telegram_user_id)
            .join(NewsChoiceRow, NewsChoiceRow.customer_id == CustomerRow.id)
            .where(*self._reachable())
            .order_by(CustomerRow.id)
        )
        if audience is Audience.CATEGORY:
            bought = (
                select(OrderLineRow.id)
                .join(OrderRow, OrderRow.id == OrderLineRow.order_id)
                .join(ProductRow, ProductRow.id == OrderLineRow.product_id)
                .where(
                    OrderRow.customer_id == CustomerRow.id,
                    OrderLineRow.cancelled.is_(False),
                    ProductRow.category == (category or ""),
                )
            )
            query = query.where(exists(bought))
        elif audience is Audience.ABSENT:
            ordered = select(OrderRow.id).where(
                OrderRow.customer_id == CustomerRow.id, OrderRow.placed_at >= since
            )
            filled = select(CartActivityRow.customer_id).where(
                CartActivityRow.customer_id == CustomerRow.id, CartActivityRow.changed_at >= since
            )
            query = query.where(
                ~exists(ordered),
                ~exists(filled),
                or_(NewsChoiceRow.chosen_at.is_(None), NewsChoiceRow.chosen_at < since),
            )
        return [Recipient(row.id, row.telegram_user_id) for row in self.session.execute(query)]

    def cart_changed(self, customer_id: int, at: datetime) -> None:
        # The caller holds the customer's row (a cart change locks it first).
        changed = self.session.execute(_CART_CHANGED, {"of_customer": customer_id, "at": at})
        if not _rowcount(changed):
            insert_unless_present(self.session, _activity, customer_id=customer_id, changed_at=at)

    def idle_carts(self, before: datetime, *, limit: int) -> list[IdleCart]:
        holds = select(CartLineRow.product_id).where(
            CartLineRow.customer_id == CartActivityRow.customer_id
        )
        rows = self.session.execute(
            select(CustomerRow.id, CustomerRow.telegram_user_id, CartActivityRow.changed_at)
            .join(CustomerRow, CustomerRow.id == CartActivityRow.customer_id)
            .join(NewsChoiceRow, NewsChoiceRow.customer_id == CartActivityRow.customer_id)
            .where(
                *self._reachable(),
                CartActivityRow.changed_at <= before,
                or_(
                    CartActivityRow.reminded_of.is_(None),
                    CartActivityRow.reminded_of != CartActivityRow.changed_at,
                ),
                exists(holds),
            )
            .order_by(CustomerRow.id)
            .limit(limit)
        )
        return [IdleCart(row.id, row.telegram_user_id, row.changed_at) for row in rows]

    def mark_reminded(self, customer_id: int, changed_at: datetime) -> bool:
        result = self.session.execute(
            update(CartActivityRow)
            .where(
                CartActivityRow.customer_id == customer_id,
                CartActivityRow.changed_at == changed_at,
                or_(
                    CartActivityRow.reminded_of.is_(None),
                    CartActivityRow.reminded_of != changed_at,
                ),
            )
            .values(reminded_of=changed_at)
        )
        return _rowcount(result) == 1


class SqlAnnouncementRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    @staticmethod
    def _to_domain(row: AnnouncementRow) -> Announcement:
        return Announcement(
            row.text,
            Audience(row.audience),
            row.created_by,
            row.created_at,
            row.photo_file_id,
            row.category,
            row.queued_at,
            row.recipients,
            row.id,
        )

    def add(self, announcement: Announcement) -> Announcement:
        row = AnnouncementRow(
            text=announcement.text,
            photo_file_id=announcement.photo,
            audience=announcement.audience.value,
            category=announcement.category,
            created_by=announcement.created_by,
            created_at=announcement.created_at,
            queued_at=None,
            recipients=0,
        )
        self.session.add(row)
        self.session.flush()
        return self._to_domain(row)

    def get(self, announcement_id: int) -> Announcement | None:
        row = self.session.get(AnnouncementRow, announcement_id, populate_existing=True)
        return self._to_domain(row) if row is not None else None

    def mark_queued(self, announcement_id: int, at: datetime) -> bool:
        result = self.session.execute(
            update(AnnouncementRow)
            .where(AnnouncementRow.id == announcement_id, AnnouncementRow.queued_at.is_(None))
            .values(queued_at=at)
            .execution_options(synchronize_session=False)
        )
        return _rowcount(result) == 1

    def add_recipients(self, announcement_id: int, customer_ids: Sequence[int]) -> None:
        if customer_ids:
            self.session.execute(
                _recipients.insert(),
                [
                    {
                        "announcement_id": announcement_id,
                        "customer_id": customer_id,
                        "outcome": Outcome.QUEUED.value,
                    }
                    for customer_id in customer_ids
                ],
            )
        self.session.execute(
            update(AnnouncementRow)
            .where(AnnouncementRow.id == announcement_id)
            .values(recipients=len(customer_ids))
            .execution_options(synchronize_session=False)
        )

    def record(self, announcement_id: int, customer_id: int, outcome: Outcome) -> bool:
        result = self.session.execute(
            update(AnnouncementRecipientRow)
            .where(
                AnnouncementRecipientRow.announcement_id == announcement_id,
                AnnouncementRecipientRow.customer_id == customer_id,
                AnnouncementRecipientRow.outcome == Outcome.QUEUED.value,
            )
            .values(outcome=outcome.value)
        )
        return _rowcount(result) == 1

    def mark_unsubscribed(self, announcement_id: int, customer_id: int, at: datetime) -> bool:
        result = self.session.execute(
            update(AnnouncementRecipientRow)
            .where(
                AnnouncementRecipientRow.announcement_id == announcement_id,
                AnnouncementRecipientRow.customer_id == customer_id,
                AnnouncementRecipientRow.unsubscribed_at.is_(None),
            )
            .values(unsubscribed_at=at)
        )
        return _rowcount(result) == 1

    def latest(self, *, limit: int) -> list[AnnouncementCounts]:
        rows = list(
            self.session.scalars(
                select(AnnouncementRow)
                .where(AnnouncementRow.queued_at.is_not(None))
                .order_by(AnnouncementRow.queued_at.desc(), AnnouncementRow.id.desc())
                .limit(limit)
            )
        )
        if not rows:
            return []
        recipient = AnnouncementRecipientRow

        def counted(condition: Any) -> Any:
            return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

        counts = {
            row.announcement_id: row
            for row in self.session.execute(
                select(
                    recipient.announcement_id,
                    counted(recipient.outcome == Outcome.DELIVERED.value).label("delivered"),
                    counted(recipient.outcome == Outcome.BLOCKED.value).label("blocked"),
                    counted(recipient.outcome == Outcome.FAILED.value).label("failed"),
                    counted(recipient.unsubscribed_at.is_not(None)).label("unsubscribed"),
                )
                .where(recipient.announcement_id.in_([row.id for row in rows]))
                .group_by(recipient.announcement_id)
            )
        }
        shown = []
        for row in rows:
            found = counts.get(row.id)
            figures = (
                (found.delivered, found.blocked, found.failed, found.unsubscribed)
                if found is not None
                else (0, 0, 0, 0)
            )
            shown.append(AnnouncementCounts(self._to_domain(row), *(int(f) for f in figures)))
        return shown

    def forget_drafts_before(self, at: datetime) -> int:
        result = self.session.execute(
            delete(AnnouncementRow).where(
                and_(AnnouncementRow.queued_at.is_(None), AnnouncementRow.created_at < at)
            )
        )
        return _rowcount(result)
