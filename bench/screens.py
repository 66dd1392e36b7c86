"""The 100k-item store's screens, timed with their query budget.

    .venv/bin/python -m bench.screens DATABASE_URL [--reps N] [--only WHAT] [--sql]

`make bench` runs this on a store `shopkeeps demo-data` just built; run alone it measures any
database already at the current schema (build one once, then measure as often as you change
code). `--sql` prints every statement of the last repetition of each screen with its time.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import secrets
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine, event, func, select

from bench.common import percentile, spread
from bench.driver import Driver
from bot.domain.services import staff
from bot.persistence.engine import build_engine
from bot.persistence.models import ProcessedUpdateRow
from bot.playground.bot_api.server import LocalBotApi, Person
from tests.support.factories import FAST_HASHER
from tests.support.running_bot import running_bot

PASSWORD = "correct horse battery"
Executed = list[tuple[str, str, float]]  # statements, their parameters and their times


@dataclass(frozen=True)
class Screen:
    what: str
    who: str  # "customer" or "staff"
    action: str  # a text to send, or "category"/"item"/"report items": walk there, press
    reps: int
    p99_within: float | None = 0.1  # seconds; None: no target

    @property
    def target(self) -> str:
        if self.p99_within is None:
            return ""
        within = self.p99_within
        return f"p99 ≤ {within:g} s" if within >= 1 else f"p99 ≤ {within * 1000:.0f} ms"


SCREENS = [
    Screen("categories", "customer", "/catalogue", 20),
    Screen("category page", "customer", "category", 20),
    Screen("item card", "customer", "item", 20),
    Screen("search “organic milk”", "customer", "/search organic milk", 20),
    Screen("search with a typo “chocolatte”", "customer", "/search chocolatte", 20),
    Screen("a plain text “honey”", "customer", "honey", 20),
    Screen("/stock honey", "staff", "/stock honey", 20),
    Screen("/lowstock", "staff", "/lowstock", 20),
    Screen("/report 30", "staff", "/report 30", 5),
    Screen("/report 365", "staff", "/report 365", 3, 1.0),
    Screen("/report 365, then its item sales (CSV)", "staff", "report items", 3, None),
]


@dataclass
class Statements:
    """The SQL statements an engine runs, with their times (the query budget per screen)."""

    seen: Executed = field(default_factory=list)
    _started: dict[int, float] = field(default_factory=dict)

    def watch(self, engine: Engine) -> None:
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, _conn: object, cursor: object, *_args: object) -> None:
        self._started[id(cursor)] = time.perf_counter()

    def _after(
        self, _conn: object, cursor: object, statement: str, parameters: object, *_args: object
    ) -> None:
        took = time.perf_counter() - self._started.pop(id(cursor), time.perf_counter())
        self.seen.append((" ".join(statement.split()), repr(parameters), took))

    @contextmanager
    def counting(self) -> Iterator[Executed]:
        mark = len(self.seen)
        counted: Executed = []
        yield counted
        counted.extend(self.seen[mark:])


@dataclass(frozen=True)
class Result:
    screen: Screen
    waits: list[float]
    queries: float
    last: Executed

    @property
    def figure(self) -> str:
        again = f", {self.repeated} run twice" if self.repeated else ""
        return f"{spread(self.waits)}; {self.queries:.0f} queries{again}"

    @property
    def met(self) -> bool | None:
        """Whether the screen met its target (None: it has none)."""
        within = self.screen.p99_within
        return None if within is None else percentile(self.waits, 0.99) <= within

    @property
    def repeated(self) -> int:
        """Statements run again with the same parameters for one screen. BEGIN aside, and the
        send budget's ticks: a place in a full tick is asked for again by design."""
        asked = [
            (sql, params)
            for sql, params, _ in self.last
            if not sql.startswith("BEGIN") and "send_ticks" not in sql
        ]
        return len(asked) - len(set(asked))


