from __future__ import annotations

from datetime import timedelta

from bot.domain.notifications import UNSURE_SENDS_ALLOWED, Notification
from bot.domain.orders import OrderStatus, StatusNews
from bot.domain.services import outbox
from tests.support.factories import FixedClock
from tests.support.fakes import FakeUnitOfWork


def _queued(uow: FakeUnitOfWork, clock: FixedClock, chat_id: int = 42) -> int:
    with uow:
        note = uow.outbox.add(Notification(chat_id, StatusNews("X", OrderStatus.READY), clock()))
        uow.commit()
    assert note.id is not None
    return note.id


def test_a_claimed_message_is_not_handed_to_a_second_sender() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    _queued(uow, clock)
    assert len(outbox.claim_due(uow=uow, clock=clock).to_send) == 1
    assert outbox.claim_due(uow=uow, clock=clock).to_send == []


def test_a_lease_that_runs_out_lets_another_sender_try() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    _queued(uow, clock)
    outbox.claim_due(uow=uow, clock=clock)
    clock.advance(seconds=61)
    assert len(outbox.claim_due(uow=uow, clock=clock).to_send) == 1


def test_a_delivered_message_is_never_sent_again() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    _queued(uow, clock)
    [claimed] = outbox.claim_due(uow=uow, clock=clock).to_send
    assert outbox.delivered(claimed, uow=uow, clock=clock)
    clock.advance(days=1)
    assert outbox.claim_due(uow=uow, clock=clock).to_send == []


def test_a_postponed_message_waits_then_comes_back_with_its_attempt_counted() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    _queued(uow, clock)
    [claimed] = outbox.claim_due(uow=uow, clock=clock).to_send
    outbox.retry_later(claimed, after=timedelta(seconds=30), error="429", uow=uow, clock=clock)
    clock.advance(seconds=29)
    assert outbox.claim_due(uow=uow, clock=clock).to_send == []
    clock.advance(seconds=1)
    [again] = outbox.claim_due(uow=uow, clock=clock).to_send
    assert again.attempts == 1


def test_backoff_doubles_and_is_capped() -> None:
    assert [outbox.backoff(n).total_seconds() for n in range(4)] == [1, 2, 4, 8]
    assert outbox.backoff(50) == timedelta(minutes=10)


def test_a_message_given_up_on_stays_out_of_the_queue() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    _queued(uow, clock)
    [claimed] = outbox.claim_due(uow=uow, clock=clock).to_send
    outbox.give_up(claimed, error="Forbidden: bot was blocked by the user", uow=uow, clock=clock)
    clock.advance(days=1)
    assert outbox.claim_due(uow=uow, clock=clock).to_send == []


def test_messages_to_one_chat_keep_their_order_when_the_first_must_wait() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    first = _queued(uow, clock, chat_id=42)
    _queued(uow, clock, chat_id=42)
    other = _queued(uow, clock, chat_id=7)
    claimed = outbox.claim_due(uow=uow, clock=clock).to_send
    assert [n.id for n in claimed] == [first, other]
    outbox.retry_later(claimed[0], after=timedelta(seconds=5), error="429", uow=uow, clock=clock)
    assert outbox.claim_due(uow=uow, clock=clock).to_send == []  # the second waits behind the first
    clock.advance(seconds=5)
    assert [n.id for n in outbox.claim_due(uow=uow, clock=clock).to_send] == [first]


def test_only_the_lease_holder_marks_a_message_sent() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    _queued(uow, clock)
    [slow] = outbox.claim_due(uow=uow, clock=clock).to_send
    clock.advance(seconds=61)  # the lease ran out: another sender takes the row
    [fast] = outbox.claim_due(uow=uow, clock=clock).to_send
    assert fast.lease != slow.lease
    assert outbox.delivered(fast, uow=uow, clock=clock)
    assert not outbox.delivered(slow, uow=uow, clock=clock)
    assert not outbox.keep_lease(slow, uow=uow, clock=clock)


def test_a_send_that_keeps_its_lease_is_not_taken_over() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    _queued(uow, clock)
    [sending] = outbox.claim_due(uow=uow, clock=clock).to_send
    for _ in range(5):  # flood control holds the send for several minutes
        clock.advance(seconds=40)
        assert outbox.keep_lease(sending, uow=uow, clock=clock)
        assert outbox.claim_due(uow=uow, clock=clock).to_send == []
    assert outbox.delivered(sending, uow=uow, clock=clock)


# ------------------------------------------------------------------ at most one duplicate


def test_a_claim_counts_its_send_as_one_that_may_reach_the_person() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    _queued(uow, clock)
    [claimed] = outbox.claim_due(uow=uow, clock=clock).to_send
    assert claimed.unsure_sends == 1


def test_sends_telegram_answered_without_taking_never_use_up_the_unsure_sends() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    _queued(uow, clock)
    for _ in range(5):  # flood control, 5xx, no connection: Telegram did not take it
        [claimed] = outbox.claim_due(uow=uow, clock=clock).to_send
        assert claimed.unsure_sends == 1
        outbox.retry_later(claimed, after=timedelta(seconds=1), error="502", uow=uow, clock=clock)
        clock.advance(seconds=1)
    [last] = outbox.claim_due(uow=uow, clock=clock).to_send
    assert outbox.delivered(last, uow=uow, clock=clock)


def test_a_send_with_no_answer_goes_once_more_a_minute_later_then_is_given_up() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    _queued(uow, clock)
    [first] = outbox.claim_due(uow=uow, clock=clock).to_send
    assert not outbox.unanswered(first, error="Timed out", uow=uow, clock=clock)
    clock.advance(seconds=59)
    assert outbox.claim_due(uow=uow, clock=clock).to_send == []  # Telegram may still be at it
    clock.advance(seconds=1)
    [second] = outbox.claim_due(uow=uow, clock=clock).to_send
    assert second.unsure_sends == UNSURE_SENDS_ALLOWED
    assert outbox.unanswered(second, error="Timed out", uow=uow, clock=clock)  # given up
    clock.advance(days=1)
    assert outbox.claim_due(uow=uow, clock=clock) == outbox.Claimed([], [])


def test_a_timed_out_send_then_a_normal_telegram_delivers_it_on_the_second_send() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    _queued(uow, clock)
    [first] = outbox.claim_due(uow=uow, clock=clock).to_send
    outbox.unanswered(first, error="Timed out", uow=uow, clock=clock)
    clock.advance(seconds=60)
    [second] = outbox.claim_due(uow=uow, clock=clock).to_send
    assert outbox.delivered(second, uow=uow, clock=clock)
    clock.advance(days=1)
    assert outbox.claim_due(uow=uow, clock=clock) == outbox.Claimed([], [])


def test_a_message_whose_worker_died_twice_mid_send_is_given_up_and_the_chat_moves_on() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    first = _queued(uow, clock, chat_id=42)
    following = _queued(uow, clock, chat_id=42)
    for _ in range(UNSURE_SENDS_ALLOWED):  # claimed, then the worker dies: the lease runs out
        assert [n.id for n in outbox.claim_due(uow=uow, clock=clock).to_send] == [first]
        clock.advance(seconds=61)
    claimed = outbox.claim_due(uow=uow, clock=clock)
    assert [n.id for n in claimed.given_up] == [first]
    assert [n.unsure_sends for n in claimed.given_up] == [UNSURE_SENDS_ALLOWED]
    assert [n.id for n in claimed.to_send] == []  # its chat's next waited behind it this round
    assert [n.id for n in outbox.claim_due(uow=uow, clock=clock).to_send] == [following]
