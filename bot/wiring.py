"""The composition root: everything the use cases need, built once from Settings."""

from __future__ import annotations

import asyncio
import contextvars
import functools
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.domain.clock import utc_now
from bot.domain.passwords import PasswordHasher
from bot.domain.services import store_details
from bot.domain.store import Store
from bot.domain.store_details import StoreDetails
from bot.i18n import Catalogues
from bot.metrics import Metrics
from bot.persistence.engine import build_engine, count_errors, session_factory
from bot.persistence.repositories.catalogue import KeptActiveCount
from bot.persistence.unit_of_work import SqlAlchemyUnitOfWork

T = TypeVar("T")


class Handled:
    """Update ids handled since they were last written down (event loop only)."""

    def __init__(self) -> None:
        self._ids: list[int] = []

    def add(self, update_id: int) -> None:
        self._ids.append(update_id)

    def take(self) -> list[int]:
        taken, self._ids = self._ids, []
        return taken

    def restore(self, update_ids: list[int]) -> None:
        """Written down they were not (the write failed): keep them for the next one."""
        self._ids[:0] = update_ids


@dataclass
class Shop:
    settings: Settings
    engine: Engine
    # The store as the environment says; `store` is it with what managers set over it.
    base_store: Store
    hasher: PasswordHasher = field(default_factory=PasswordHasher)
    catalogues: Catalogues = field(init=False, repr=False)
    metrics: Metrics = field(default_factory=Metrics, repr=False)
    # This process among the bot's workers: what it takes, it is known to have taken.
    worker: str = field(default_factory=lambda: secrets.token_hex(8))
    # Updates this worker handled, to be marked done with its next record or heartbeat.
    finished_updates: Handled = field(default_factory=Handled, repr=False)
    # Called (from any thread) after a commit that queued notifications; the bot sets it to
    # wake its sender.
    outbox_written: Callable[[], None] | None = None
    # The database's clock less this process's: workers on hosts whose clocks differ still
    # agree on when one of them went quiet (set at each heartbeat).
    clock_offset: timedelta = timedelta(0)
    _store: Store = field(init=False, repr=False)
    _details: StoreDetails | None = field(default=None, init=False, repr=False)
    _sessions: sessionmaker[Session] = field(init=False, repr=False)
    _database_threads: ThreadPoolExecutor = field(init=False, repr=False)
    _aside: ThreadPoolExecutor = field(init=False, repr=False)
    _active_count: KeptActiveCount = field(init=False, default_factory=KeptActiveCount, repr=False)

    def __post_init__(self) -> None:
        self._store = self.base_store
        self._sessions = session_factory(self.engine)
        self.catalogues = Catalogues(self.settings.language, country=self.settings.country)
        self._database_threads = ThreadPoolExecutor(
            self.settings.database_threads, thread_name_prefix="database"
        )
        # The heartbeat's own thread: a worker whose database threads all wait on locks is
        # still alive, and must not look gone to the others.
        self._aside = ThreadPoolExecutor(1, thread_name_prefix="database-alive")
        count_errors(self.engine, self._count_database_error)

    def _count_database_error(self, conflict: bool) -> None:
        """A conflict (deadlock, lock wait) is run again; anything else reaches a person."""
        (self.metrics.database_retries if conflict else self.metrics.database_errors).inc()

    async def run(self, work: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Blocking database work, off the event loop, on the shop's own few threads. Under
        the GIL more threads add contention, not speed, and SQLite takes one writer at a time
        anyway: the browse loop ran fastest with one or two (bench.browse, both databases)."""
        return await _off_the_loop(self._database_threads, work, *args, **kwargs)

    async def run_aside(self, work: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Like `run`, on a thread of its own that queues behind nothing else."""
        return await _off_the_loop(self._aside, work, *args, **kwargs)

    @property
    def store(self) -> Store:
        """The store as the bot uses it now: the environment's, with the details managers
        set in the back office (read at start and with every heartbeat, on every worker)."""
        return self._store

    def use_details(self, details: StoreDetails | None) -> None:
        """The store with these details; as it was when they are the ones in use (read with
        every heartbeat: most beats change nothing)."""
        if details == self._details:
            return
        self._details = details
        settings = self.settings
        self._store = (
            self.base_store
            if details is None
            else details.applied_to(self.base_store, settings.opening_hours, settings.closed_dates)
        )

    async def refresh_details(self) -> None:
        self.use_details(await self.run_aside(store_details.store_details, uow=self.uow()))

    def database_clock(self) -> datetime:
        """Now, by the database's clock (as of the last heartbeat)."""
        return utc_now() + self.clock_offset

    def uow(self) -> SqlAlchemyUnitOfWork:
        """A fresh unit of work: one per use-case call."""
        return SqlAlchemyUnitOfWork(
            self._sessions, outbox_written=self._notify_outbox, kept=self._active_count
        )

    def _notify_outbox(self) -> None:
        if self.outbox_written is not None:
            self.outbox_written()

    def close(self) -> None:
        self._aside.shutdown(wait=True)
        self._database_threads.shutdown(wait=True)
        self.engine.dispose()


def build_shop(settings: Settings, *, hasher: PasswordHasher | None = None) -> Shop:
    return Shop(
        settings, build_engine(settings.database_url), settings.store(), hasher or PasswordHasher()
    )


async def _off_the_loop(
    threads: ThreadPoolExecutor, work: Callable[..., T], /, *args: Any, **kwargs: Any
) -> T:
    """The caller's context goes along: the update being handled marks its transactions."""
    call = functools.partial(work, *args, **kwargs)
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(threads, contextvars.copy_context().run, call)
