from __future__ import annotations

from datetime import timedelta

from bot.domain.notifications import Notification, NotificationKind
from bot.domain.services import outbox
from tests.support.factories import FixedClock
from tests.support.fakes import FakeUnitOfWork


def _queued(uow: FakeUnitOfWork, clock: FixedClock, chat_id: int = 42) -> int:
    with uow:
        note = uow.outbox.add(
            Notification(
                chat_id,
                NotificationKind.ORDER_STATUS,
                {"order_code": "X", "status": "ready"},
                clock(),
            )
        )
        uow.commit()
    assert note.id is not None
    return note.id


def test_a_claimed_message_is_not_handed_to_a_second_sender() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    _queued(uow, clock)
    assert len(outbox.claim_due(uow=uow, clock=clock)) == 1
    assert outbox.claim_due(uow=uow, clock=clock) == []


def test_a_lease_that_runs_out_lets_another_sender_try() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    _queued(uow, clock)
    outbox.claim_due(uow=uow, clock=clock)
    clock.advance(seconds=61)
    assert len(outbox.claim_due(uow=uow, clock=clock)) == 1


def test_a_delivered_message_is_never_sent_again() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    _queued(uow, clock)
    [claimed] = outbox.claim_due(uow=uow, clock=clock)
    assert outbox.delivered(claimed, uow=uow, clock=clock)
    clock.advance(days=1)
    assert outbox.claim_due(uow=uow, clock=clock) == []


def test_a_postponed_message_waits_then_comes_back_with_its_attempt_counted() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    _queued(uow, clock)
    [claimed] = outbox.claim_due(uow=uow, clock=clock)
    outbox.retry_later(claimed, after=timedelta(seconds=30), error="429", uow=uow, clock=clock)
    clock.advance(seconds=29)
    assert outbox.claim_due(uow=uow, clock=clock) == []
    clock.advance(seconds=1)
    [again] = outbox.claim_due(uow=uow, clock=clock)
    assert again.attempts == 1


def test_backoff_doubles_and_is_capped() -> None:
    assert [outbox.backoff(n).total_seconds() for n in range(4)] == [1, 2, 4, 8]
    assert outbox.backoff(50) == timedelta(minutes=10)


def test_a_message_given_up_on_stays_out_of_the_queue() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    _queued(uow, clock)
    [claimed] = outbox.claim_due(uow=uow, clock=clock)
    outbox.give_up(claimed, error="Forbidden: bot was blocked by the user", uow=uow, clock=clock)
    clock.advance(days=1)
    assert outbox.claim_due(uow=uow, clock=clock) == []


def test_messages_to_one_chat_keep_their_order_when_the_first_must_wait() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    first = _queued(uow, clock, chat_id=42)
    _queued(uow, clock, chat_id=42)
    other = _queued(uow, clock, chat_id=7)
    claimed = outbox.claim_due(uow=uow, clock=clock)
    assert [n.id for n in claimed] == [first, other]
    outbox.retry_later(claimed[0], after=timedelta(seconds=5), error="429", uow=uow, clock=clock)
    assert outbox.claim_due(uow=uow, clock=clock) == []  # the second waits behind the first
    clock.advance(seconds=5)
    assert [n.id for n in outbox.claim_due(uow=uow, clock=clock)] == [first]


def test_only_the_lease_holder_marks_a_message_sent() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    _queued(uow, clock)
    [slow] = outbox.claim_due(uow=uow, clock=clock)
    clock.advance(seconds=61)  # the lease ran out: another sender takes the row
    [fast] = outbox.claim_due(uow=uow, clock=clock)
    assert fast.lease != slow.lease
    assert outbox.delivered(fast, uow=uow, clock=clock)
    assert not outbox.delivered(slow, uow=uow, clock=clock)
    assert not outbox.keep_lease(slow, uow=uow, clock=clock)


def test_a_send_that_keeps_its_lease_is_not_taken_over() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    _queued(uow, clock)
    [sending] = outbox.claim_due(uow=uow, clock=clock)
    for _ in range(5):  # flood control holds the send for several minutes
        clock.advance(seconds=40)
        assert outbox.keep_lease(sending, uow=uow, clock=clock)
        assert outbox.claim_due(uow=uow, clock=clock) == []
    assert outbox.delivered(sending, uow=uow, clock=clock)
