"""Race N customers for the last few units of one item and print what happened.

    .venv/bin/python bench/order_race.py                       # SQLite file in a temp dir
    .venv/bin/python bench/order_race.py --url mysql+pymysql://root@127.0.0.1:3306/test

On MySQL/MariaDB a throwaway database is created beside the one named and dropped afterwards.
"""

from __future__ import annotations

import argparse
import logging
import secrets
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.domain.catalogue import Product, Unit
from bot.domain.errors import DomainError
from bot.domain.money import Currency
from bot.domain.orders import Fulfilment, Order
from bot.domain.services import catalogue, orders
from bot.domain.services.cart import set_cart_quantity
from bot.domain.services.customers import CustomerRef
from bot.domain.services.orders import CheckoutDetails
from bot.domain.store import Store
from bot.persistence import migrate
from bot.persistence.engine import build_engine, session_factory
from bot.persistence.unit_of_work import SqlAlchemyUnitOfWork

STORE = Store("Bench", Currency("EUR"), ZoneInfo("UTC"), Decimal(5))


class RetryCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def race(url: str, racers: int, units: int) -> None:
    engine = build_engine(url, pool_size=racers + 4, max_overflow=4)
    migrate.upgrade(engine)
    sessions = session_factory(engine)

    def uow() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(sessions)

    product = catalogue.add_product(
        Product(
            sku="LAST",
            name="Last units",
            category="Bench",
            unit=Unit.PIECE,
            step=Decimal(1),
            price_minor=100,
        ),
        initial_stock=Decimal(units),
        actor="bench",
        store=STORE,
        uow=uow(),
    )
    people = [CustomerRef(10_000 + n, f"Racer {n}") for n in range(racers)]
    for who in people:
        set_cart_quantity(who, product.id or 0, Decimal(1), uow=uow())
    details = CheckoutDetails(Fulfilment.pickup(datetime(2030, 1, 1, tzinfo=UTC)), "+441234567")
    counter = RetryCounter()
    retry_log = logging.getLogger("bot.domain.services.retry")
    retry_log.setLevel(logging.INFO)
    retry_log.addHandler(counter)
    barrier = threading.Barrier(racers)

    def attempt(n: int) -> Order | DomainError:
        barrier.wait()
        try:
            return orders.place_order(people[n], details, store=STORE, uow=uow())
        except DomainError as refused:
            return refused

    started = time.perf_counter()
    with ThreadPoolExecutor(racers) as pool:
        results = list(pool.map(attempt, range(racers)))
    elapsed = time.perf_counter() - started
    placed = [r for r in results if isinstance(r, Order)]
    left = catalogue.find_product("LAST", uow=uow()).stock
    with uow() as check:
        ledger = check.ledger.balance(product.id or 0)
    print(f"database        {make_url(url).get_backend_name()}")
    print(f"racers          {racers} for {units} units")
    print(f"orders placed   {len(placed)}")
    print(f"refused         {len(results) - len(placed)}")
    print(f"stock left      {left}")
    print(f"ledger balance  {ledger} ({'balances' if ledger == left else 'DOES NOT BALANCE'})")
    print(f"retries         {counter.count} (deadlocks/lock waits re-run whole use cases)")
    print(f"wall time       {elapsed:.2f} s for the race")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="MySQL/MariaDB admin URL; SQLite when omitted")
    parser.add_argument("--racers", type=int, default=50)
    parser.add_argument("--units", type=int, default=10)
    args = parser.parse_args()
    if args.url is None:
        with tempfile.TemporaryDirectory() as folder:
            race(f"sqlite:///{Path(folder) / 'bench.db'}", args.racers, args.units)
        return
    name = f"shopkeeps_bench_{secrets.token_hex(4)}"
    admin = create_engine(args.url)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE DATABASE {name} CHARACTER SET utf8mb4"))
    try:
        race(
            make_url(args.url).set(database=name).render_as_string(hide_password=False),
            args.racers,
            args.units,
        )
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP DATABASE {name}"))
        admin.dispose()


if __name__ == "__main__":
    main()
