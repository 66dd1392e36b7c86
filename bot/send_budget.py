"""One Telegram budget for the whole bot, however many workers share it.

Telegram lets a bot send about 30 messages a second in all, per bot and not per process, and
about 20 a minute to one group. Time is cut into ticks of 1/8 s, and every message (anything
sent to a chat, edits included) first reserves a place in a tick, in a table every worker
sees. At most 3 per tick: any one second spans at most 9 ticks, so the whole bot sends at
most 27 in any second, whatever the number of workers. Notifications may take only 2 places
of a tick; the third is kept for replies, so a person's tap is answered at once even while
a broadcast drains. Paid broadcasts (`allow_paid_broadcast`) have their own lane, up to
990 a second (Telegram allows 1,000).
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

TICK_SECONDS = 0.125
TICKS_PER_SECOND = 8
FORGET_AFTER_TICKS = 10 * TICKS_PER_SECOND
FORGET_EVERY = 512  # reservations between two clean-ups of old ticks
GROUP_PER_MINUTE = 20


class Priority(enum.Enum):
    """Passed as `rate_limit_args`: a reply (the default) or a notification."""

    REPLY = "reply"
    NOTIFICATION = "notification"


@dataclass(frozen=True, slots=True)
class Lane:
    name: str
    per_tick: int  # how many places of a tick this kind of message may fill


REPLIES = Lane("free", 3)
NOTIFICATIONS = Lane("free", 2)
PAID = Lane("paid", 110)
# Telegram waits at most 10 s for this answer and refuses it later, failing the payment; it
# sends no message, so it takes no place, and it never waits out another call's 429 pause.
UNPAUSED = frozenset({"answerPreCheckoutQuery"})


class TickBook(Protocol):
    def take(self, lane: str, tick: int, limit: int) -> bool:
        """Reserve one place in `tick` if fewer than `limit` are taken; True if reserved."""

    def forget_before(self, tick: int) -> None: ...


class LocalTickBook:
    """The same book kept in this process alone: used while the shared one cannot be written
    (a full disk, a database away), so that a reply never waits on a write that fails. Paced
    per worker meanwhile, which Telegram's 429s, honoured, keep within its limits."""

    def __init__(self) -> None:
        self._taken: dict[tuple[str, int], int] = {}

    def take(self, lane: str, tick: int, limit: int) -> bool:
        taken = self._taken.get((lane, tick), 0)
        if taken >= limit:
            return False
        self._taken[lane, tick] = taken + 1
        return True

    def forget_before(self, tick: int) -> None:
        self._taken = {key: n for key, n in self._taken.items() if key[1] >= tick}


SHARED_BOOK_RETRY_SECONDS = 5.0

Callback = Callable[..., Coroutine[Any, Any, Any]]
Offload = Callable[..., Awaitable[Any]]


