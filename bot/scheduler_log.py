"""A repeating job still running at its next turn is said once, not at every turn.

APScheduler skips a job's turn while its last run goes on (one instance at a time) and logs
a warning for each skipped turn: a database that stalls for 20 s made the outbox sender,
which polls several times a second, write dozens of them. Instead, that warning is dropped
from APScheduler's logger and this module says it once, when the first turn is skipped, and
once more (INFO) when the run that held them ends, with how long and how many turns.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    JobEvent,
)
from apscheduler.schedulers.base import BaseScheduler

log = logging.getLogger(__name__)
SCHEDULER_LOGGER = "apscheduler.scheduler"
SKIPPED = "maximum number of running instances reached"


class _WithoutSkippedTurns(logging.Filter):
    """Drops APScheduler's own line per skipped turn (SchedulerLog says it once)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return SKIPPED not in str(record.msg)


WITHOUT_SKIPPED_TURNS = _WithoutSkippedTurns()


@dataclass
class _Stall:
    since: float
    skipped: int = 1


class SchedulerLog:
    """Listens to one scheduler: a warning when a job's turn is first skipped, an info line
    when the run that held it ends."""

    def __init__(
        self, scheduler: BaseScheduler, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._scheduler = scheduler
        self._clock = clock
        self._stalled: dict[str, _Stall] = {}

    def install(self) -> SchedulerLog:
        logger = logging.getLogger(SCHEDULER_LOGGER)
        if WITHOUT_SKIPPED_TURNS not in logger.filters:
            logger.addFilter(WITHOUT_SKIPPED_TURNS)
        self._scheduler.add_listener(
            self._heard, EVENT_JOB_MAX_INSTANCES | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR
        )
        return self

    def _heard(self, event: JobEvent) -> None:
        stall = self._stalled.get(event.job_id)
        if event.code == EVENT_JOB_MAX_INSTANCES:
            if stall is not None:
                stall.skipped += 1
                return
            self._stalled[event.job_id] = _Stall(self._clock())
            log.warning(
                '"%s" is still running at its next turn (is the database slow or away?); '
                "its turns are skipped until it ends",
                self._name(event.job_id),
            )
        elif stall is not None:  # the run that held the turns ended
            del self._stalled[event.job_id]
            log.info(
                '"%s" runs again: %d turns were skipped over %.1f s',
                self._name(event.job_id),
                stall.skipped,
                self._clock() - stall.since,
            )

    def _name(self, job_id: str) -> str:
        job = self._scheduler.get_job(job_id)
        return job.name if job is not None else job_id
