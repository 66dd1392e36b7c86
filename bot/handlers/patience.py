"""Saving what already happened outside the database (a message sent, money taken): the call
is tried again while the database is away, within a patience, since giving up loses the fact."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def patiently(
    save: Callable[[], Awaitable[T]],
    *,
    failures: tuple[type[Exception], ...],
    patience: float,
    first_pause: float,
    longest_pause: float,
    waiting: Callable[[float], object],
) -> T:
    """`save()` until it succeeds; a failure of these kinds waits (doubling, up to
    `longest_pause`) and tries again, until `patience` seconds were waited: then it is
    raised. `waiting` hears of each wait (to log it) with its seconds."""
    pause, waited = first_pause, 0.0
    while True:
        try:
            return await save()
        except failures:
            if waited >= patience:
                raise
            waiting(pause)
            await asyncio.sleep(pause)
            waited += pause
            pause = min(pause * 2, longest_pause)
