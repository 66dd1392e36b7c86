"""The catalogue's version on the real repositories (SQLite and MariaDB): read by every update's
record in its own transaction, with the cart line an item's card shows; moved by each committed
change to what customers' browse screens show, by many workers at once, and never waited for."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from sqlalchemy import Engine, text

from bot.domain.errors import DomainError
from bot.domain.services import catalogue, deliveries, stock
from bot.domain.services.cart import set_cart_quantity
from bot.domain.stock import StockReason
from tests.integration.persistence.test_concurrency import _race
from tests.support.databases import UowFactory
from tests.support.factories import STORE, customer, stocked
from tests.support.transactions import transactions


def _version(new_uow: UowFactory) -> int:
    with new_uow() as uow:
        return uow.catalogue.current()


def test_an_updates_record_reads_the_version_and_the_cart_line_in_its_one_transaction(
    new_uow: UowFactory, engine: Engine
) -> None:
    honey = stocked(new_uow(), 10, sku="HONEY")
    ann, bob = customer(), customer()
    set_cart_quantity(ann, honey.id or 0, Decimal(3), uow=new_uow())
    arrivals = [
        deliveries.Arrival(1, ann.telegram_user_id, cart_item=honey.id),
        deliveries.Arrival(2, bob.telegram_user_id, cart_item=honey.id),  # no cart yet
        deliveries.Arrival(3, ann.telegram_user_id),  # not a card: the cart is not read
    ]
    with transactions(engine) as seen:
        taken = deliveries.first_deliveries(arrivals, uow=new_uow())
    assert len(seen) == 1
    assert [d.in_cart for d in taken] == [Decimal(3), Decimal(0), None]
    assert {d.catalogue for d in taken} == {_version(new_uow)}


def test_each_committed_change_to_what_customers_see_moves_the_version(
    new_uow: UowFactory,
) -> None:
    versions = [_version(new_uow)]
    stocked(new_uow(), 100, sku="RICE")
    versions.append(_version(new_uow))
    catalogue.update_product("RICE", {"price_minor": 199}, uow=new_uow())
    versions.append(_version(new_uow))
    stock.count_stock("RICE", Decimal(0), store=STORE, actor="t", uow=new_uow())  # sold out
    versions.append(_version(new_uow))
    catalogue.set_active("RICE", False, uow=new_uow())
    versions.append(_version(new_uow))
    assert len(set(versions)) == len(versions)


def test_a_change_that_does_not_commit_leaves_the_version(new_uow: UowFactory) -> None:
    stocked(new_uow(), 100, sku="RICE")
    before = _version(new_uow)
    with pytest.raises(DomainError):  # 100 left: 101 cannot go
        stock.adjust_stock(
            "RICE", Decimal(-101), StockReason.DAMAGED, store=STORE, actor="t", uow=new_uow()
        )
    with new_uow() as uow:
        uow.catalogue.changed()  # and then leaves without commit
    stock.adjust_stock(
        "RICE", Decimal(-1), StockReason.DAMAGED, store=STORE, actor="t", uow=new_uow()
    )  # 99: "in stock", as at 100
    assert _version(new_uow) == before


def test_many_workers_changing_items_at_once_each_commit(new_uow: UowFactory) -> None:
    items = [stocked(new_uow(), 10, sku=f"ITEM-{n}") for n in range(12)]
    before = _version(new_uow)
    results = _race(len(items), lambda n: catalogue.set_active(items[n].sku, False, uow=new_uow()))
    assert not [r for r in results if isinstance(r, DomainError)]
    assert _version(new_uow) != before
    with new_uow() as uow:
        assert uow.products.categories() == []


def test_reading_the_version_never_waits_for_a_change_being_committed(
    backend: str, new_uow: UowFactory, engine: Engine
) -> None:
    if backend != "mariadb":
        pytest.skip("SQLite's transactions take turns anyway (BEGIN IMMEDIATE)")
    catalogue.update_product(stocked(new_uow(), sku="RICE").sku, {"name": "Rice"}, uow=new_uow())
    before = _version(new_uow)
    with engine.connect() as changing:  # holds every row it moves until it ends
        changing.execute(text("UPDATE catalogue_versions SET version = version + 1"))
        with ThreadPoolExecutor(1) as aside:
            started = time.monotonic()
            read = aside.submit(_version, new_uow).result(timeout=10)
        assert time.monotonic() - started < 2
        changing.rollback()
    assert read == before
