"""One customer floods the real bot; how long does another customer's /start wait?

    .venv/bin/python -m bench.flood                       # SQLite file in a temp dir
    .venv/bin/python -m bench.flood --url mysql+pymysql://root@127.0.0.1:3306/test

The real bot runs over HTTP against the local Bot API (as in the e2e tests). A flooder sends
150 searches at once, then another customer sends /start; the script prints the time from
that /start to its reply, several rounds, and how many of the flood were answered. On
MySQL/MariaDB a throwaway database is created beside the one named and dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import time
from decimal import Decimal

from sqlalchemy.engine import make_url

from bench.common import database
from bot.domain.services import catalogue
from bot.handlers.edge import SLOW_DOWN
from bot.persistence import migrate
from bot.persistence.engine import build_engine, session_factory
from bot.persistence.unit_of_work import SqlAlchemyUnitOfWork
from bot.playground.bot_api.server import LocalBotApi
from tests.support.factories import STORE, make_product
from tests.support.running_bot import running_bot

FLOOD = 150


async def one_round(api: LocalBotApi, n: int) -> tuple[float, int]:
    flooder, other = api.person(f"Flooder {n}"), api.person(f"Other {n}")
    for k in range(FLOOD):
        api.send_text(flooder, f"tea {k}")
    started = time.monotonic()
    api.send_text(other, "/start")
    while not api.chat(other).from_bot:
        await asyncio.sleep(0.002)
    waited = time.monotonic() - started
    await api.settle(timeout=120)
    answered = [m for m in api.chat(flooder).from_bot if m.shown_text != SLOW_DOWN]
    return waited, len(answered)


async def flood(url: str, rounds: int) -> None:
    engine = build_engine(url)
    migrate.upgrade(engine)
    catalogue.add_product(
        make_product(sku="TEA", name="Earl Grey"),
        initial_stock=Decimal(10),
        actor="bench",
        store=STORE,
        uow=SqlAlchemyUnitOfWork(session_factory(engine)),
    )
    engine.dispose()
    with LocalBotApi(keep_calls=False) as api:
        async with running_bot(api, url, "polling"):
            results = [await one_round(api, n) for n in range(rounds)]
    waits = sorted(w for w, _ in results)
    print(f"database: {make_url(url).get_backend_name()}, {rounds} rounds of {FLOOD} messages")
    print(
        f"other customer's /start answered after: median {statistics.median(waits):.3f} s, "
        f"worst {waits[-1]:.3f} s"
    )
    print(
        f"flood messages answered per round: {[a for _, a in results]} (the rest: one 'slow down')"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a MySQL/MariaDB server URL (default: SQLite)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with database(args.url) as url:
        asyncio.run(flood(url, args.rounds))


if __name__ == "__main__":
    main()
