"""The browse loop alone, with the limiter off, against the echo ceiling of the same run.

    .venv/bin/python -m bench.browse [DATABASE_URL] [--customers 40] [--rounds 5] [--repeat 3]

`make bench` takes ten minutes; this is the one figure of it that is still short of its target,
measured the same way (bench.all.loops) in about a minute, so that a change can be judged on
both databases before the whole run. Each repeat measures the echo ceiling and the bare bot
sending ShopKeeps' own screens (bench.skeleton) just before the loop, since the machine's
speed drifts within minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics

from bench import echo, skeleton
from bench.all import stock_demo_store
from bench.common import database, migrated, spread
from bench.driver import Driver
from bench.loops import browse
from bot.playground.bot_api.server import LocalBotApi
from tests.support.running_bot import running_bot


async def browse_rate(url: str, customers: int, rounds: int) -> tuple[float, list[float]]:
    with LocalBotApi(keep_calls=False) as api:
        async with running_bot(api, url, send_budget=False) as bot:
            stock_demo_store(bot)
            walk = await browse(Driver(api), customers, rounds)
    return walk.rate, walk.waits


async def run(url: str | None, customers: int, rounds: int, repeat: int) -> None:
    shares = []
    screens = await skeleton.shop_screens()
    for _ in range(repeat):
        ceiling, _failed = await echo.ceiling("aiohttp", 1000, 10)
        bare = await skeleton.ceiling(customers, rounds, screens)
        with database(url) as database_url:  # its own: the bot drops update ids it has seen
            migrated(database_url)
            rate, waits = await browse_rate(database_url, customers, rounds)
        shares.append(rate / ceiling)
        print(
            f"echo {ceiling:.0f} upd/s; bare bot with ShopKeeps' screens {bare.rate:.0f} upd/s "
            f"({bare.rate / ceiling:.2f}×); browse loop {rate:.0f} upd/s "
            f"({rate / ceiling:.2f}× echo), {spread(waits)}",
            flush=True,
        )
    print(f"median share of the echo ceiling: {statistics.median(shares):.2f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", help="a MySQL/MariaDB server URL (default: SQLite)")
    parser.add_argument("--customers", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(run(args.url, args.customers, args.rounds, args.repeat))


if __name__ == "__main__":
    main()
