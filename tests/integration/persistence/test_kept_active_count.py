"""The worker's count of items on sale (`/report`'s unsold items) is kept with the catalogue's
version it was counted at, and counted again once a change moves that version."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event

from bot.domain.services import catalogue
from bot.persistence.engine import session_factory
from bot.persistence.repositories.catalogue import KeptActiveCount
from bot.persistence.unit_of_work import SqlAlchemyUnitOfWork
from tests.support.factories import stocked


def counted(engine: Engine, kept: KeptActiveCount) -> tuple[int, int]:
    """Items on sale, as the worker sees them; and how many times they were counted."""
    counts: list[str] = []

    def ran(_c: object, _cur: object, sql: str, *_rest: object) -> None:
        if "count(*)" in sql.lower() and "products" in sql:
            counts.append(sql)

    with watching(engine, ran), SqlAlchemyUnitOfWork(session_factory(engine), kept=kept) as uow:
        return uow.products.count_active(), len(counts)


@contextmanager
def watching(engine: Engine, ran: Callable[..., None]) -> Iterator[None]:
    event.listen(engine, "before_cursor_execute", ran)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", ran)


def test_items_are_counted_once_while_the_catalogue_stands(engine: Engine) -> None:
    sessions = session_factory(engine)
    for n in range(3):
        stocked(SqlAlchemyUnitOfWork(sessions), 5, sku=f"S{n}", name=f"Soap {n}")
    kept = KeptActiveCount()
    assert counted(engine, kept) == (3, 1)
    assert counted(engine, kept) == (3, 0)  # the version stands: the kept count


def test_taking_an_item_off_sale_bringing_it_back_and_adding_one_are_each_counted(
    engine: Engine,
) -> None:
    sessions = session_factory(engine)
    for n in range(3):
        stocked(SqlAlchemyUnitOfWork(sessions), 5, sku=f"T{n}", name=f"Tea {n}")
    kept = KeptActiveCount()
    assert counted(engine, kept)[0] == 3
    catalogue.set_active("T1", False, uow=SqlAlchemyUnitOfWork(sessions))
    assert counted(engine, kept) == (2, 1)
    catalogue.set_active("T1", True, uow=SqlAlchemyUnitOfWork(sessions))
    assert counted(engine, kept) == (3, 1)
    stocked(SqlAlchemyUnitOfWork(sessions), 5, sku="T3", name="Tea 3")
    assert counted(engine, kept) == (4, 1)


def test_an_empty_catalogues_count_is_not_kept(engine: Engine) -> None:
    """Version 0 is any empty table's, so it cannot tell one catalogue from another."""
    kept = KeptActiveCount()
    assert counted(engine, kept) == (0, 1)
    assert counted(engine, kept) == (0, 1)
