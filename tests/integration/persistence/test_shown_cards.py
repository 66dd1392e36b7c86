"""The item card each person saw last, noted with the record of the update that showed it: an
amount they type next is for that item."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, event, text

from bot.domain.services import deliveries
from bot.domain.services.cart import card_seen
from bot.domain.services.personal_data import forget_me
from bot.persistence.unit_of_work import SqlAlchemyUnitOfWork
from tests.support.databases import UowFactory

NOW = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)


def card_of(new_uow: UowFactory, telegram_user_id: int) -> int | None:
    with new_uow() as uow:
        return uow.carts.card_shown(telegram_user_id, NOW - timedelta(hours=1))


def test_each_persons_latest_card_in_a_batch_is_noted_and_replaces_the_one_before(
    new_uow: UowFactory,
) -> None:
    card_seen(701, 5, uow=new_uow(), clock=lambda: NOW)
    arrivals = [
        deliveries.Arrival(40, 701, card_item=7),
        deliveries.Arrival(41, 702, card_item=8),
        deliveries.Arrival(42, 701, card_item=9),  # the later card of the two
        deliveries.Arrival(43, 703),  # no card: nothing noted
    ]
    deliveries.first_deliveries(arrivals, uow=new_uow(), clock=lambda: NOW)
    assert [card_of(new_uow, user) for user in (701, 702, 703)] == [9, 8, None]
    with new_uow() as uow:
        assert uow.carts.card_shown(701, NOW + timedelta(seconds=1)) is None  # older than asked


def test_a_batch_of_forty_peoples_cards_is_one_statement_whether_their_rows_are_new_or_old(
    engine: Engine, new_uow: UowFactory
) -> None:
    for user in range(1000, 1020):  # half of them saw a card before
        card_seen(user, 1, uow=new_uow(), clock=lambda: NOW)
    shown = {user: user - 990 for user in range(1000, 1040)}
    written: list[str] = []

    def ran(_c: object, _cur: object, sql: str, *_rest: object) -> None:
        if "shown_cards" in sql:
            written.append(sql)

    event.listen(engine, "before_cursor_execute", ran)
    try:
        with new_uow() as uow:
            sent = statements_sent(uow)
            uow.carts.note_cards(shown, NOW)
            sent = statements_sent(uow) - sent - 1  # less the first count's own
            uow.commit()
    finally:
        event.remove(engine, "before_cursor_execute", ran)
    assert len(written) == 1, written
    if engine.dialect.name != "sqlite":  # and the driver sent it as one
        assert sent == 1
    assert {user: card_of(new_uow, user) for user in shown} == shown


def statements_sent(uow: SqlAlchemyUnitOfWork) -> int:
    """What the server counted on this connection so far (MariaDB; 0 on SQLite)."""
    if uow.session.get_bind().dialect.name == "sqlite":
        return 0
    return int(uow.session.execute(text("SHOW SESSION STATUS LIKE 'Questions'")).one()[1])


def test_twelve_workers_noting_overlapping_batches_at_once_all_succeed(
    new_uow: UowFactory,
) -> None:
    """Twelve records at once, each for eight people of the same twenty (each in Telegram id
    order, as the record passes them): none fails, and each person's card is one of theirs."""
    barrier = threading.Barrier(12)
    noted: dict[int, set[int]] = {user: set() for user in range(500, 520)}

    def record(worker: int) -> None:
        people = sorted({500 + (worker * 3 + k * 5) % 20 for k in range(8)})
        for user in people:
            noted[user].add(worker + 1)  # its item (0 would be no card)
        arrivals = [
            deliveries.Arrival(10_000 + worker * 100 + n, user, card_item=worker + 1)
            for n, user in enumerate(people)
        ]
        barrier.wait()
        deliveries.first_deliveries(arrivals, uow=new_uow(), clock=lambda: NOW)

    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(record, range(12)))
    for user, workers in noted.items():
        if workers:
            assert card_of(new_uow, user) in workers


def test_two_workers_noting_a_persons_first_card_at_once_both_succeed(
    new_uow: UowFactory,
) -> None:
    barrier = threading.Barrier(2)

    def note(item: int) -> None:
        barrier.wait()
        card_seen(801, item, uow=new_uow(), clock=lambda: NOW)

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(note, (11, 12)))
    assert card_of(new_uow, 801) in (11, 12)


def test_forgetting_a_person_forgets_the_card_they_saw(new_uow: UowFactory) -> None:
    card_seen(901, 3, uow=new_uow(), clock=lambda: NOW)
    forget_me(901, uow=new_uow())
    assert card_of(new_uow, 901) is None
