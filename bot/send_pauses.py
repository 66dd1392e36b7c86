"""Telegram's flood control, honoured by every worker at once.

Telegram answers a call it will not take now with 429 and a number of seconds. Its limits are
per bot, per chat and per group, not per process: a second worker that went on sending to a
chat the first was told to leave alone would be refused too, and Telegram lengthens the wait
of a bot that ignores it. So a 429 pauses what it applies to (one chat; the bot's own bulk
messages; or, for a call to no chat, that method) in this worker at once and in a table every
worker reads twice a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Protocol

log = logging.getLogger(__name__)

BULK = "bulk"  # messages the bot starts itself (notifications, announcements)
PAID = "paid"  # paid broadcasts, which have their own limit
POLL_SECONDS = 0.5  # how late another worker's pause may be heard of
MARGIN_SECONDS = 0.1  # past Telegram's time, so that the retry is not refused again
FORGET_AFTER_SECONDS = 60.0  # ended pauses are deleted once this old


def chat(chat_id: object) -> str:
    """The scope of one chat (a person, a group or a @channel)."""
    return f"chat:{chat_id}"


def method(name: str) -> str:
    """The scope of one method called for no chat (answerCallbackQuery, setMyCommands...)."""
    return f"method:{name}"


class PauseBook(Protocol):
    """Where pauses are shared: `until` and `now` are Unix times (every worker's clock is
    set by the database's at start-up)."""

    def pause(self, scope: str, until: float) -> None:
        """Pause `scope` until then, unless it is paused for longer already."""

    def active(self, now: float) -> dict[str, float]:
        """Every scope paused beyond `now`, with the end of its pause."""

    def forget_before(self, when: float) -> None: ...


Offload = Callable[..., Awaitable[Any]]


class Pauses:
    """This worker's view of the pauses: its own 429s at once, the others' within
    POLL_SECONDS. Without a book (one worker against a local Bot API), its own only."""

    def __init__(
        self,
        book: PauseBook | None,
        *,
        clock: Callable[[], float] = time.time,
        offload: Offload = asyncio.to_thread,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self._book = book
        self._clock = clock
        self._offload = offload
        self._poll_seconds = poll_seconds
        self._until: dict[str, float] = {}
        self._polling: asyncio.Task[None] | None = None
        self._sharing: set[asyncio.Task[None]] = set()  # pauses being written

    def start(self) -> None:
        if self._book is not None and self._polling is None:
            self._polling = asyncio.get_running_loop().create_task(self._poll())

    async def stop(self) -> None:
        if self._sharing:  # pauses still being written: a worker stopping says them first
            await asyncio.wait(self._sharing, timeout=5)
        if self._polling is not None:
            self._polling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._polling
            self._polling = None

    @property
    def any(self) -> bool:
        """Whether any pause is known (ended ones too, until the next poll forgets them):
        without one, a call need not read the clock."""
        return bool(self._until)

    def left(self, scopes: Iterable[str]) -> float:
        """Seconds until none of these scopes is paused (0: none is)."""
        now = self._clock()
        ends = [self._until.get(scope, 0.0) for scope in scopes]
        return max([0.0, *(end - now for end in ends)])

    async def wait(self, scopes: Iterable[str]) -> None:
        """Until none of these is paused, however often the pause is lengthened meanwhile."""
        wanted = tuple(scopes)
        while (seconds := self.left(wanted)) > 0:
            await asyncio.sleep(seconds)

    def pause(self, scopes: Iterable[str], seconds: float) -> None:
        """Telegram said wait `seconds`: here at once, and for every worker as soon as the
        shared book is written (in the background: a reply never waits on a database write)."""
        until = self._clock() + seconds + MARGIN_SECONDS
        wanted = tuple(scopes)
        for scope in wanted:
            self._heard(scope, until)
        if self._book is not None:
            sharing = asyncio.get_running_loop().create_task(self._share(wanted, until))
            self._sharing.add(sharing)
            sharing.add_done_callback(self._sharing.discard)

    async def _share(self, scopes: tuple[str, ...], until: float) -> None:
        assert self._book is not None
        try:
            for scope in scopes:
                await self._offload(self._book.pause, scope, until)
        except Exception as failed:  # the database is away: this worker still waits
            log.warning("a flood-control pause could not be shared (%s)", type(failed).__name__)

    def _heard(self, scope: str, until: float) -> None:
        if until > self._until.get(scope, 0.0):
            self._until[scope] = until

    async def _poll(self) -> None:
        assert self._book is not None
        book, rounds = self._book, 0
        while True:
            await asyncio.sleep(self._poll_seconds)
            now = self._clock()
            try:
                for scope, until in (await self._offload(book.active, now)).items():
                    self._heard(scope, until)
                rounds += 1
                if rounds % 240 == 0:  # about every two minutes
                    await self._offload(book.forget_before, now - FORGET_AFTER_SECONDS)
            except Exception as failed:  # the database is away: this worker's own pauses hold
                log.debug("pauses not read (%s)", type(failed).__name__)
            self._until = {scope: end for scope, end in self._until.items() if end > now}
