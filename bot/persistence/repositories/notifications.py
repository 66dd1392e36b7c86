"""The outbox and the record of digests queued. Repositories never commit."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, delete, or_, select, update
from sqlalchemy.orm import Session, aliased

from bot.domain.notifications import (
    BULK_KINDS,
    UNSURE_SENDS_ALLOWED,
    Notification,
    NotificationKind,
)
from bot.domain.stored_facts import decode, encode
from bot.persistence.models import (
    DigestRunRow,
    OutboxRow,
)

OUTBOX_WRITTEN = "outbox_written"
# Due rows in the order they were queued, but an announcement's after anything else.
BULK_LAST = case((OutboxRow.kind.in_([kind.value for kind in BULK_KINDS]), 1), else_=0)


class SqlOutboxRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    @staticmethod
    def _to_domain(row: OutboxRow) -> Notification:
        return Notification(
            row.chat_id,
            decode(NotificationKind(row.kind), row.payload),
            row.created_at,
            row.order_id,
            row.attempts,
            row.id,
            unsure_sends=row.unsure_sends,
        )

    def add(self, notification: Notification) -> Notification:
        row = OutboxRow(
            chat_id=notification.chat_id,
            kind=notification.kind.value,
            payload=encode(notification.facts),
            order_id=notification.order_id,
            created_at=notification.created_at,
            next_attempt_at=notification.created_at,
            attempts=0,
            unsure_sends=0,
            sent_at=None,
            last_error="",
        )
        self.session.add(row)
        self.session.info[OUTBOX_WRITTEN] = True  # the unit of work wakes the sender on commit
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
            .order_by(BULK_LAST, OutboxRow.id)
            .limit(limit)
        )
        return [self._to_domain(r) for r in rows]

    def claim(self, notification_id: int, lease: str, now: datetime, until: datetime) -> bool:
        # The send is counted before it is made: a worker killed mid-send cannot count it.
        return self._held_update(
            and_(
                OutboxRow.id == notification_id,
                *self._deliverable(now),
                OutboxRow.unsure_sends < UNSURE_SENDS_ALLOWED,
            ),
            claimed_until=until,
            claimed_by=lease,
            unsure_sends=OutboxRow.unsure_sends + 1,
        )

    def abandon(self, notification_id: int, at: datetime, error: str) -> bool:
        return self._held_update(
            and_(
                OutboxRow.id == notification_id,
                *self._deliverable(at),
                OutboxRow.unsure_sends >= UNSURE_SENDS_ALLOWED,
            ),
            failed_at=at,
            claimed_until=None,
            claimed_by=None,
            last_error=error[:500],
        )

    def extend(self, notification_id: int, lease: str, until: datetime) -> bool:
        return self._held_update(self._holder(notification_id, lease), claimed_until=until)

    def mark_sent(self, notification_id: int, lease: str, at: datetime) -> bool:
        return self._held_update(
            self._holder(notification_id, lease), sent_at=at, claimed_until=None
        )

    def postpone(
        self,
        notification_id: int,
        lease: str,
        until: datetime,
        error: str,
        *,
        unanswered: bool = False,
    ) -> bool:
        return self._held_update(
            self._holder(notification_id, lease),
            next_attempt_at=until,
            attempts=OutboxRow.attempts + 1,
            last_error=error[:500],
            claimed_until=None,
            claimed_by=None,
            **self._counted(unanswered),
        )

    def fail(
        self,
        notification_id: int,
        lease: str,
        at: datetime,
        error: str,
        *,
        unanswered: bool = False,
    ) -> bool:
        return self._held_update(
            self._holder(notification_id, lease),
            failed_at=at,
            claimed_until=None,
            last_error=error[:500],
            **self._counted(unanswered),
        )

    @staticmethod
    def _counted(unanswered: bool) -> dict[str, Any]:
        """A send Telegram answered without taking it is no longer counted as unsure."""
        if unanswered:
            return {}
        taken_back = case((OutboxRow.unsure_sends > 0, OutboxRow.unsure_sends - 1), else_=0)
        return {"unsure_sends": taken_back}

    def forget_sent_before(self, at: datetime) -> int:
        result = self.session.execute(
            delete(OutboxRow).where(
                or_(
                    and_(OutboxRow.sent_at.is_not(None), OutboxRow.sent_at < at),
                    and_(OutboxRow.failed_at.is_not(None), OutboxRow.failed_at < at),
                )
            )
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    @staticmethod
    def _holder(notification_id: int, lease: str) -> Any:
        return and_(
            OutboxRow.id == notification_id,
            OutboxRow.claimed_by == lease,
            OutboxRow.sent_at.is_(None),
            OutboxRow.failed_at.is_(None),
        )

    def _held_update(self, condition: Any, **values: Any) -> bool:
        result = self.session.execute(
            update(OutboxRow)
            .where(condition)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1  # type: ignore[attr-defined,no-any-return]


class SqlDigestRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def queued_on(self, day: date) -> bool:
        return self.session.get(DigestRunRow, day) is not None

    def mark_queued(self, day: date, at: datetime) -> None:
        # Two processes racing here: one insert fails on the key and its use case re-runs.
        self.session.add(DigestRunRow(day=day, queued_at=at))
        self.session.flush()
