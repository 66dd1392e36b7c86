"""Delivering the outbox: claim, send, then mark; retry later on flood control or outages.

A claim is a lease: two bot processes sharing one database never send the same row at the
same time, and a process that dies mid-send leaves a lease that simply runs out.
"""

from __future__ import annotations

from datetime import timedelta

from bot.domain.clock import Clock, utc_now
from bot.domain.notifications import Notification
from bot.domain.ports import UnitOfWork
from bot.domain.services.retry import retry_on_conflict

LEASE = timedelta(seconds=60)
MAX_BACKOFF = timedelta(minutes=10)


@retry_on_conflict
def claim_due(*, limit: int = 20, uow: UnitOfWork, clock: Clock = utc_now) -> list[Notification]:
    now = clock()
    with uow:
        claimed = [
            n
            for n in uow.outbox.due(now, limit=limit)
            if n.id is not None and uow.outbox.claim(n.id, now, now + LEASE)
        ]
        uow.commit()
        return claimed


@retry_on_conflict
def delivered(notification_id: int, *, uow: UnitOfWork, clock: Clock = utc_now) -> None:
    with uow:
        uow.outbox.mark_sent(notification_id, clock())
        uow.commit()


def backoff(attempt: int) -> timedelta:
    """1 s, 2 s, 4 s ... capped at 10 minutes."""
    return min(timedelta(seconds=2 ** min(attempt, 20)), MAX_BACKOFF)


@retry_on_conflict
def retry_later(
    notification_id: int, *, after: timedelta, error: str, uow: UnitOfWork, clock: Clock = utc_now
) -> None:
    with uow:
        uow.outbox.postpone(notification_id, clock() + after, error)
        uow.commit()


@retry_on_conflict
def give_up(notification_id: int, *, error: str, uow: UnitOfWork, clock: Clock = utc_now) -> None:
    """The message can never be delivered (the person blocked the bot, the chat is gone)."""
    with uow:
        uow.outbox.fail(notification_id, clock(), error)
        uow.commit()