# Before each timed screen: the messages of the screen before have left. Back to back, one
# person would ask for more than the whole bot may send (27 a second): the send budget would
# pace them, and the timings would measure that pacing (the tapping loops measure it).
PAUSE = 0.3


async def _walk(
    driver: Driver, person: Person, action: str, sql: Statements
) -> tuple[float, Executed]:
    """One timed screen; the way to it (for a press) is walked first and not counted."""
    if action == "report items":
        await driver.says(person, "/report 365")
        figures = next(m for m in driver.api.chat(person).from_bot if m.text and "Sales" in m.text)
        await asyncio.sleep(PAUSE)
        with sql.counting() as counted:
            took = await driver.presses(person, "📄 Item sales (CSV)", on=figures)
        return took, counted
    if action in ("category", "item"):
        await driver.says(person, "/catalogue")
        if action == "item":
            await driver.presses(person, "", nth=0)
        await asyncio.sleep(PAUSE)
        with sql.counting() as counted:
            took = await driver.presses(person, "", nth=0)
        return took, counted
    await asyncio.sleep(PAUSE)
    with sql.counting() as counted:
        took = await driver.says(person, action)
    return took, counted


def _first_new_update_id(url: str) -> int:
    """Above every update id the store's bot has handled: it rightly ignores repeated ones."""
    engine = build_engine(url)
    with engine.connect() as connection:
        seen = connection.scalar(select(func.max(ProcessedUpdateRow.update_id)))
    engine.dispose()
    return (seen or 0) + 1000


async def measure(url: str, screens: list[Screen], scale: float = 1.0) -> list[Result]:
    """Each screen `reps × scale` times (at least once) after one unmeasured warm-up, by a
    customer or a logged-in manager."""
    results = []
    with LocalBotApi(keep_calls=False, first_update_id=_first_new_update_id(url)) as api:
        # No notifications are due: the outbox sender's polls would only blur the counts.
        async with running_bot(api, url, outbox_poll_seconds=60) as bot:
            driver = Driver(api)
            sql = Statements()
            sql.watch(bot.shop.engine)
            shopper = api.person("Shopper")
            boss = api.person("Boss")
            login = f"boss{secrets.token_hex(4)}"  # unique: the store may be measured again
            staff.create_manager(login, PASSWORD, uow=bot.shop.uow(), hasher=FAST_HASHER)
            staff.log_in(
                login, PASSWORD, telegram_user_id=boss.id, uow=bot.shop.uow(), hasher=FAST_HASHER
            )
            await driver.says(shopper, "/start")
            for screen in screens:
                person = shopper if screen.who == "customer" else boss
                waits: list[float] = []
                counts: list[int] = []
                last: Executed = []
                # Once unmeasured first: what a worker does once in its life (compiling a
                # screen's statements, loading its fonts) is not what each screen costs.
                await _walk(driver, person, screen.action, sql)
                for _ in range(max(1, round(screen.reps * scale))):
                    took, last = await _walk(driver, person, screen.action, sql)
                    waits.append(took)
                    counts.append(len(last))
                results.append(Result(screen, waits, statistics.mean(counts), last))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="a database at the current schema (e.g. from demo-data)")
    parser.add_argument("--scale", type=float, default=1.0, help="share of the repetitions")
    parser.add_argument("--only", action="append", help="screens whose name contains this")
    parser.add_argument("--sql", action="store_true", help="print each screen's statements")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    chosen = [s for s in SCREENS if not args.only or any(o in s.what for o in args.only)]
    for result in asyncio.run(measure(args.url, chosen, args.scale)):
        print(f"{result.screen.what}: {result.figure}", flush=True)
        if args.sql:
            seen: set[tuple[str, str]] = set()
            for statement, params, took in result.last:
                again = "again " if (statement, params) in seen else ""
                seen.add((statement, params))
                print(f"    {took * 1000:7.1f} ms  {again}{statement[:220]}")


if __name__ == "__main__":
    main()
