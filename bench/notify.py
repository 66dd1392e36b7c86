"""Status change → the customer's message: how long does a customer wait to hear that staff
moved their order? (Issue 11's target: p99 ≤ 150 ms.)

    .venv/bin/python -m bench.notify [--orders 50]
    .venv/bin/python -m bench.notify --url mysql+pymysql://root@127.0.0.1:3306/test

The real bot runs over HTTP against the local Bot API with the poll interval as shipped
(SHOPKEEPS_OUTBOX_POLL_SECONDS=2); each order is accepted through the staff use case, one at a
time, and the time until the customer's chat shows the message is recorded.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import time
from decimal import Decimal

from sqlalchemy.engine import make_url

from bench.common import database, migrated, percentile
from bot.domain.orders import OrderStatus
from bot.domain.services import catalogue, orders, staff
from bot.domain.services.cart import set_cart_quantity
from bot.domain.services.customers import CustomerRef
from bot.playground.bot_api.server import LocalBotApi
from tests.support.factories import FAST_HASHER, make_product, pickup_details
from tests.support.running_bot import running_bot


async def bench(url: str, count: int) -> list[float]:
    migrated(url)
    waits: list[float] = []
    with LocalBotApi(keep_calls=False) as api:
        async with running_bot(api, url, "polling", outbox_poll_seconds=2.0) as bot:
            store, uow = bot.shop.store, bot.shop.uow
            boss = staff.create_manager(
                "boss", "correct horse battery", uow=uow(), hasher=FAST_HASHER
            )
            tea = catalogue.add_product(
                make_product(sku="TEA", name="Earl Grey"),
                initial_stock=Decimal(count),
                actor="bench",
                store=store,
                uow=uow(),
            )
            for n in range(count):
                person = api.person(f"Customer {n}")
                who = CustomerRef(person.id, person.first_name)
                set_cart_quantity(who, tea.id or 0, Decimal(1), uow=uow())
                order = orders.place_order(who, pickup_details(), store=store, uow=uow())
                await asyncio.sleep(0.05)  # a moment later, staff accept it
                started = time.monotonic()
                await asyncio.to_thread(
                    orders.move_order,
                    boss.id or 0,
                    order.code,
                    OrderStatus.ACCEPTED,
                    store=store,
                    uow=uow(),
                )
                while not api.chat(person).from_bot:
                    await asyncio.sleep(0.001)
                waits.append(time.monotonic() - started)
    return waits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a MySQL/MariaDB server URL (default: SQLite)")
    parser.add_argument("--orders", type=int, default=50)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with database(args.url) as url:
        waits = asyncio.run(bench(url, args.orders))
        backend = make_url(url).get_backend_name()
    print(f"database: {backend}, {args.orders} status changes, poll interval 2 s")
    print(
        f"status change → customer's message: p50 {statistics.median(waits) * 1000:.0f} ms, "
        f"p99 {percentile(waits, 0.99) * 1000:.0f} ms, worst {max(waits) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
