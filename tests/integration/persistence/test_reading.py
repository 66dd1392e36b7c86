"""A use case that only reads holds back no writer, on SQLite as on MariaDB: a manager's long
report does not make the customers' taps wait behind it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, wait
from decimal import Decimal

import pytest

from bot.domain.services import stock
from tests.support.databases import UowFactory
from tests.support.factories import STORE, stocked


def test_a_write_goes_ahead_while_a_reading_transaction_is_open(new_uow: UowFactory) -> None:
    honey = stocked(new_uow(), 10, sku="HONEY")
    reader = new_uow()
    with ThreadPoolExecutor(1) as other:
        with reader.reading():
            assert reader.products.get_by_sku("HONEY") is not None  # a snapshot is being read
            restock = other.submit(
                stock.receive_stock, "HONEY", Decimal(5), actor="t", store=STORE, uow=new_uow()
            )
            finished, _ = wait([restock], timeout=3)
        # Under a write lock taken for the read, the restock waited for the reader to end.
        assert restock in finished, "the write waited for the reading transaction"
    assert restock.result().entry.resulting_level == 15
    with new_uow() as uow:
        assert uow.products.get(honey.id or 0).stock == 15  # type: ignore[union-attr]


def test_a_reading_unit_of_work_commits_nothing_and_the_next_one_writes_again(
    new_uow: UowFactory,
) -> None:
    uow = new_uow()
    with uow.reading(), pytest.raises(RuntimeError, match="opened for reading"):
        uow.commit()
    stock.receive_stock(
        stocked(new_uow(), 1, sku="TEA").sku, Decimal(1), actor="t", store=STORE, uow=uow
    )  # the same unit of work, used again for a write: it commits
    with new_uow() as check:
        assert check.products.get_by_sku("TEA").stock == 2  # type: ignore[union-attr]


def test_a_unit_of_work_already_open_cannot_turn_to_reading(new_uow: UowFactory) -> None:
    uow = new_uow()
    with pytest.raises(RuntimeError, match="already in a transaction"), uow:
        uow.reading()


def test_on_sqlite_a_reading_transaction_reads_one_snapshot(
    backend: str, new_uow: UowFactory
) -> None:
    if backend != "sqlite":
        pytest.skip("MariaDB reads each statement's own moment (READ COMMITTED)")
    stocked(new_uow(), 10, sku="HONEY")
    reader = new_uow()
    with reader.reading():
        before = len(reader.products.all(include_archived=True))
        stocked(new_uow(), 5, sku="JAM")  # committed by another transaction meanwhile
        assert len(reader.products.all(include_archived=True)) == before
