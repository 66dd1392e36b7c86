"""Simulated people driving the real bot through the local Bot API, timing update → reply.

A reply is done when the bot reports the update fully handled (every call it made for it has
been answered by the Bot API); the time from pushing the update to that moment is what a
person waits.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.playground.bot_api.server import ChatMessage, LocalBotApi, Person


class Driver:
    def __init__(self, api: LocalBotApi) -> None:
        self.api = api
        self._loop = asyncio.get_running_loop()
        self._waiting: dict[int, asyncio.Future[None]] = {}
        api.processed_listeners.append(self._handled)

    def _handled(self, update_id: int) -> None:
        self._loop.call_soon_threadsafe(self._finish, update_id)

    def _finish(self, update_id: int) -> None:
        future = self._waiting.pop(update_id, None)
        if future is not None and not future.done():
            future.set_result(None)

    async def _timed(self, push: Callable[[], object]) -> float:
        started = time.perf_counter()
        push()
        update_id = self.api.last_update_id()
        future = self._loop.create_future()
        self._waiting[update_id] = future
        await asyncio.wait_for(future, timeout=60)
        return time.perf_counter() - started

    async def says(self, person: Person, text: str) -> float:
        return await self._timed(lambda: self.api.send_text(person, text))

    async def presses(
        self, person: Person, label: str, nth: int | None = None, on: ChatMessage | None = None
    ) -> float:
        message = on or self.last(person)
        return await self._timed(lambda: self.api.press(person, message, label, nth))

    async def shares_phone(self, person: Person, phone: str) -> float:
        return await self._timed(lambda: self.api.share_contact(person, phone))

    def last(self, person: Person) -> ChatMessage:
        return self.api.chat(person).last_from_bot

    def buttons(self, person: Person) -> list[str]:
        return self.last(person).button_texts


@dataclass
class Timings:
    waits: list[float] = field(default_factory=list)
    pushed: list[float] = field(default_factory=list)  # when each update was sent (perf_counter)
    started: float = field(default_factory=time.perf_counter)
    finished: float = 0.0

    def add(self, wait: float) -> None:
        """One update answered just now, `wait` seconds after it was sent."""
        self.waits.append(wait)
        self.pushed.append(time.perf_counter() - wait)

    def sent_between(self, start: float, end: float) -> list[float]:
        """The waits of the updates sent from `start` to `end` (perf_counter times)."""
        return [w for w, at in zip(self.waits, self.pushed, strict=True) if start <= at <= end]

    @property
    def rate(self) -> float:
        return len(self.waits) / ((self.finished or time.perf_counter()) - self.started)


async def everyone(count: int, loop: Callable[[int], Awaitable[None]]) -> None:
    await asyncio.gather(*(loop(n) for n in range(count)))
