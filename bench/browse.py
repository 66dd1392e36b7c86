"""The browse loop alone, with the limiter off, against the bare bot sending ShopKeeps' own
screens in the same minute.

    .venv/bin/python -m bench.browse [DATABASE_URL] [--customers 40] [--rounds 5] [--pairs 3]

The figure of `make bench` (bench.all.loops) that has long been short of its target, measured
the same way in about a minute, so that a change can be judged on both databases before the
whole run. The bare bot sending ShopKeeps' own screens (bench.skeleton) and the loop run in
pairs, one right after the other, and each side's fastest run is compared (Share).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
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


# Pairs (bare bot, then browse loop) per measurement: this machine's speed swings by a third
# within a minute (bench/results, 2026-12-05: the bare bot alone at 338 to 487 upd/s in six
# runs), so one pair says more about the neighbours than about the bot.
PAIRS = 3


@dataclass(frozen=True)
class Share:
    """The browse loop with the budget off against the bare bot sending the same screens, run
    in pairs one right after the other; each side's fastest run is its cost with the least
    interference from the rest of the machine (what `timeit` advises)."""

    bares: list[Timings]
    walks: list[Timings]

    @property
    def bare(self) -> Timings:
        return max(self.bares, key=lambda t: t.rate)

    @property
    def walk(self) -> Timings:
        return max(self.walks, key=lambda t: t.rate)

    @property
    def ratio(self) -> float:
        """The fastest browse loop against the fastest bare bot."""
        return self.walk.rate / self.bare.rate

    @property
    def pair_ratios(self) -> list[float]:
        """Each pair's own ratio (shown beside the figure: how much the machine swung)."""
        return [w.rate / b.rate for b, w in zip(self.bares, self.walks, strict=True)]


async def browse_rate(url: str, customers: int, rounds: int) -> Timings:
    """The browse loop on a migrated database, with the budget off."""
    with LocalBotApi(keep_calls=False) as api:
        async with running_bot(api, url, send_budget=False) as bot:
            stock_demo_store(bot)
            return await browse(Driver(api), customers, rounds)


async def share(
    base: str | None,
    customers: int,
    rounds: int,
    screens: list[skeleton.Screen],
    pairs: int = PAIRS,
) -> Share:
    """`pairs` times: the bare bot sending `screens`, then the browse loop on a throwaway
    database at `base` (None: SQLite), one right after the other."""
    bares, walks = [], []
    for _ in range(pairs):
        bares.append(await skeleton.ceiling(customers, rounds, screens))
        with database(base) as url:  # its own: the bot drops update ids it has seen
            migrated(url)
            walks.append(await browse_rate(url, customers, rounds))
    return Share(bares, walks)


def described(measured: Share) -> str:
    pairs = ", ".join(f"{r:.2f}" for r in measured.pair_ratios)
    return (
        f"browse loop {measured.walk.rate:.0f} upd/s against the bare bot's "
        f"{measured.bare.rate:.0f} upd/s, fastest of {len(measured.walks)} each: "
        f"{measured.ratio:.2f}× (pair by pair: {pairs}), {spread(measured.walk.waits)}"
    )


async def run(url: str | None, customers: int, rounds: int, pairs: int) -> None:
    screens = await skeleton.shop_screens()
    ceiling, _failed = await echo.ceiling("aiohttp", 1000, 10)
    measured = await share(url, customers, rounds, screens, pairs)
    print(f"echo {ceiling:.0f} upd/s; {described(measured)}")
    print(f"share of the bare bot: {measured.ratio:.2f}× (target ≥ {least_share(url)}×)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", help="a MySQL/MariaDB server URL (default: SQLite)")
    parser.add_argument("--customers", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pairs", type=int, default=PAIRS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(run(args.url, args.customers, args.rounds, args.pairs))


if __name__ == "__main__":
    main()
