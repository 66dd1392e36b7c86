"""Telegram's limits, kept by the whole bot however many workers share it.

Telegram paces a bot in three ways. A reply to a person's own action (a command, a typed
answer, a button press) is paced by that person: about a message a second per chat, short
bursts allowed, and 20 a minute in a group. Messages the bot starts itself (notifications,
announcements: "bulk") are limited to about 30 a second for the whole bot, not per process.
And whatever the limits are, Telegram states them by answering 429 with a time to wait.

So replies go at once: each person's updates are handled one after another (bot.handlers.edge),
which keeps a person's chat at their own pace, and groups keep their 20 a minute here. Bulk
messages take a place in a tick of 1/8 s from a book every worker shares: at most 3 per tick,
and any one second spans at most 9 ticks, so the bot starts at most 27 in any second, whatever
the number of workers. A worker claims a block of ticks at a time (one database write for up to
12 messages) and spends its places itself. Paid broadcasts (`allow_paid_broadcast`) have their
own lane, up to 990 a second (Telegram allows 1,000). A 429 pauses the chat it was for, and the
bulk lane if it was bulk (or, for a call to no chat, that method), on every worker
(bot.send_pauses); the call is sent again after the pause, except a notification, which its
outbox retries.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import math
import time
from collections.abc import Awaitable, Callable, Coroutine
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot import send_pauses
from bot.send_pauses import PauseBook, Pauses

log = logging.getLogger(__name__)

TICK_SECONDS = 0.125
TICKS_PER_SECOND = 8
# A message leaves in the first half of its tick, or takes a new place: any second then holds
# at most 9 ticks' messages (27), with half a tick to spare for the way to Telegram.
SEND_WITHIN_SECONDS = TICK_SECONDS / 2
BLOCK_TICKS = 4  # claimed at once by one worker: half a second, 12 bulk messages
MAX_AIM_AHEAD_SECONDS = 5.0  # the longest a slow claim makes the next one aim ahead by
FORGET_AFTER_BLOCKS = 20 * TICKS_PER_SECOND // BLOCK_TICKS
FORGET_EVERY = 64  # blocks claimed between two clean-ups of old ones
GROUP_PER_MINUTE = 20

# The chat whose update this task is handling (set by the edge): a call to that chat is a
# reply; a call to any other, or with no update being handled, is a message the bot starts.
REPLYING_TO: ContextVar[int | None] = ContextVar("replying_to", default=None)


class Priority(enum.Enum):
    """Passed as `rate_limit_args`: a notification goes back to its outbox on a 429."""

    REPLY = "reply"
    NOTIFICATION = "notification"


@dataclass(frozen=True, slots=True)
class Lane:
    name: str
    per_tick: int  # how many places of a tick this kind of message may fill


BULK = Lane("bulk", 3)
PAID = Lane("paid", 110)
# Telegram waits at most 10 s for this answer and refuses it later, failing the payment; it
# sends no message, so it takes no place, and it never waits out another call's 429 pause.
UNPAUSED = frozenset({"answerPreCheckoutQuery"})


class TickBook(Protocol):
    def claim(self, lane: str, block: int) -> bool:
        """Make `block` of `lane` this worker's; True if no other worker had it."""

    def forget_before(self, block: int) -> None: ...


class LocalTickBook:
    """The same book kept in this process alone: used while the shared one cannot be written
    (a full disk, a database away), so that a message never waits on a write that fails.
    Paced per worker meanwhile, which Telegram's 429s, honoured, keep within its limits."""

    def __init__(self) -> None:
        self._claimed: set[tuple[str, int]] = set()

    def claim(self, lane: str, block: int) -> bool:
        if (lane, block) in self._claimed:
            return False
        self._claimed.add((lane, block))
        return True

    def forget_before(self, block: int) -> None:
        self._claimed = {key for key in self._claimed if key[1] >= block}


SHARED_BOOK_RETRY_SECONDS = 5.0

Callback = Callable[..., Coroutine[Any, Any, Any]]
Offload = Callable[..., Awaitable[Any]]


