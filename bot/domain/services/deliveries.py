"""Each Telegram update is applied once, however often it is delivered, by whichever worker."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.domain.clock import Clock, utc_now
from bot.domain.ports import UnitOfWork
from bot.domain.services.retry import retry_on_conflict


@dataclass(frozen=True, slots=True)
class Arrival:
    """An update as it arrived: its id, who sent it, and their Telegram app's language."""

    update_id: int
    telegram_user_id: int | None = None
    app_language: str | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    """An update taken (`fresh`), or seen before; and the language its sender chose, read in
    the same transaction (every reply needs it, and a read of its own would cost one more)."""

    fresh: bool
    language: str | None = None


@retry_on_conflict
def first_deliveries(
    arrivals: Sequence[Arrival], *, uow: UnitOfWork, clock: Clock = utc_now
) -> list[Delivery]:
    """Record updates as taken, in one transaction: each is fresh only the first time
    (Telegram redelivers an update when a webhook answered slowly, and two workers may each
    receive it). One transaction for the updates that arrived together costs about what one
    did for each, and every update pays it (group commit).

    Recorded in update id order, so two workers recording overlapping batches lock the ids
    in the same order and cannot deadlock. The sender's app language is kept when it is new
    or changed (a write only then), for the notifications they will be sent later."""
    taken: dict[int, Delivery] = {}
    with uow:
        at = clock()
        for n in sorted(range(len(arrivals)), key=lambda i: arrivals[i].update_id):
            taken[n] = _first_delivery(uow, arrivals[n], at)
        uow.commit()
    return [taken[n] for n in range(len(arrivals))]


def first_delivery(
    update_id: int,
    telegram_user_id: int | None = None,
    app_language: str | None = None,
    *,
    uow: UnitOfWork,
    clock: Clock = utc_now,
) -> Delivery:
    """One update alone (see first_deliveries)."""
    arrival = Arrival(update_id, telegram_user_id, app_language)
    [delivery] = first_deliveries([arrival], uow=uow, clock=clock)
    return delivery


def _first_delivery(uow: UnitOfWork, arrival: Arrival, at: datetime) -> Delivery:
    if not uow.updates.first_time(arrival.update_id, at):
        return Delivery(False)
    if arrival.telegram_user_id is None:
        return Delivery(True)
    known = uow.languages.of(arrival.telegram_user_id)
    if arrival.app_language and arrival.app_language != known.app:
        uow.languages.note_app(arrival.telegram_user_id, arrival.app_language)
    return Delivery(True, known.chosen)