class SendBudget(BaseRateLimiter[Priority]):
    def __init__(
        self,
        book: TickBook | None,
        *,
        max_retries: int = 2,
        clock: Callable[[], float] = time.time,
        offload: Offload = asyncio.to_thread,
        waited: Callable[[float], object] = lambda _seconds: None,
        flooded: Callable[[float], object] = lambda _seconds: None,
    ) -> None:
        """`offload` runs the book's blocking calls off the event loop (the shop's database
        threads in the bot); `waited` hears of each wait for a place, `flooded` of each 429
        (both with the seconds)."""
        self._book = book
        self._waited = waited
        self._flooded = flooded
        self._offload = offload
        self._max_retries = max_retries
        self._clock = clock
        # One cursor and lock per kind of message: reservations of one kind go in order
        # (no herd retrying the same full tick), and replies never queue behind notifications.
        self._locks = {lane: asyncio.Lock() for lane in (REPLIES, NOTIFICATIONS, PAID)}
        self._cursor = dict.fromkeys((REPLIES, NOTIFICATIONS, PAID), 0)
        self._groups: dict[int | str, AsyncLimiter] = {}
        self._unpaused = asyncio.Event()
        self._unpaused.set()
        self._reserved = 0
        self._local = LocalTickBook()
        self._shared_away_until: float | None = None  # the shared book failed: local until then

    async def initialize(self) -> None:
        """Nothing to open: the tick book uses the shop's engine."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Priority | None,
    ) -> Any:
        priority = rate_limit_args or Priority.REPLY
        chat_id = data.get("chat_id")
        lane = None
        if chat_id is not None:
            if data.get("allow_paid_broadcast"):
                lane = PAID
            else:
                lane = NOTIFICATIONS if priority is Priority.NOTIFICATION else REPLIES
        # A notification that meets flood control goes back to the outbox, which retries it
        # when Telegram says; a reply is retried here, a person is waiting for it.
        retries = 0 if priority is Priority.NOTIFICATION else self._max_retries
        for attempt in range(retries + 1):
            if endpoint not in UNPAUSED:
                await self._unpaused.wait()
            if lane is not None:
                await self._reserve(lane)
            try:
                async with self._group_limiter(chat_id):
                    return await callback(*args, **kwargs)
            except RetryAfter as flood:
                wait = _seconds(flood.retry_after)
                log.warning("%s: flood control, every send waits %.1f s", endpoint, wait)
                self._flooded(wait)
                await self._pause(wait)
                if attempt == retries:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    async def _pause(self, seconds: float) -> None:
        self._unpaused.clear()
        try:
            await asyncio.sleep(seconds + 0.1)
        finally:
            self._unpaused.set()

    def _group_limiter(self, chat_id: object) -> contextlib.AbstractAsyncContextManager[Any]:
        key: int | str
        if isinstance(chat_id, str) and not chat_id.lstrip("-").isdigit():
            key = chat_id  # @channelusername
        else:
            try:
                key = int(str(chat_id))
            except ValueError:
                return contextlib.nullcontext()
            if key >= 0:
                return contextlib.nullcontext()  # a private chat
        limiter = self._groups.get(key)
        if limiter is None:
            limiter = self._groups[key] = AsyncLimiter(GROUP_PER_MINUTE, 60)
        return limiter

    def _tick_now(self) -> int:
        return int(self._clock() / TICK_SECONDS)

    async def _reserve(self, lane: Lane) -> None:
        """Wait for a place in a tick, then until that tick starts."""
        if self._book is None:
            return  # unpaced: a local Bot API server only
        book = self._book
        async with self._locks[lane]:
            tick = max(self._cursor[lane], self._tick_now())
            while True:
                taken = await self._take(book, lane, tick)
                now = self._tick_now()
                if taken and tick >= now:
                    break
                # Full, or it ended while we asked (the place is wasted, never used late).
                tick = max(tick + 1, now)
            self._cursor[lane] = tick
        await self._forget_old_ticks(book)
        delay = tick * TICK_SECONDS - self._clock()
        if delay > 0:
            self._waited(delay)
            await asyncio.sleep(delay)

    async def _take(self, book: TickBook, lane: Lane, tick: int) -> bool:
        """A place from the shared book, or from this process's own while the shared one
        cannot be written (one warning when that starts, one line when it ends)."""
        if self._shared_away_until is not None and self._clock() < self._shared_away_until:
            return self._local.take(lane.name, tick, lane.per_tick)
        try:
            taken = bool(await self._offload(book.take, lane.name, tick, lane.per_tick))
        except Exception as failed:
            if self._shared_away_until is None:
                log.warning(
                    "the send budget cannot be written (%s): this worker paces its own "
                    "messages until it can",
                    type(failed).__name__,
                )
            self._shared_away_until = self._clock() + SHARED_BOOK_RETRY_SECONDS
            return self._local.take(lane.name, tick, lane.per_tick)
        if self._shared_away_until is not None:
            log.info("the send budget is shared again")
            self._shared_away_until = None
        return taken

    async def _forget_old_ticks(self, book: TickBook) -> None:
        self._reserved += 1
        if self._reserved % FORGET_EVERY == 0:
            before = self._tick_now() - FORGET_AFTER_TICKS
            self._local.forget_before(before)
            with contextlib.suppress(Exception):  # the database is away: next time
                await self._offload(book.forget_before, before)


def _seconds(wait: float | timedelta) -> float:
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
