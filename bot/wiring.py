"""The composition root: everything the use cases need, built once from Settings."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.domain.passwords import PasswordHasher
from bot.domain.store import Store
from bot.i18n import Catalogues
from bot.metrics import Metrics
from bot.persistence.engine import build_engine, count_errors, session_factory
from bot.persistence.unit_of_work import SqlAlchemyUnitOfWork

T = TypeVar("T")


@dataclass
class Shop:
    settings: Settings
    engine: Engine
    store: Store
    hasher: PasswordHasher = field(default_factory=PasswordHasher)
    catalogues: Catalogues = field(init=False, repr=False)
    metrics: Metrics = field(default_factory=Metrics, repr=False)
    # Called (from any thread) after a commit that queued notifications; the bot sets it to
    # wake its sender.
    outbox_written: Callable[[], None] | None = None
    _sessions: sessionmaker[Session] = field(init=False, repr=False)
    _database_threads: ThreadPoolExecutor = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._sessions = session_factory(self.engine)
        self.catalogues = Catalogues(self.settings.language, country=self.settings.country)
        self._database_threads = ThreadPoolExecutor(
            self.settings.database_threads, thread_name_prefix="database"
        )
        count_errors(self.engine, self._count_database_error)

    def _count_database_error(self, conflict: bool) -> None:
        """A conflict (deadlock, lock wait) is run again; anything else reaches a person."""
        (self.metrics.database_retries if conflict else self.metrics.database_errors).inc()

    async def run(self, work: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Blocking database work, off the event loop, on the shop's own few threads. Under
        the GIL more threads add contention, not speed, and SQLite takes one writer at a time
        anyway: the browse loop ran fastest with one or two (bench.browse, both databases)."""
        loop = asyncio.get_running_loop()
        call = functools.partial(work, *args, **kwargs)
        return await loop.run_in_executor(self._database_threads, call)

    def uow(self) -> SqlAlchemyUnitOfWork:
        """A fresh unit of work: one per use-case call."""
        return SqlAlchemyUnitOfWork(self._sessions, outbox_written=self._notify_outbox)

    def _notify_outbox(self) -> None:
        if self.outbox_written is not None:
            self.outbox_written()

    def close(self) -> None:
        self._database_threads.shutdown(wait=True)
        self.engine.dispose()


def build_shop(settings: Settings, *, hasher: PasswordHasher | None = None) -> Shop:
    return Shop(
        settings, build_engine(settings.database_url), settings.store(), hasher or PasswordHasher()
    )
