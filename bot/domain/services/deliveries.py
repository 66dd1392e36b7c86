"""Each Telegram update is applied once, however often it is delivered, by whichever worker."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from bot.domain.clock import Clock, utc_now
from bot.domain.ports import Take, UnitOfWork
from bot.domain.services.retry import retry_on_conflict

BEAT_EVERY = timedelta(seconds=5)  # how often a worker says it lives
# A worker not heard of for this long is gone (killed, crashed): what it took and never
# committed work for is taken over when Telegram delivers it again.
GONE_AFTER = timedelta(seconds=15)
TAKE_UP_WITHIN = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Arrival:
    """An update as it arrived: its id, who sent it, and their Telegram app's language.
    `cart_item`: the item whose quantity in the sender's cart the reply shows (an item's
    card), read with the record rather than in a transaction of its own."""

    update_id: int
    telegram_user_id: int | None = None
    app_language: str | None = None
    body: str | None = None  # the update as Telegram sent it (JSON), kept until it is handled
    cart_item: int | None = None
    # The item whose card the reply shows: an amount typed next is for it (noted here, in
    # the record's transaction, rather than in one of its own), and its ⭐ says whether it is
    # one of the sender's favourites (read here too).
    card_item: int | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    """An update taken (`fresh`), or seen before; and what its reply needs that the same
    transaction can read at no extra round trip: the language its sender chose (every reply
    needs it), the catalogue's version (a worker's browse screens serve while it stands), the
    arrival's `cart_item` as the sender's cart holds it (`in_cart`; None: not read), and
    whether its `card_item` is one of the sender's favourites (`favourite`; None: not read).
    `ask_again_in`: held by another worker that may have just died; ask again after this
    many seconds, when it will count as gone if it is."""

    fresh: bool
    language: str | None = None
    ask_again_in: float = 0.0
    # Seen before, taken by this same worker and not done: the worker's own earlier attempt
    # to record it, if that attempt failed as far as it knows (its commit may have gone through).
    mine: bool = False
    catalogue: int | None = None  # None: not known (read the catalogue afresh)
    in_cart: Decimal | None = None
    favourite: bool | None = None


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
    in the same order and cannot deadlock. What the replies need is then read for the whole
    batch at once: the senders' languages, the cart lines the cards show and whether their
    items are favourites, the catalogue's version (a statement each, however many updates).
    The sender's app language is kept when it is new or changed (a write only then, in person
    order), for the notifications they will be sent later."""
    in_order = sorted(range(len(arrivals)), key=lambda i: arrivals[i].update_id)
    with uow:
        at = clock()
        takes = uow.updates.take_many(
            [(arrivals[n].update_id, arrivals[n].body) for n in in_order],
            worker,
            at,
            alive_since=at - GONE_AFTER,
        )
        taken = {n: _delivery(take, at) for n, take in zip(in_order, takes, strict=True)}
        answered = [n for n in in_order if taken[n].fresh or taken[n].mine]
        senders = {n: user for n in answered if (user := arrivals[n].telegram_user_id)}
        known = uow.languages.of_many(set(senders.values()))
        apps = {senders[n]: app for n in senders if (app := arrivals[n].app_language)}
        for user, app in sorted(apps.items()):  # each person's latest, in one lock order
            if app != known[user].app:
                uow.languages.note_app(user, app)
        cards = {n: (senders[n], item) for n in senders if (item := arrivals[n].cart_item)}
        held = uow.carts.held(set(cards.values())) if cards else {}
        shown = {
            senders[n]: item for n in answered if n in senders and (item := arrivals[n].card_item)
        }
        if shown:  # each person's latest card, in person order
            uow.carts.note_cards(dict(sorted(shown.items())), at)
        stars = {(senders[n], item) for n in senders if (item := arrivals[n].card_item)}
        starred = uow.favourites.among(stars) if stars else set()
        catalogue = uow.catalogue.current()
        uow.updates.finish(finished, worker, at)  # handled since: no extra transaction
        uow.commit()
    deliveries = {}
    for n, delivery in taken.items():
        if n in senders:
            card = cards.get(n)
            item = arrivals[n].card_item
            delivery = dataclasses.replace(
                delivery,
                language=known[senders[n]].chosen,
                in_cart=held[card] if card is not None else None,
                favourite=(senders[n], item) in starred if item else None,
            )
        deliveries[n] = dataclasses.replace(delivery, catalogue=catalogue)
    return [deliveries[n] for n in range(len(arrivals))]


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


def _delivery(taken: Take, at: datetime) -> Delivery:
    if not taken.fresh and not taken.mine:
        if taken.holder_seen_at is None:
            return Delivery(False)
        wait = (taken.holder_seen_at + GONE_AFTER - at).total_seconds()
        return Delivery(False, ask_again_in=max(0.1, wait + 0.1))
    return Delivery(taken.fresh, mine=taken.mine)
