"""Run a whole use case again when the database aborted it (deadlock, lock wait) or its
connection broke before the commit."""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from bot.domain.errors import ConcurrentUpdate, ConnectionLost, StoreUnavailable

ATTEMPTS = 10
# A connection that broke this many times in a row: the database is away, not busy; the
# person is told now rather than after the backoff a deadlock deserves.
LOST_CONNECTION_ATTEMPTS = 3
log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")


def retry_on_conflict(use_case: Callable[P, R]) -> Callable[P, R]:
    """Safe because a use case is one transaction: a failed attempt left nothing behind."""

    @functools.wraps(use_case)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        broken = 0
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return use_case(*args, **kwargs)
            except ConnectionLost as lost:
                broken += 1
                if broken >= LOST_CONNECTION_ATTEMPTS or attempt == ATTEMPTS:
                    raise StoreUnavailable from lost  # the database stays away
                log.info("retrying %s after a lost connection", use_case.__name__)
                continue
            except ConcurrentUpdate:
                if attempt == ATTEMPTS:
                    raise
                log.info(
                    "retrying %s after a database conflict (attempt %d)", use_case.__name__, attempt
                )
                time.sleep(random.uniform(0, 0.01 * 2**attempt))  # noqa: S311 - jitter, not crypto
        raise AssertionError("unreachable")

    return run
