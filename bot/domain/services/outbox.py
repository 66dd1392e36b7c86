"""Delivering the outbox: claim, send, then mark; retry later on flood control or outages.

A claim is a lease: two bot processes sharing one database never send the same row at the
same time, and a process that dies mid-send leaves a lease that simply runs out.
"""

from __future__ import annotations

import dataclasses
import secrets
from datetime import timedelta

from bot.domain.clock import Clock, utc_now
from bot.domain.notifications import Notification
from bot.domain.ports import UnitOfWork
from bot.domain.services.retry import retry_on_conflict

LEASE = timedelta(seconds=60)
MAX_BACKOFF = timedelta(minutes=10)


@retry_on_conflict
def claim_due(*, limit: int = 20, uow: UnitOfWork, clock: Clock = utc_now) -> list[Notification]:
    """Lease what is due; each claimed notification carries the lease's token."""
    now, lease = clock(), secrets.token_hex(8)
    with uow:
        claimed = [
            n
            for n in uow.outbox.due(now, limit=limit)
            if n.id is not None and uow.outbox.claim(n.id, lease, now, now + LEASE)
        ]
        languages = uow.languages.readers({n.chat_id for n in claimed})
        uow.commit()
        return [
            dataclasses.replace(n, lease=lease, language=languages.get(n.chat_id)) for n in claimed
        ]


def _held(notification: Notification) -> tuple[int, str]:
    assert notification.id is not None and notification.lease is not None, "not claimed"
    return notification.id, notification.lease


@retry_on_conflict
def keep_lease(notification: Notification, *, uow: UnitOfWork, clock: Clock = utc_now) -> bool:
    """A send still under way (waiting out flood control) keeps its row; False if lost."""
    with uow:
        kept = uow.outbox.extend(*_held(notification), clock() + LEASE)
        uow.commit()
        return kept


@retry_on_conflict
def delivered(notification: Notification, *, uow: UnitOfWork, clock: Clock = utc_now) -> bool:
    """Mark it sent, if this sender still holds it; False means another sender took over
    (and this delivery was a duplicate, which the caller logs)."""
    with uow:
        marked = uow.outbox.mark_sent(*_held(notification), clock())
        uow.commit()
        return marked


def backoff(attempt: int) -> timedelta:
    """1 s, 2 s, 4 s ... capped at 10 minutes."""
    return min(timedelta(seconds=2 ** min(attempt, 20)), MAX_BACKOFF)


@retry_on_conflict
def retry_later(
    notification: Notification,
    *,
    after: timedelta,
    error: str,
    uow: UnitOfWork,
    clock: Clock = utc_now,
) -> None:
    with uow:
        notification_id, lease = _held(notification)
        uow.outbox.postpone(notification_id, lease, clock() + after, error)
        uow.commit()


@retry_on_conflict
def give_up(
    notification: Notification, *, error: str, uow: UnitOfWork, clock: Clock = utc_now
) -> None:
    """The message can never be delivered (the person blocked the bot, the chat is gone)."""
    with uow:
        notification_id, lease = _held(notification)
        uow.outbox.fail(notification_id, lease, clock(), error)
        uow.commit()
