"""At most one duplicate per notification, counted in the database (both databases): a claim
counts its send as one that may reach the person, an answer that Telegram did not take it
takes that back, and a message with two sends unaccounted for is given up, never sent a third
time, whichever worker finds it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, select

from bot.domain.news import AnnouncementNews
from bot.domain.notifications import UNSURE_SENDS_ALLOWED, Notification, NotificationKind
from bot.domain.orders import NewOrderAlert, OrderStatus, StatusNews
from bot.domain.services import outbox
from bot.persistence.models import OutboxRow
from tests.support.databases import UowFactory
from tests.support.factories import FixedClock

MINUTE = timedelta(minutes=1)


def _queued(new_uow: UowFactory, clock: FixedClock, chat_id: int = 42) -> int:
    with new_uow() as uow:
        note = uow.outbox.add(Notification(chat_id, NewOrderAlert("K7"), clock()))
        uow.commit()
    assert note.id is not None
    return note.id


def _row(engine: Engine, notification_id: int) -> OutboxRow:
    with engine.connect() as connection:
        row = connection.execute(select(OutboxRow).where(OutboxRow.id == notification_id)).one()
    return OutboxRow(**row._asdict())


def test_a_claim_counts_its_send_and_an_answer_that_telegram_did_not_take_it_takes_it_back(
    new_uow: UowFactory, engine: Engine
) -> None:
    clock = FixedClock()
    note = _queued(new_uow, clock)
    now = clock()
    with new_uow() as uow:
        assert uow.outbox.claim(note, "first", now, now + MINUTE)
        uow.commit()
    assert _row(engine, note).unsure_sends == 1
    with new_uow() as uow:  # 429, a 5xx, no connection: not taken
        assert uow.outbox.postpone(note, "first", now, "502 Bad Gateway")
        uow.commit()
    assert _row(engine, note).unsure_sends == 0
    with new_uow() as uow:
        assert uow.outbox.claim(note, "second", now, now + MINUTE)
        assert uow.outbox.postpone(note, "second", now, "Timed out", unanswered=True)
        uow.commit()
    assert _row(engine, note).unsure_sends == 1  # a timeout stays counted
    with new_uow() as uow:
        assert uow.outbox.claim(note, "third", now, now + MINUTE)
        assert uow.outbox.fail(note, "third", now, "Forbidden: bot was blocked by the user")
        uow.commit()
    assert _row(engine, note).unsure_sends == 1  # refused: the third send is taken back


def test_a_message_with_all_its_unsure_sends_is_never_claimed_only_abandoned_once(
    new_uow: UowFactory, engine: Engine
) -> None:
    clock = FixedClock()
    note = _queued(new_uow, clock)
    now = clock()
    with new_uow() as uow:
        assert uow.outbox.claim(note, "first", now, now + MINUTE)
        assert not uow.outbox.abandon(note, now, "given up")  # held, and it may go once more
        uow.commit()
    later = now + 2 * MINUTE  # the worker died: its lease ran out
    with new_uow() as uow:
        assert not uow.outbox.abandon(note, later, "given up")  # one more send is allowed
        assert uow.outbox.claim(note, "second", later, later + MINUTE)
        uow.commit()
    last = later + 2 * MINUTE  # and the second worker died too
    with new_uow() as uow:
        assert [n.unsure_sends for n in uow.outbox.due(last, limit=10)] == [UNSURE_SENDS_ALLOWED]
        assert not uow.outbox.claim(note, "third", last, last + MINUTE)
        assert uow.outbox.abandon(note, last, "given up")
        assert not uow.outbox.abandon(note, last, "given up")  # once
        uow.commit()
    with new_uow() as uow:
        assert uow.outbox.due(last + timedelta(days=1), limit=10) == []
    row = _row(engine, note)
    assert row.failed_at is not None and row.sent_at is None
    assert row.last_error == "given up"


def test_two_workers_killed_mid_send_cost_one_duplicate_and_the_third_claim_gives_up(
    new_uow: UowFactory, engine: Engine
) -> None:
    clock = FixedClock()
    note = _queued(new_uow, clock)
    following = _queued(new_uow, clock)  # the same chat's next message waits behind it
    for copy in range(1, UNSURE_SENDS_ALLOWED + 1):
        [sending] = outbox.claim_due(uow=new_uow(), clock=clock).to_send
        assert (sending.id, sending.unsure_sends) == (note, copy)
        clock.advance(seconds=61)  # SIGKILL mid-send: the lease runs out
    third = outbox.claim_due(uow=new_uow(), clock=clock)
    assert [n.id for n in third.given_up] == [note]
    assert third.to_send == []
    assert outbox.GIVEN_UP_UNANSWERED in _row(engine, note).last_error
    [next_one] = outbox.claim_due(uow=new_uow(), clock=clock).to_send
    assert next_one.id == following


def test_a_second_send_with_no_answer_is_given_up_at_once_by_its_holder(
    new_uow: UowFactory, engine: Engine
) -> None:
    clock = FixedClock()
    note = _queued(new_uow, clock)
    [first] = outbox.claim_due(uow=new_uow(), clock=clock).to_send
    assert not outbox.unanswered(first, error="no answer: TimedOut", uow=new_uow(), clock=clock)
    assert _row(engine, note).next_attempt_at == clock() + outbox.UNANSWERED_WAIT
    clock.advance(seconds=outbox.UNANSWERED_WAIT.total_seconds())
    [second] = outbox.claim_due(uow=new_uow(), clock=clock).to_send
    assert outbox.unanswered(second, error="no answer: TimedOut", uow=new_uow(), clock=clock)
    row = _row(engine, note)
    assert row.failed_at == clock()
    assert row.unsure_sends == UNSURE_SENDS_ALLOWED
    clock.advance(days=1)
    assert outbox.claim_due(uow=new_uow(), clock=clock) == outbox.Claimed([], [])


def test_an_orders_news_queued_behind_an_announcement_goes_out_first(
    new_uow: UowFactory,
) -> None:
    """An announcement to many, then an order's status for someone else: the status is due
    before the announcement's rows, so it does not wait ~20 s behind them."""
    clock = FixedClock()
    with new_uow() as uow:
        for chat_id in range(100, 130):
            uow.outbox.add(Notification(chat_id, AnnouncementNews(1, chat_id, "News"), clock()))
        uow.outbox.add(Notification(7, StatusNews("K7", OrderStatus.READY), clock()))
        uow.commit()
    with new_uow() as uow:
        first = uow.outbox.due(clock(), limit=5)
    assert [n.kind for n in first] == [NotificationKind.ORDER_STATUS] + [
        NotificationKind.ANNOUNCEMENT
    ] * 4
    assert [n.chat_id for n in first[1:]] == [100, 101, 102, 103]  # the rest in queued order
