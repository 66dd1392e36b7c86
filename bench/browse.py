"""The browse loop alone, with the limiter off, against the bare bot sending ShopKeeps' own
screens in the same minute.

    .venv/bin/python -m bench.browse [DATABASE_URL] [--customers 40] [--rounds 5] [--repeat 3]

The figure of `make bench` (bench.all.loops) that has long been short of its target, measured
the same way in about a minute, so that a change can be judged on both databases before the
whole run. Each repeat measures the echo ceiling, then the bare bot sending ShopKeeps' own
screens (bench.skeleton) just before the loop, since the machine's speed drifts within minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
from dataclasses import dataclass

from bench import echo, skeleton
from bench.common import database, migrated, spread, stock_demo_store
from bench.driver import Driver, Timings
from bench.loops import browse
from bot.playground.bot_api.server import LocalBotApi
from tests.support.running_bot import running_bot


def least_share(base: str | None) -> float:
    """Issue 24's target: the browse loop makes at least this share of the bare bot's rate
    (SQLite, base None: 0.8×; MariaDB: 0.7×)."""
    return 0.8 if base is None else 0.7


@dataclass(frozen=True)
class Share:
    """The browse loop with the budget off, and the bare bot sending the same screens just
    before it."""

    bare: Timings
    walk: Timings

    @property
    def ratio(self) -> float:
        return self.walk.rate / self.bare.rate


async def browse_rate(url: str, customers: int, rounds: int) -> Timings:
    """The browse loop on a migrated database, with the budget off."""
    with LocalBotApi(keep_calls=False) as api:
        async with running_bot(api, url, send_budget=False) as bot:
            stock_demo_store(bot)
            return await browse(Driver(api), customers, rounds)


async def share(
    base: str | None, customers: int, rounds: int, screens: list[skeleton.Screen]
) -> Share:
    """The bare bot sending `screens`, then the browse loop on a throwaway database at `base`
    (None: SQLite), one right after the other."""
    bare = await skeleton.ceiling(customers, rounds, screens)
    with database(base) as url:  # its own: the bot drops update ids it has seen
        migrated(url)
        walk = await browse_rate(url, customers, rounds)
    return Share(bare, walk)


async def run(url: str | None, customers: int, rounds: int, repeat: int) -> None:
    ratios = []
    screens = await skeleton.shop_screens()
    for _ in range(repeat):
        ceiling, _failed = await echo.ceiling("aiohttp", 1000, 10)
        measured = await share(url, customers, rounds, screens)
        ratios.append(measured.ratio)
        print(
            f"echo {ceiling:.0f} upd/s; bare bot with ShopKeeps' screens "
            f"{measured.bare.rate:.0f} upd/s ({measured.bare.rate / ceiling:.2f}× echo); "
            f"browse loop {measured.walk.rate:.0f} upd/s ({measured.ratio:.2f}× the bare bot, "
            f"{measured.walk.rate / ceiling:.2f}× echo), {spread(measured.walk.waits)}",
            flush=True,
        )
    print(
        f"median share of the bare bot: {statistics.median(ratios):.2f}× "
        f"(target ≥ {least_share(url)}×)"
    )


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
