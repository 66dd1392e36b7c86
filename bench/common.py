"""What the benchmarks share: a throwaway database, the demo store, percentiles and their
wording."""

from __future__ import annotations

import secrets
import statistics
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.demo_data import demo_rows
from bot.domain.services import catalogue, stock
from bot.domain.services.catalogue import ImportRow
from bot.domain.services.customers import CustomerRef
from bot.persistence import migrate
from bot.persistence.engine import build_engine

if TYPE_CHECKING:
    from bot.domain.catalogue import Product
    from bot.playground.bot_api.server import Person
    from tests.support.running_bot import RunningBot


@contextmanager
def database(url: str | None) -> Iterator[str]:
    if url is None:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"
        return
    name = f"shopkeeps_bench_{secrets.token_hex(4)}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE DATABASE {name} CHARACTER SET utf8mb4"))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP DATABASE {name}"))
        admin.dispose()


def migrated(url: str) -> None:
    """Bring a throwaway database to the current schema."""
    engine = build_engine(url)
    migrate.upgrade(engine)
    engine.dispose()


def stock_demo_store(bot: RunningBot) -> None:
    """The demo catalogue, every item with plenty in stock."""
    rows = [ImportRow(r.line_number, r.product, Decimal(100_000)) for r in demo_rows()]
    catalogue.import_catalogue(rows, store=bot.shop.store, actor="bench", uow=bot.shop.uow())


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def spread(waits: list[float]) -> str:
    return (
        f"p50 {ms(statistics.median(waits))} / p95 {ms(percentile(waits, 0.95))} / "
        f"p99 {ms(percentile(waits, 0.99))} ms"
    )


def sold_out_and_watched(
    bot: RunningBot, people: int, *, sku: str, name: str
) -> tuple[Product, list[Person]]:
    """A sold-out item and `people` customers who asked to be told when it is back."""
    from tests.support.factories import make_product

    item = catalogue.add_product(
        make_product(sku=sku, name=name),
        initial_stock=Decimal(0),
        actor="bench",
        store=bot.shop.store,
        uow=bot.shop.uow(),
    )
    watchers = [bot.double.person(f"Watcher {n}") for n in range(people)]
    for person in watchers:
        stock.watch_product(
            CustomerRef(person.id, person.first_name), item.id or 0, uow=bot.shop.uow()
        )
    return item, watchers
