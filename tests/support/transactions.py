"""The transactions the bot's engine begins, with the statements each runs: what an update
costs the database, watched on the real bot (SQLite and MariaDB)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine, event

from tests.support.running_bot import RunningBot

# The bot's own bookkeeping, not a screen's: recording updates, the send budget, the outbox,
# heartbeats, and the analytics' running totals (their job may still be running when the
# scheduler is paused: bot.handlers.sales_windows).
INFRASTRUCTURE = (
    "processed_updates",
    "send_ticks",
    "send_pauses",
    "outbox",
    "workers",
    "sales_windows",
    "sales_zones",
    "sales_counted",
)


@dataclass
class Transaction:
    statements: list[tuple[str, str]] = field(default_factory=list)  # SQL and parameters
    rows: list[int] = field(default_factory=list)  # parameter sets of each (executemany: many)

    @property
    def is_infrastructure(self) -> bool:
        """Recording an update, a heartbeat, the send budget, the outbox, the running totals:
        judged by its first statement (a screen's transaction that commits ends by marking its
        update done)."""
        first, _ = self.statements[0]
        return any(t in first for t in INFRASTRUCTURE)

    @property
    def writes(self) -> bool:
        return any(sql.lstrip().split()[0].upper() != "SELECT" for sql, _ in self.statements)


@contextmanager
def updates_alone(bot: RunningBot) -> Iterator[list[Transaction]]:
    """The transactions an update's handling begins, with the bot's scheduled jobs held
    meanwhile (releasing unpaid orders runs a second after start, and would be counted)."""
    assert bot.application.job_queue is not None
    scheduler = bot.application.job_queue.scheduler
    scheduler.pause()
    try:
        with transactions(bot.shop.engine) as seen:
            yield seen
    finally:
        scheduler.resume()


@contextmanager
def transactions(engine: Engine) -> Iterator[list[Transaction]]:
    """Every transaction the engine begins meanwhile, with the statements run in it."""
    seen: list[Transaction] = []
    current: dict[int, Transaction] = {}

    def begun(connection: object) -> None:
        current[id(connection)] = Transaction()
        seen.append(current[id(connection)])

    def ran(
        connection: object, _cursor: object, sql: str, params: object, _: object, many: bool
    ) -> None:
        if not sql.lstrip().upper().startswith("BEGIN") and id(connection) in current:
            current[id(connection)].statements.append((sql, repr(params)))
            sets = len(params) if many and isinstance(params, list | tuple) else 1
            current[id(connection)].rows.append(sets)

    event.listen(engine, "begin", begun)
    event.listen(engine, "before_cursor_execute", ran)
    try:
        yield seen
    finally:
        event.remove(engine, "begin", begun)
        event.remove(engine, "before_cursor_execute", ran)


def screen_work(seen: list[Transaction]) -> list[Transaction]:
    return [t for t in seen if t.statements and not t.is_infrastructure]
