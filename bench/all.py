"""`make bench`: the speed figures and their targets (issues 11 and 24) in one run, SQLite
and MariaDB side by side.

    .venv/bin/python -m bench.all [--quick] [--no-mariadb]

The real bot runs over HTTP against the local Bot API (in this process, as in the end-to-end
tests; a separate `shopkeeps run` process for memory). Each part gets a throwaway database.
The table is printed and written, with the machine it ran on, to bench/results/; each figure
that has a target is marked ✅ (met) or ❌ (missed).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import text

from bench import browse, echo, launch, notify, pages, screens, skeleton
from bench.common import (
    database,
    migrated,
    percentile,
    sold_out_and_watched,
    spread,
    stock_demo_store,
)
from bench.driver import Driver
from bench.loops import browse as browse_loop
from bench.loops import checkout, paced_taps
from bot.domain.services import stock
from bot.persistence.engine import build_engine
from bot.playground.bot_api.server import LocalBotApi
from tests.support.running_bot import running_bot

MARIADB = "mysql+pymysql://root@127.0.0.1:3306/test"
RESULTS = Path(__file__).parent / "results"
PASSWORD = "correct horse battery"
IMPORT_SECONDS = 15  # for 100,000 rows
MEMORY_MB = 150


@dataclass
class Table:
    backends: list[str]
    rows: dict[str, dict[str, str]] = field(default_factory=dict)  # what -> backend -> figure
    targets: dict[str, str] = field(default_factory=dict)
    verdicts: list[bool] = field(default_factory=list)
    unjudged: int = 0

    def put(
        self, what: str, backend: str, figure: str, target: str = "", met: bool | None = None
    ) -> None:
        """A figure; with a target, `met` says whether it meets it (✅ or ❌; ➖: not judged,
        as a quick run's import, whose target is for a full one)."""
        if met is not None:
            figure = f"{'✅' if met else '❌'} {figure}"
            self.verdicts.append(met)
        elif target or what in self.targets:
            figure = f"➖ {figure}"
            self.unjudged += 1
        self.rows.setdefault(what, {})[backend] = figure
        if target:
            self.targets[what] = target
        print(f"  {what} [{backend}]: {figure}", flush=True)

    def summary(self) -> str:
        met = sum(self.verdicts)
        unjudged = f"; {self.unjudged} not judged (➖)" if self.unjudged else ""
        return f"Targets met: {met} of {len(self.verdicts)} figures{unjudged}."

    def markdown(self) -> str:
        head = "| what | target | " + " | ".join(self.backends) + " |"
        rule = "|---|---|" + "---|" * len(self.backends)
        lines = [head, rule]
        for what, figures in self.rows.items():
            cells = " | ".join(figures.get(b, "—") for b in self.backends)
            lines.append(f"| {what} | {self.targets.get(what, '')} | {cells} |")
        return "\n".join(lines)


async def loops(
    table: Table,
    backend: str,
    base: str | None,
    quick: bool,
    shop_screens: list[skeleton.Screen],
    ceiling: float,
) -> None:
    customers, rounds = (20, 3) if quick else (40, 5)
    # The bare bot sending ShopKeeps' own screens and the browse loop with the limiter off, in
    # pairs one right after the other; each side's fastest run (bench.browse.Share).
    measured = await browse.share(base, customers, rounds, shop_screens)
    table.put(
        f"bare bot sending ShopKeeps' own browse screens, {customers} customers (no database), "
        f"fastest of {len(measured.bares)} runs paired with the browse loop's",
        backend,
        f"{measured.bare.rate:.0f} upd/s ({measured.bare.rate / ceiling:.2f}× echo)",
    )
    pairs = ", ".join(f"{r:.2f}" for r in measured.pair_ratios)
    table.put(
        f"browse loop, {customers} customers, limiter off, fastest of {len(measured.walks)}",
        backend,
        f"{measured.walk.rate:.0f} upd/s ({measured.ratio:.2f}× the bare bot; pair by pair "
        f"{pairs}), {spread(measured.walk.waits)}",
        f"≥ {browse.least_share(None)}× the bare bot with ShopKeeps' screens, same minute "
        f"(SQLite); ≥ {browse.least_share(MARIADB)}× (MariaDB)",
        measured.ratio >= browse.least_share(base),
    )
    with database(base) as url, LocalBotApi(keep_calls=False) as api:
        migrated(url)
        for paced in (False, True):
            async with running_bot(api, url, send_budget=paced) as bot:
                if not paced:
                    stock_demo_store(bot)
                driver = Driver(api)
                label = "on" if paced else "off"
                if paced:
                    walk = await browse_loop(driver, customers, rounds)
                    table.put(
                        f"browse loop, {customers} customers, limiter on",
                        backend,
                        f"{walk.rate:.0f} upd/s, {spread(walk.waits)}",
                    )
                bought = await checkout(driver, customers // 2, "Baguette")
                table.put(
                    f"checkout loop, {customers // 2} customers, limiter {label}",
                    backend,
                    f"{bought.rate:.0f} upd/s, {spread(bought.waits)}",
                )
                if paced:
                    taps = await paced_taps(driver, 10, 0.5, 5 if quick else 15)
                    table.put(
                        "10 customers tapping every 0.5 s, limiter on",
                        backend,
                        spread(taps.waits),
                        "p99 ≤ 100 ms",
                        percentile(taps.waits, 0.99) <= 0.100,
                    )


async def launch_day(table: Table, backend: str, base: str | None, quick: bool) -> None:
    result = await launch.run(base, quick)
    for what, figure, target, met in result.rows():
        table.put(what, backend, figure, target, met)


async def notifications(table: Table, backend: str, base: str | None, quick: bool) -> None:
    with database(base) as url:
        waits = await notify.bench(url, 20 if quick else 50)
    table.put(
        "status change → customer's message",
        backend,
        spread(waits),
        "p99 ≤ 150 ms",
        percentile(waits, 0.99) <= 0.150,
    )


async def two_workers(table: Table, backend: str, base: str | None, quick: bool) -> None:
    watchers = 60 if quick else 150
    with database(base) as url, LocalBotApi(keep_calls=False) as api:
        migrated(url)
        api.enforce_flood_limit(30)
        async with running_bot(api, url) as one, running_bot(api, url):
            _, people = sold_out_and_watched(one, watchers, sku="APPLES", name="Apples")
            started = time.perf_counter()
            stock.receive_stock(
                "APPLES", Decimal(5), store=one.shop.store, actor="bench", uow=one.shop.uow()
            )
            await api.wait_for(
                lambda: all(api.chat(p).from_bot for p in people), timeout=120, what="everyone"
            )
            took = time.perf_counter() - started
    peak, refused = api.peak_bulk_per_second, api.flood_refusals_by_rule
    by_rule = ", ".join(f"{rule} {n}" for rule, n in sorted(refused.items()))
    table.put(
        f"two workers, {watchers} notifications at once",
        backend,
        f"{watchers / took:.1f} msg/s, peak {peak} in 1 s, {refused.total()} flood errors"
        + (f" ({by_rule})" if by_rule else ""),
        f"≤ {launch.BULK_PER_SECOND}/s in any second, no flood errors",
        peak <= launch.BULK_PER_SECOND and refused.total() == 0,
    )


def shopkeeps(url: str, *args: str) -> float:
    env = {**os.environ, "SHOPKEEPS_DATABASE_URL": url}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


async def supermarket(table: Table, backend: str, base: str | None, quick: bool) -> None:
    items, orders = (20_000, 40_000) if quick else (100_000, 200_000)
    scale = f"{items // 1000}k items"
    with database(base) as url:
        built = shopkeeps(url, "demo-data", "--items", str(items), "--orders", str(orders))
        table.put(f"demo-data: {scale}, {orders // 1000}k orders", backend, f"{built:.0f} s")
        for result in await screens.measure(url, screens.SCREENS, 0.25 if quick else 1.0):
            what = f"{scale}: {result.screen.what}"
            table.put(what, backend, result.figure, result.screen.target, result.met)
        for page in await pages.measure(url, pages.PAGES, 0.25 if quick else 1.0):
            table.put(
                f"{scale}: back office, {page.page.what}",
                backend,
                page.said,
                page.target,
                page.met,
            )
        with tempfile.TemporaryDirectory() as folder:
            csv_file = Path(folder) / "catalogue.csv"
            shopkeeps(url, "catalogue", "export", "-o", str(csv_file))
            with database(base) as empty:
                shopkeeps(empty, "db", "upgrade")
                took = shopkeeps(empty, "catalogue", "import", str(csv_file))
            rows = sum(1 for _ in csv_file.open()) - 1
        # The command's start-up is a fixed cost: a smaller import says little of 100,000 rows.
        table.put(
            f"import of {rows:,} rows (whole command)",
            backend,
            f"{took:.1f} s ({rows / took:,.0f} rows/s)",
            f"≤ {IMPORT_SECONDS} s for 100,000",
            took <= IMPORT_SECONDS if rows >= 100_000 else None,
        )
        peak = await worker_memory(url)
        table.put(
            f"memory of one worker, {scale}",
            backend,
            f"{peak:.0f} MB peak RSS",
            f"≤ {MEMORY_MB} MB",
            peak <= MEMORY_MB,
        )


async def worker_memory(url: str) -> float:
    """Peak RSS of a real `shopkeeps run` process serving a few screens of the big store."""
    # The store's bot has seen update ids from the earlier runs: new ones come after them.
    with LocalBotApi(keep_calls=False, first_update_id=1_000_000) as api:
        env = {
            **os.environ,
            "SHOPKEEPS_DATABASE_URL": url,
            "SHOPKEEPS_TELEGRAM_TOKEN": api.token,
            "SHOPKEEPS_TELEGRAM_API_URL": api.base_url,
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            # Updates sent before it polls are dropped at start-up: knock (someone else,
            # every 2 s) until it answers, then let it settle.
            knocker = api.person("Knocker")
            for _ in range(60):
                api.send_text(knocker, "/start")
                with contextlib.suppress(AssertionError):
                    await api.wait_for(lambda: bool(api.chat(knocker).from_bot), timeout=2)
                    break
            await asyncio.sleep(2)
            person = api.person("Visitor")
            for words in ["/start", "/catalogue", "/search organic milk", "/search honey"] * 3:
                seen = len(api.chat(person).from_bot)
                api.send_text(person, words)
                await api.wait_for(
                    lambda seen=seen: len(api.chat(person).from_bot) > seen,  # type: ignore[misc]
                    timeout=60,
                    what=words,
                )
            status = Path(f"/proc/{process.pid}/status").read_text()
        finally:
            process.terminate()
            process.wait(timeout=30)
    peak = next(line for line in status.splitlines() if line.startswith("VmHWM"))
    return int(peak.split()[1]) / 1024  # MB


def machine(mariadb: str | None) -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    lines = [
        f"- {platform.platform()}, {os.cpu_count()} CPUs ({cpu}), {int(memory) // 1024**2} GiB",
        f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}",
    ]
    if mariadb:
        engine = build_engine(mariadb)
        with engine.connect() as connection:
            lines.append(f"- MariaDB {connection.execute(text('SELECT VERSION()')).scalar()}")
        engine.dispose()
    return "\n".join(lines)


async def run(quick: bool, mariadb: str | None) -> Table:
    backends = {"SQLite": None} | ({"MariaDB": mariadb} if mariadb else {})
    table = Table(list(backends))
    print("echo ceilings (no database)", flush=True)
    messages = 500 if quick else 1000
    ceilings = {}
    for kind in ("httpx", "aiohttp"):
        rate, _failed = await echo.ceiling(kind, messages, 10)
        ceilings[kind] = rate
        for backend in backends:
            table.put(f"bare echo bot, {kind} transport", backend, f"{rate:.0f} upd/s")
    customers, rounds = (20, 3) if quick else (40, 5)
    bare = await skeleton.ceiling(customers, rounds)
    for backend in backends:
        table.put(
            f"bare bot making the browse loop's calls, {customers} customers (no database)",
            backend,
            f"{bare.rate:.0f} upd/s ({bare.rate / ceilings['aiohttp']:.2f}× echo)",
        )
    shop_screens = await skeleton.shop_screens()
    for backend, base in backends.items():
        print(f"{backend}:", flush=True)
        await loops(table, backend, base, quick, shop_screens, ceilings["aiohttp"])
        await launch_day(table, backend, base, quick)
        await notifications(table, backend, base, quick)
        await two_workers(table, backend, base, quick)
        await supermarket(table, backend, base, quick)
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs (a first look)")
    parser.add_argument("--no-mariadb", action="store_true", help="SQLite only")
    parser.add_argument("--mariadb", default=MARIADB, help="a MariaDB server URL")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    mariadb = None if args.no_mariadb else args.mariadb
    started = time.perf_counter()
    table = asyncio.run(run(args.quick, mariadb))
    took = time.perf_counter() - started
    when = datetime.now(UTC)
    report = "\n\n".join(
        [
            f"# ShopKeeps benchmark, {when:%Y-%m-%d %H:%M} UTC",
            f"`{' '.join(['python -m bench.all', *sys.argv[1:]])}` ({took / 60:.1f} min)",
            machine(mariadb),
            table.summary(),
            table.markdown(),
        ]
    )
    RESULTS.mkdir(exist_ok=True)
    kind = "quick" if args.quick else "full"
    target = RESULTS / f"{when:%Y-%m-%d-%H%M}-{kind}.md"
    target.write_text(report + "\n")
    print("\n" + table.summary() + "\n\n" + table.markdown())
    print(f"\nwritten to {target}")


if __name__ == "__main__":
    main()
