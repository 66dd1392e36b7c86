"""What waits for the shop and whether anyone on duty saw it. Repositories never commit."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import type_coerce

from bot.domain.notifications import NotificationKind
from bot.domain.orders import Order, OrderStatus
from bot.domain.payments import PaymentMethod
from bot.domain.ports import OpenQuestion
from bot.domain.questions import Question, QuestionAlert
from bot.domain.stored_facts import decode
from bot.domain.waiting import Unseen, Waiting, WaitingKind
from bot.persistence.models import CustomerRow, OrderRow, OutboxRow, PaymentRow, QuestionRow
from bot.persistence.repositories.orders import PAYS, SqlOrderRepository
from bot.persistence.types import UtcDateTime

# Placed, and paid if paid online: the shop can start on it.
# A charge counts only if it pays for the order (its total, in its currency): PAYS, as for
# reading an order and releasing unpaid ones.
_PAID = select(PaymentRow.id).where(PaymentRow.order_id == OrderRow.id, PAYS).exists()
_WAITING_ORDER = and_(
    OrderRow.status == OrderStatus.PLACED.value,
    or_(OrderRow.payment_method == PaymentMethod.ON_HANDOVER.value, _PAID),
)


def _order_since() -> ColumnElement[datetime]:
    """When an order began to wait: its payment, if paid online, else its placing."""
    paid = (
        select(func.min(PaymentRow.paid_at))
        .where(PaymentRow.order_id == OrderRow.id, PAYS)
        .correlate(OrderRow)
        .scalar_subquery()
    )
    return type_coerce(func.coalesce(paid, OrderRow.placed_at), UtcDateTime())


_OPEN_QUESTION = QuestionRow.answered_at.is_(None)


def _unseen(row: Any) -> list[ColumnElement[bool]]:
    return [row.seen_at.is_(None), row.unseen_alerted_at.is_(None)]


class SqlWaitingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def counts(self) -> Waiting:
        orders = self.session.scalar(select(func.count(OrderRow.id)).where(_WAITING_ORDER))
        questions = self.session.scalar(select(func.count(QuestionRow.id)).where(_OPEN_QUESTION))
        return Waiting(int(orders or 0), int(questions or 0))

    def orders(self, *, limit: int, offset: int = 0) -> list[Order]:
        rows = self.session.scalars(
            select(OrderRow)
            .where(_WAITING_ORDER)
            .order_by(OrderRow.placed_at, OrderRow.id)
            .limit(limit)
            .offset(offset)
        )
        return [SqlOrderRepository._to_domain(row) for row in rows]

    def questions(self, *, limit: int, offset: int = 0) -> list[OpenQuestion]:
        rows = self.session.execute(
            select(QuestionRow, CustomerRow.name)
            .join(CustomerRow, CustomerRow.id == QuestionRow.customer_id)
            .where(_OPEN_QUESTION)
            .order_by(QuestionRow.asked_at, QuestionRow.id)
            .limit(limit)
            .offset(offset)
        )
        return [
            OpenQuestion(Question(q.customer_id, q.text, q.asked_at, q.id), name)
            for q, name in rows
        ]

    def mark_all_seen(self, at: datetime) -> None:
        self.session.execute(
            update(OrderRow)
            .where(_WAITING_ORDER, OrderRow.seen_at.is_(None))
            .values(seen_at=at)
            .execution_options(synchronize_session=False)
        )
        self.session.execute(
            update(QuestionRow)
            .where(_OPEN_QUESTION, QuestionRow.seen_at.is_(None))
            .values(seen_at=at)
            .execution_options(synchronize_session=False)
        )

    def mark_seen(self, kind: WaitingKind, ids: Collection[int], at: datetime) -> None:
        if not ids:
            return
        row: Any = OrderRow if kind is WaitingKind.ORDER else QuestionRow
        self.session.execute(
            update(row)
            .where(row.id.in_(sorted(ids)), row.seen_at.is_(None))
            .values(seen_at=at)
            .execution_options(synchronize_session=False)
        )

    def unseen(self, before: datetime, *, limit: int) -> list[Unseen]:
        since = _order_since()
        orders = self.session.execute(
            select(OrderRow.id, since)
            .where(
                _WAITING_ORDER, *_unseen(OrderRow), OrderRow.placed_at <= before, since <= before
            )
            .order_by(OrderRow.placed_at, OrderRow.id)
            .limit(limit)
        )
        questions = self.session.execute(
            select(QuestionRow.id, QuestionRow.asked_at)
            .where(_OPEN_QUESTION, *_unseen(QuestionRow), QuestionRow.asked_at <= before)
            .order_by(QuestionRow.asked_at, QuestionRow.id)
            .limit(limit)
        )
        found = [Unseen(WaitingKind.ORDER, i, since) for i, since in orders]
        found += [Unseen(WaitingKind.QUESTION, i, since) for i, since in questions]
        return sorted(found, key=lambda item: item.since)[:limit]

    def delivered(self, items: Sequence[Unseen]) -> list[Unseen]:
        """New-order alerts go only to members logged in; a question's alert says whether it
        went to them (or to the managers, nobody being logged in). The few questions' alerts
        are read and their facts compared here: SQLite and MariaDB read JSON differently."""
        orders = {i.id: i for i in items if i.kind is WaitingKind.ORDER}
        questions = {i.id: i for i in items if i.kind is WaitingKind.QUESTION}
        found: list[Unseen] = []
        if orders:
            alerted = self.session.scalars(
                select(OutboxRow.order_id).where(
                    OutboxRow.order_id.in_(sorted(orders)),
                    OutboxRow.kind == NotificationKind.ORDER_PLACED.value,
                    OutboxRow.sent_at.is_not(None),
                )
            )
            found += [orders[i] for i in set(alerted) if i is not None]
        if questions:
            earliest = min(q.since for q in questions.values())
            alerts = self.session.scalars(
                select(OutboxRow.payload).where(
                    OutboxRow.kind == NotificationKind.QUESTION.value,
                    OutboxRow.sent_at.is_not(None),
                    OutboxRow.created_at >= earliest,
                )
            )
            read = (decode(NotificationKind.QUESTION, facts) for facts in alerts)
            told = {a.question_id for a in read if isinstance(a, QuestionAlert) and a.on_duty}
            found += [q for i, q in questions.items() if i in told]
        return found

    def mark_alerted(self, item: Unseen, at: datetime) -> bool:
        row: Any = OrderRow if item.kind is WaitingKind.ORDER else QuestionRow
        still = (
            OrderRow.status == OrderStatus.PLACED.value
            if item.kind is WaitingKind.ORDER
            else _OPEN_QUESTION
        )
        result = self.session.execute(
            update(row)
            .where(row.id == item.id, still, *_unseen(row))
            .values(unseen_alerted_at=at)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1  # type: ignore[attr-defined,no-any-return]
