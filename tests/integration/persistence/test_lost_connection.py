"""The connection to the database breaks while a use case commits (MySQL 2013, "Lost
connection"): the COMMIT may or may not have been carried out. Work for an update is looked
up by its done mark and counted once either way; other work is reported as unknown rather
than run twice (both databases; the break itself is simulated at the session's commit)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pymysql
import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot.domain.errors import OutcomeUnknown
from bot.domain.services import catalogue, deliveries, stock
from bot.domain.services.deliveries import HANDLING, Handling
from tests.support.databases import UowFactory
from tests.support.factories import STORE, stocked

T0 = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
LOST = OperationalError("COMMIT", {}, pymysql.err.OperationalError(2013, "Lost connection"))


def _commit_breaks(monkeypatch: pytest.MonkeyPatch, *, after_committing: bool) -> list[int]:
    """The next COMMIT loses its connection, after or before the server carried it out."""
    real_commit = Session.commit
    broken: list[int] = []

    def commit(session: Session) -> None:
        if broken:
            real_commit(session)
            return
        broken.append(1)
        if after_committing:
            real_commit(session)
        raise LOST

    monkeypatch.setattr(Session, "commit", commit)
    return broken


@pytest.fixture
def handling_update(new_uow: UowFactory) -> Iterator[None]:
    deliveries.worker_alive("w1", uow=new_uow(), clock=lambda: T0)
    assert deliveries.first_delivery(9, 7, worker="w1", uow=new_uow(), clock=lambda: T0).fresh
    token = HANDLING.set(Handling(9, "w1"))
    try:
        yield
    finally:
        HANDLING.reset(token)


def _restock_three(new_uow: UowFactory) -> None:
    stock.receive_stock("TEA", Decimal(3), actor="test", store=STORE, uow=new_uow())


@pytest.mark.usefixtures("handling_update")
def test_a_commit_that_landed_before_the_break_counts_once(
    new_uow: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    stocked(new_uow(), 5, sku="TEA")
    broken = _commit_breaks(monkeypatch, after_committing=True)
    _restock_three(new_uow)
    assert broken == [1]
    assert catalogue.find_product("TEA", uow=new_uow()).stock == 8


@pytest.mark.usefixtures("handling_update")
def test_a_commit_that_never_landed_is_run_again(
    new_uow: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    stocked(new_uow(), 5, sku="TEA")
    broken = _commit_breaks(monkeypatch, after_committing=False)
    _restock_three(new_uow)
    assert broken == [1]
    assert catalogue.find_product("TEA", uow=new_uow()).stock == 8


def test_work_for_no_update_is_reported_as_unknown_and_not_run_twice(
    new_uow: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    stocked(new_uow(), 5, sku="TEA")
    _commit_breaks(monkeypatch, after_committing=True)
    with pytest.raises(OutcomeUnknown):
        _restock_three(new_uow)
    assert catalogue.find_product("TEA", uow=new_uow()).stock == 8


def _next_rollback_breaks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The next ROLLBACK loses its connection (the server rolls back when it goes)."""
    real_rollback = Session.rollback
    broken: list[int] = []

    def rollback(session: Session) -> None:
        if broken:
            real_rollback(session)
            return
        broken.append(1)
        real_rollback(session)
        raise LOST

    monkeypatch.setattr(Session, "rollback", rollback)
    return broken


def test_a_read_whose_closing_rollback_breaks_still_gives_its_answer(
    new_uow: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    stocked(new_uow(), 5, sku="TEA")
    broken = _next_rollback_breaks(monkeypatch)
    assert catalogue.find_product("TEA", uow=new_uow()).stock == 5
    assert broken == [1]
    assert catalogue.find_product("TEA", uow=new_uow()).stock == 5


def test_a_write_whose_rollback_breaks_after_a_failure_reports_the_failure_not_the_rollback(
    new_uow: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    stocked(new_uow(), 5, sku="TEA")
    _commit_breaks(monkeypatch, after_committing=False)
    broken = _next_rollback_breaks(monkeypatch)
    with pytest.raises(OutcomeUnknown):
        _restock_three(new_uow)
    assert broken == [1]
    assert catalogue.find_product("TEA", uow=new_uow()).stock == 5
