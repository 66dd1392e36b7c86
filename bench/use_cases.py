"""CPU time of each use case one browse round runs, called directly (no Telegram, one thread).

    .venv/bin/python -m bench.use_cases [DATABASE_URL] [--calls 400] [--profile NAME]

Process time, not wall time: steadier than the loops on a shared machine, so two commits can
be compared in a minute. The store is the demo catalogue in a throwaway database (SQLite when
no URL is given).
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import pstats
import time
from collections.abc import Callable
from decimal import Decimal

from bench.common import database, migrated
from bot.config import load_settings
from bot.demo_data import demo_rows
from bot.domain.services import catalogue, deliveries
from bot.domain.services.cart import add_to_cart, view_cart
from bot.domain.services.catalogue import ImportRow
from bot.domain.services.customers import CustomerRef
from bot.wiring import Shop, build_shop

PEOPLE = 40
WARM_UP = 50


def use_cases(shop: Shop) -> dict[str, Callable[[int], object]]:
    """The calls of one browse round, each taking the how-manyeth call it is."""
    rows = [ImportRow(r.line_number, r.product, Decimal(100_000)) for r in demo_rows()]
    catalogue.import_catalogue(rows, store=shop.store, actor="bench", uow=shop.uow())
    category = catalogue.categories(uow=shop.uow())[0]
    page = catalogue.products_in_category(category, offset=0, limit=8, uow=shop.uow())
    item = page.items[0].id or 0
    update_ids = itertools.count(1)
    people = [CustomerRef(1000 + n, f"Browser {n}") for n in range(PEOPLE)]
    return {
        "record the update": lambda n: deliveries.first_delivery(
            next(update_ids), people[n % PEOPLE].telegram_user_id, "en", uow=shop.uow()
        ),
        "categories": lambda _n: catalogue.categories(uow=shop.uow()),
        "a category's page": lambda _n: catalogue.products_in_category(
            category, offset=0, limit=8, uow=shop.uow()
        ),
        "an item": lambda _n: catalogue.product_for_sale(item, uow=shop.uow()),
        "the cart": lambda n: view_cart(people[n % PEOPLE], uow=shop.uow()),
        "add to the cart": lambda n: add_to_cart(
            people[n % PEOPLE], item, Decimal(1), uow=shop.uow()
        ),
    }


def cpu_per_call(call: Callable[[int], object], calls: int) -> float:
    for n in range(WARM_UP):
        call(n)
    started = time.process_time()
    for n in range(calls):
        call(n)
    return (time.process_time() - started) / calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", help="a MySQL/MariaDB server URL (default: SQLite)")
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--profile", metavar="NAME", help="cProfile one use case instead")
    args = parser.parse_args()
    with database(args.url) as url:
        migrated(url)
        shop = build_shop(load_settings(env_file=None, database_url=url, telegram_token=None))
        try:
            cases = use_cases(shop)
            if args.profile:
                profiler = cProfile.Profile()
                profiler.runcall(cpu_per_call, cases[args.profile], args.calls)
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
                return
            total = 0.0
            for name, call in cases.items():
                cost = cpu_per_call(call, args.calls)
                total += cost
                print(f"{name:20} {cost * 1e6:6.0f} µs CPU a call")
            print(f"{'all of them':20} {total * 1e6:6.0f} µs")
        finally:
            shop.close()


if __name__ == "__main__":
    main()
