"""Delivering the outbox: claim, send, then mark; retry later on flood control or outages.

A claim is a lease: two bot processes sharing one database never send the same row at the
same time, and a process that dies mid-send leaves a lease that simply runs out.

At most one duplicate: a claim counts the send it is made for as one that may reach the person
(an "unsure send"), and only an answer from Telegram that it did not take the message (flood
control, a refusal, a 5xx, no connection at all) takes that back. A send whose answer never
came (a timeout) or whose worker died stays counted, and waits UNANSWERED_WAIT before the next
try; a message with UNSURE_SENDS_ALLOWED (2) such sends is given up on, never sent a third time.
"""

from __future__ import annotations

import dataclasses
import secrets
from datetime import timedelta

from bot.domain.clock import Clock, utc_now
from bot.domain.news import Outcome
from bot.domain.notifications import UNSURE_SENDS_ALLOWED, Notification
from bot.domain.ports import UnitOfWork
from bot.domain.services.news import record_outcome
from bot.domain.services.retry import retry_on_conflict

LEASE = timedelta(seconds=60)
MAX_BACKOFF = timedelta(minutes=10)
# The next try of a send whose answer never came waits this long. Telegram publishes no timeout
# of its own, but its Bot API answers from behind nginx, which drops a request its backend has
# not answered within 60 s by default (proxy_read_timeout): by then the first try is over on
# Telegram's side, delivered or not, and the two do not run at once. It is also twelve times
# the bot's read timeout (5 s), and gives a Telegram too slow to answer a minute to recover.
UNANSWERED_WAIT = timedelta(seconds=60)
GIVEN_UP_UNANSWERED = "given up: sent twice with no answer; a third send could be a second copy"


@dataclasses.dataclass(frozen=True, slots=True)
class Claimed:
    """One round of the sender: what to send now, and what was given up on instead (each
    claimed UNSURE_SENDS_ALLOWED times already, with no answer to show it was not taken)."""

    to_send: list[Notification]
    given_up: list[Notification]


@retry_on_conflict
def claim_due(*, limit: int = 20, uow: UnitOfWork, clock: Clock = utc_now) -> Claimed:
    """Lease what is due, each claim counted as an unsure send; each claimed notification
    carries the lease's token and its count. What may not be sent again is given up on."""
    now, lease = clock(), secrets.token_hex(8)
    to_send: list[Notification] = []
    given_up: list[Notification] = []
    with uow:
        for n in uow.outbox.due(now, limit=limit):
            if n.id is None:
                continue
            if n.unsure_sends >= UNSURE_SENDS_ALLOWED:
                if uow.outbox.abandon(n.id, now, GIVEN_UP_UNANSWERED):
                    given_up.append(n)
            elif uow.outbox.claim(n.id, lease, now, now + LEASE):
                to_send.append(n)
        languages = uow.languages.readers({n.chat_id for n in to_send})
        uow.commit()
    claimed = [
        dataclasses.replace(
            n, lease=lease, language=languages.get(n.chat_id), unsure_sends=n.unsure_sends + 1
        )
        for n in to_send
    ]
    return Claimed(claimed, given_up)


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
    at = clock()
    with uow:
        marked = uow.outbox.mark_sent(*_held(notification), at)
        if marked:
            record_outcome(uow, notification, Outcome.DELIVERED, at)
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
    """Telegram did not take it (flood control, an error it answered, no connection): the
    send is no longer counted as unsure, and goes again after `after`."""
    with uow:
        notification_id, lease = _held(notification)
        uow.outbox.postpone(notification_id, lease, clock() + after, error)
        uow.commit()


@retry_on_conflict
def unanswered(
    notification: Notification, *, error: str, uow: UnitOfWork, clock: Clock = utc_now
) -> bool:
    """The send got no answer (a timeout): the person may have the message. It goes again
    after UNANSWERED_WAIT, unless it has had all the unsure sends allowed: then it is given
    up on, and True."""
    now = clock()
    with uow:
        notification_id, lease = _held(notification)
        if notification.unsure_sends >= UNSURE_SENDS_ALLOWED:
            why = f"{GIVEN_UP_UNANSWERED} ({error})"
            given_up = uow.outbox.fail(notification_id, lease, now, why, unanswered=True)
        else:
            until = now + UNANSWERED_WAIT
            uow.outbox.postpone(notification_id, lease, until, error, unanswered=True)
            given_up = False
        uow.commit()
        return given_up


@retry_on_conflict
def give_up(
    notification: Notification,
    *,
    error: str,
    blocked: bool = False,
    uow: UnitOfWork,
    clock: Clock = utc_now,
) -> None:
    """The message can never be delivered: the chat is gone, or (`blocked`) the person
    blocked the bot, which is recorded so that no news nor reminder goes to them again."""
    at = clock()
    with uow:
        notification_id, lease = _held(notification)
        if uow.outbox.fail(notification_id, lease, at, error):
            outcome = Outcome.BLOCKED if blocked else Outcome.FAILED
            record_outcome(uow, notification, outcome, at)
        uow.commit()
