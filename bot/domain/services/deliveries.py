"""Each Telegram update is applied once, however often it is delivered, by whichever worker."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.clock import Clock, utc_now
from bot.domain.ports import UnitOfWork
from bot.domain.services.retry import retry_on_conflict

BEAT_EVERY = timedelta(seconds=5)  # how often a worker says it lives
# A worker not heard of for this long is gone (killed, crashed): what it took and never
# committed work for is taken over when Telegram delivers it again.
GONE_AFTER = timedelta(seconds=15)
TAKE_UP_WITHIN = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Arrival:
    """An update as it arrived: its id, who sent it, and their Telegram app's language."""

    update_id: int
    telegram_user_id: int | None = None
    app_language: str | None = None
    body: str | None = None  # the update as Telegram sent it (JSON), kept until it is handled


@dataclass(frozen=True, slots=True)
class Delivery:
    """An update taken (`fresh`), or seen before; and the language its sender chose, read in
    the same transaction (every reply needs it, and a read of its own would cost one more).
    `ask_again_in`: held by another worker that may have just died; ask again after this
    many seconds, when it will count as gone if it is."""

    fresh: bool
    language: str | None = None
    ask_again_in: float = 0.0
    # Seen before, taken by this same worker and not done: the worker's own earlier attempt
    # to record it, if that attempt failed as far as it knows (its commit may have gone through).
    mine: bool = False


@dataclass(frozen=True, slots=True)
class Handling:
    """The update being handled in this context, and by which worker: every transaction that
    commits its work also marks it done, so a worker taking it over never applies it again."""

    update_id: int
    worker: str


HANDLING: ContextVar[Handling | None] = ContextVar("handling", default=None)


@retry_on_conflict
def first_deliveries(
    arrivals: Sequence[Arrival],
    *,
    worker: str = "worker",
    finished: Collection[int] = (),
    uow: UnitOfWork,
    clock: Clock = utc_now,
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
            taken[n] = _first_delivery(uow, arrivals[n], at, worker)
        uow.updates.finish(finished, worker, at)  # handled since: no extra transaction
        uow.commit()
    return [taken[n] for n in range(len(arrivals))]


def first_delivery(
    update_id: int,
    telegram_user_id: int | None = None,
    app_language: str | None = None,
    *,
    worker: str = "worker",
    uow: UnitOfWork,
    clock: Clock = utc_now,
) -> Delivery:
    """One update alone (see first_deliveries)."""
    arrival = Arrival(update_id, telegram_user_id, app_language)
    [delivery] = first_deliveries([arrival], worker=worker, uow=uow, clock=clock)
    return delivery


@retry_on_conflict
def worker_alive(
    worker: str, finished: Collection[int] = (), *, uow: UnitOfWork, clock: Clock = utc_now
) -> datetime:
    """The worker lives; what it handled since its last word is done. The database's time,
    by which the worker sets its clock."""
    with uow:
        at = clock()
        now = uow.updates.beat(worker, at)
        uow.updates.finish(finished, worker, at)
        uow.commit()
        return now


@retry_on_conflict
def worker_gone(worker: str, finished: Collection[int] = (), *, uow: UnitOfWork) -> None:
    """A clean stop: every update it took is handled and done, and none waits on it."""
    with uow:
        uow.updates.finish(finished, worker, utc_now())
        uow.updates.gone(worker)
        uow.commit()


@retry_on_conflict
def take_up_abandoned(
    worker: str, *, uow: UnitOfWork, clock: Clock = utc_now, limit: int = 100
) -> dict[int, str]:
    """Updates a gone worker took and never finished (Telegram will not send them again once
    polling told it they arrived), now this worker's: their bodies by update id. Not older
    than TAKE_UP_WITHIN: an hour-old button press is better lost than applied late."""
    with uow:
        at = clock()
        claimed = uow.updates.claim_abandoned(worker, at - GONE_AFTER, at - TAKE_UP_WITHIN, limit)
        uow.commit()
        return claimed


def _first_delivery(uow: UnitOfWork, arrival: Arrival, at: datetime, worker: str) -> Delivery:
    taken = uow.updates.take(
        arrival.update_id, worker, at, alive_since=at - GONE_AFTER, body=arrival.body
    )
    if not taken.fresh and not taken.mine:
        if taken.holder_seen_at is None:
            return Delivery(False)
        wait = (taken.holder_seen_at + GONE_AFTER - at).total_seconds()
        return Delivery(False, ask_again_in=max(0.1, wait + 0.1))
    fresh, mine = taken.fresh, taken.mine
    if arrival.telegram_user_id is None:
        return Delivery(fresh, mine=mine)
    known = uow.languages.of(arrival.telegram_user_id)
    if arrival.app_language and arrival.app_language != known.app:
        uow.languages.note_app(arrival.telegram_user_id, arrival.app_language)
    return Delivery(fresh, known.chosen, mine=mine)
