"""An update taken by a worker that died before committing its work is taken over when
Telegram delivers it again; one whose work was committed never is, and a worker that lost an
update to another commits nothing for it (both databases)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from bot.domain.errors import UpdateTakenOver
from bot.domain.services import catalogue, deliveries, stock
from bot.domain.services.deliveries import GONE_AFTER, HANDLING, Delivery, Handling
from tests.support.databases import UowFactory
from tests.support.factories import STORE, stocked
from tests.support.transactions import transactions

T0 = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


def at(seconds: float) -> Callable[[], datetime]:
    return lambda: T0 + timedelta(seconds=seconds)


def take(new_uow: UowFactory, update_id: int, worker: str, seconds: float) -> Delivery:
    return deliveries.first_delivery(update_id, 7, worker=worker, uow=new_uow(), clock=at(seconds))


def alive(new_uow: UowFactory, worker: str, seconds: float) -> None:
    deliveries.worker_alive(worker, uow=new_uow(), clock=at(seconds))


def test_an_update_whose_worker_died_before_committing_is_taken_over(
    new_uow: UowFactory,
) -> None:
    alive(new_uow, "first", 0)
    assert take(new_uow, 1, "first", 0).fresh
    alive(new_uow, "second", 20)  # "first" said nothing since 0 s: it is gone
    assert take(new_uow, 1, "second", 20).fresh
    alive(new_uow, "second", 35)
    assert not take(new_uow, 1, "third", 40).fresh  # and now "second", alive, holds it


def test_an_update_whose_work_was_committed_is_never_taken_over(new_uow: UowFactory) -> None:
    alive(new_uow, "first", 0)
    assert take(new_uow, 2, "first", 0).fresh
    tea = stocked(new_uow(), 5, sku="TEA")
    token = HANDLING.set(Handling(2, "first"))
    try:
        stock.receive_stock("TEA", Decimal(3), actor="test", store=STORE, uow=new_uow())
    finally:
        HANDLING.reset(token)
    later = take(new_uow, 2, "second", 60)
    assert not later.fresh and later.ask_again_in == 0
    assert catalogue.find_product("TEA", uow=new_uow()).stock == 8
    assert tea.id is not None


def test_an_update_held_by_a_worker_heard_of_lately_is_asked_about_again_later(
    new_uow: UowFactory,
) -> None:
    alive(new_uow, "first", 0)
    assert take(new_uow, 3, "first", 0).fresh
    alive(new_uow, "first", 10)
    meanwhile = take(new_uow, 3, "second", 12)
    assert not meanwhile.fresh
    wait = (GONE_AFTER - timedelta(seconds=2)).total_seconds()
    assert wait < meanwhile.ask_again_in <= wait + 0.2  # when "first" would count as gone
    assert not take(new_uow, 3, "first", 13).fresh  # its own again: seen, no waiting
    assert take(new_uow, 3, "first", 13).ask_again_in == 0


def test_a_worker_that_lost_its_update_to_another_commits_nothing_for_it(
    new_uow: UowFactory,
) -> None:
    stocked(new_uow(), 5, sku="JAM")
    alive(new_uow, "slow", 0)
    assert take(new_uow, 4, "slow", 0).fresh
    alive(new_uow, "quick", 30)
    assert take(new_uow, 4, "quick", 30).fresh  # "slow" went quiet: taken over
    token = HANDLING.set(Handling(4, "slow"))  # ...but "slow" was only stalled, and goes on
    try:
        with pytest.raises(UpdateTakenOver):
            stock.receive_stock("JAM", Decimal(2), actor="test", store=STORE, uow=new_uow())
    finally:
        HANDLING.reset(token)
    token = HANDLING.set(Handling(4, "quick"))
    try:
        stock.receive_stock("JAM", Decimal(2), actor="test", store=STORE, uow=new_uow())
    finally:
        HANDLING.reset(token)
    assert catalogue.find_product("JAM", uow=new_uow()).stock == 7  # restocked once


def test_twelve_workers_taking_over_one_abandoned_update_at_once_take_it_once(
    new_uow: UowFactory,
) -> None:
    alive(new_uow, "dead", 0)
    assert take(new_uow, 5, "dead", 0).fresh
    for n in range(12):
        alive(new_uow, f"w{n}", 30)
    with ThreadPoolExecutor(12) as pool:
        taken = list(pool.map(lambda n: take(new_uow, 5, f"w{n}", 30), range(12)))
    assert [d.fresh for d in taken].count(True) == 1


def test_what_a_gone_worker_left_unfinished_is_claimed_once_with_its_body(
    new_uow: UowFactory,
) -> None:
    alive(new_uow, "dead", 0)
    arrivals = [
        deliveries.Arrival(10, 7, body='{"update_id": 10}'),
        deliveries.Arrival(11, 7, body='{"update_id": 11}'),
    ]
    deliveries.first_deliveries(arrivals, worker="dead", uow=new_uow(), clock=at(0))
    deliveries.worker_alive("dead", [10], uow=new_uow(), clock=at(1))  # 10 was handled
    alive(new_uow, "live", 30)
    claimed = deliveries.take_up_abandoned("live", uow=new_uow(), clock=at(30))
    assert claimed == {11: '{"update_id": 11}'}
    assert deliveries.take_up_abandoned("other", uow=new_uow(), clock=at(31)) == {}
    # Claimed, it is the live worker's own: its take says so, for it to handle.
    assert take(new_uow, 11, "live", 31).mine


def test_an_update_left_for_longer_than_an_hour_is_not_taken_up(new_uow: UowFactory) -> None:
    alive(new_uow, "dead", 0)
    arrival = deliveries.Arrival(12, 7, body='{"update_id": 12}')
    deliveries.first_deliveries([arrival], worker="dead", uow=new_uow(), clock=at(0))
    hour_later = deliveries.TAKE_UP_WITHIN.total_seconds() + 60
    alive(new_uow, "live", hour_later)
    assert deliveries.take_up_abandoned("live", uow=new_uow(), clock=at(hour_later)) == {}


def test_a_worker_that_stopped_cleanly_is_not_waited_for(new_uow: UowFactory) -> None:
    alive(new_uow, "stopped", 0)
    assert take(new_uow, 13, "stopped", 0).fresh
    deliveries.worker_gone("stopped", uow=new_uow())
    alive(new_uow, "next", 1)
    assert take(new_uow, 13, "next", 1).fresh  # at once, not 15 s later


def test_a_heartbeat_tells_the_databases_own_time(new_uow: UowFactory) -> None:
    before = datetime.now(UTC)
    told = deliveries.worker_alive("w", uow=new_uow(), clock=at(0))
    assert before - timedelta(seconds=5) < told < datetime.now(UTC) + timedelta(seconds=5)


def test_a_batch_inserts_its_new_updates_together_and_takes_the_others_one_by_one(
    new_uow: UowFactory, engine: Engine
) -> None:
    alive(new_uow, "dead", 0)
    deliveries.first_deliveries([deliveries.Arrival(20, 7)], worker="dead", uow=new_uow())
    alive(new_uow, "live", 30)
    assert take(new_uow, 21, "live", 30).fresh
    batch = [deliveries.Arrival(u, 7) for u in (20, 21, 22, 22, 23)]
    with transactions(engine) as seen:
        taken = deliveries.first_deliveries(batch, worker="live", uow=new_uow(), clock=at(31))
    assert [(d.fresh, d.mine) for d in taken] == [
        (True, False),  # the gone worker's: taken over
        (False, True),  # this worker's own, taken before
        (True, False),
        (False, True),  # the same update twice in one batch: handled once
        (True, False),
    ]
    inserts = [
        rows
        for t in seen
        for (sql, _), rows in zip(t.statements, t.rows, strict=True)
        if sql.lstrip().startswith("INSERT")
    ]
    assert sorted(inserts) == [1, 1, 2]  # 20 and 21 each as before; 22 and 23 together
