"""Each Telegram update is applied once, however often it is delivered, by whichever worker."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.clock import Clock, utc_now
from bot.domain.ports import UnitOfWork
from bot.domain.services.retry import retry_on_conflict


@dataclass(frozen=True, slots=True)
class Delivery:
    """An update taken (`fresh`), or seen before; and the language its sender chose, read in
    the same transaction (every reply needs it, and a read of its own would cost one more)."""

    fresh: bool
    language: str | None = None


@retry_on_conflict
def first_delivery(
    update_id: int,
    telegram_user_id: int | None = None,
    app_language: str | None = None,
    *,
    uow: UnitOfWork,
    clock: Clock = utc_now,
) -> Delivery:
    """Record the update as taken; not fresh if it was taken before (Telegram redelivers an
    update when a webhook answered slowly, and two workers may each receive it).

    The sender's app language is kept when it is new or changed (a write only then), for
    the notifications they will be sent later."""
    with uow:
        fresh = uow.updates.first_time(update_id, clock())
        chosen = None
        if fresh and telegram_user_id is not None:
            known = uow.languages.of(telegram_user_id)
            chosen = known.chosen
            if app_language and app_language != known.app:
                uow.languages.note_app(telegram_user_id, app_language)
        uow.commit()
        return Delivery(fresh, chosen)