class SendBudget(BaseRateLimiter[Priority]):
    def __init__(
        self,
        book: TickBook | None,
        *,
        pauses: PauseBook | None = None,
        clock: Callable[[], float] = time.time,
        offload: Offload = asyncio.to_thread,
        waited: Callable[[float], object] = lambda _seconds: None,
        flooded: Callable[[float], object] = lambda _seconds: None,
    ) -> None:
        """`book`: the shared ticks (None: bulk messages unpaced, for a local Bot API only);
        `pauses`: where 429 pauses are shared (None: this worker's own). `offload` runs the
        books' blocking calls off the event loop (the shop's database threads in the bot);
        `waited` hears of each wait for a place, `flooded` of each 429 (both with the
        seconds)."""
        self._book = book
        self._pauses = Pauses(pauses, clock=clock, offload=offload)
        self._waited = waited
        self._flooded = flooded
        self._offload = offload
        self._clock = clock
        # One cursor and lock per lane: reservations of one kind go in order (no herd
        # retrying the same full tick).
        self._locks = {lane: asyncio.Lock() for lane in (BULK, PAID)}
        self._cursor = dict.fromkeys((BULK, PAID), 0)
        self._owned: dict[Lane, set[int]] = {BULK: set(), PAID: set()}
        self._used: dict[tuple[Lane, int], int] = {}
        self._groups: dict[int | str, AsyncLimiter] = {}
        self._claims = 0
        self._local = LocalTickBook()
        self._shared_away_until: float | None = None  # the shared book failed: local until then

    async def initialize(self) -> None:
        """Hear of other workers' pauses from now on."""
        self._pauses.start()

    async def shutdown(self) -> None:
        await self._pauses.stop()

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Priority | None,
    ) -> Any:
        chat_id = data.get("chat_id")
        notification = rate_limit_args is Priority.NOTIFICATION
        lane = _lane(chat_id, notification, bool(data.get("allow_paid_broadcast")))
        scopes = _scopes(endpoint, chat_id, lane)
        while True:
            if endpoint not in UNPAUSED and self._pauses.any:
                await self._pauses.wait(scopes)
            if lane is not None:
                await self._reserve(lane)
                if self._pauses.left(scopes) > 0:
                    continue  # paused while it waited for its place: the place is let go
            try:
                async with self._group_limiter(chat_id):
                    return await callback(*args, **kwargs)
            except RetryAfter as flood:
                wait = _seconds(flood.retry_after)
                log.warning(
                    "%s: flood control, %s waits %.1f s", endpoint, " and ".join(scopes), wait
                )
                self._flooded(wait)
                self._pauses.pause(scopes, wait)
                if notification or chat_id is None or endpoint in UNPAUSED:
                    # A notification goes back to its outbox, which sends it again when
                    # Telegram said; a call to no chat (a button's answer, the menu set at
                    # start-up, a payment question Telegram waits 10 s for) is not worth
                    # holding on to. A reply is sent again here: a person is waiting for it,
                    # and it is never dropped.
                    raise

    def _group_limiter(self, chat_id: object) -> contextlib.AbstractAsyncContextManager[Any]:
        """Telegram's 20 a minute in a group or channel (this worker's share: another worker's
        messages to the same group are kept in step by the 429s they would meet). A private
        chat has no limiter of its own: its person's updates are handled one at a time, and
        a 429 for it pauses it on every worker."""
        if type(chat_id) is int and chat_id >= 0:
            return contextlib.nullcontext()  # a private chat (most calls: checked first)
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
        """Wait for a place in a tick of a block this worker owns, then until that tick. A
        message that wakes after the first half of its tick (a busy event loop) takes a new
        place: sent late in its old one, it would leave together with the messages of the
        ticks after it, more than 27 in a second as Telegram counts them (a tick's worth of
        lateness let 28 through in a launch-day run on MariaDB)."""
        if self._book is None:
            return  # unpaced: a local Bot API server only
        while True:
            tick = await self._place(lane, self._book)
            delay = tick * TICK_SECONDS - self._clock()
            if delay > 0:
                self._waited(delay)
                await asyncio.sleep(delay)
            if self._clock() < tick * TICK_SECONDS + SEND_WITHIN_SECONDS:
                return

    async def _place(self, lane: Lane, book: TickBook) -> int:
        """The tick of this message's place (this worker's own blocks, claimed as needed)."""
        async with self._locks[lane]:
            owned = self._owned[lane]
            tick = max(self._cursor[lane], self._tick_now())
            while True:
                block = tick // BLOCK_TICKS
                if block not in owned:
                    asked = self._clock()
                    if not await self._claim(book, lane, block):
                        tick = (block + 1) * BLOCK_TICKS  # another worker's
                        continue
                    owned.add(block)
                    tick = max(tick, self._tick_now())  # the claim took time
                    if tick // BLOCK_TICKS != block:
                        # Over before it was claimed (a slow database): aim as far ahead as
                        # two such claims take, or every claim would come too late.
                        # (Capped: the wall clock may step while a claim is under way.)
                        took = min(max(0.0, self._clock() - asked), MAX_AIM_AHEAD_SECONDS)
                        tick = self._tick_now() + math.ceil(2 * took / TICK_SECONDS)
                        continue
                used = self._used.get((lane, tick), 0)
                if used < lane.per_tick:
                    self._used[lane, tick] = used + 1
                    break
                tick = max(tick + 1, self._tick_now())
            self._cursor[lane] = tick
        return tick

    async def _claim(self, book: TickBook, lane: Lane, block: int) -> bool:
        """A block from the shared book, or from this process's own while the shared one
        cannot be written (one warning when that starts, one line when it ends)."""
        await self._forget_old_blocks(book, block)
        if self._shared_away_until is not None and self._clock() < self._shared_away_until:
            return self._local.claim(lane.name, block)
        try:
            claimed = bool(await self._offload(book.claim, lane.name, block))
        except Exception as failed:
            if self._shared_away_until is None:
                log.warning(
                    "the send budget cannot be written (%s): this worker paces its own "
                    "messages until it can",
                    type(failed).__name__,
                )
            self._shared_away_until = self._clock() + SHARED_BOOK_RETRY_SECONDS
            return self._local.claim(lane.name, block)
        if self._shared_away_until is not None:
            log.info("the send budget is shared again")
            self._shared_away_until = None
        return claimed

    async def _forget_old_blocks(self, book: TickBook, block: int) -> None:
        self._claims += 1
        if self._claims % FORGET_EVERY:
            return
        before = block - FORGET_AFTER_BLOCKS
        self._local.forget_before(before)
        for owned in self._owned.values():
            owned.difference_update({b for b in owned if b < before})
        first_tick = before * BLOCK_TICKS
        self._used = {key: n for key, n in self._used.items() if key[1] >= first_tick}
        with contextlib.suppress(Exception):  # the database is away: next time
            await self._offload(book.forget_before, before)


def _lane(chat_id: object, notification: bool, paid: bool) -> Lane | None:
    """No lane: a reply (or a call to no chat), sent at once."""
    if chat_id is None:
        return None
    if paid:
        return PAID
    replying_to = REPLYING_TO.get()
    if notification or replying_to is None or str(replying_to) != str(chat_id):
        return BULK
    return None


def _scopes(endpoint: str, chat_id: object, lane: Lane | None) -> tuple[str, ...]:
    """What a call waits for when paused, and what its 429 pauses: its chat, and the bulk
    (or paid) lane if it is one the bot starts; a call to no chat, that method alone."""
    if chat_id is None:
        return (send_pauses.method(endpoint),)
    scopes = [send_pauses.chat(chat_id)]
    if lane is BULK:
        scopes.append(send_pauses.BULK)
    elif lane is PAID:
        scopes.append(send_pauses.PAID)
    return tuple(scopes)


def _seconds(wait: float | timedelta) -> float:
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
