"""Each Telegram update is applied once, however often it is delivered, by whichever worker."""

from __future__ import annotations

from bot.domain.clock import Clock, utc_now
from bot.domain.ports import UnitOfWork
from bot.domain.services.retry import retry_on_conflict


@retry_on_conflict
def first_delivery(update_id: int, *, uow: UnitOfWork, clock: Clock = utc_now) -> bool:
    """Record the update as taken; False if it was taken before (Telegram redelivers an
    update when a webhook answered slowly, and two workers may each receive it)."""
    with uow:
        fresh = uow.updates.first_time(update_id, clock())
        uow.commit()
        return fresh
