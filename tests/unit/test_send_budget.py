"""The send budget: at most 27 messages in any second for the whole bot, replies first."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import Counter
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.send_budget import TICK_SECONDS, Priority, SendBudget


class MemoryTickBook:
    """The tick table of every worker, in memory."""

    def __init__(self) -> None:
        self.used: Counter[tuple[str, int]] = Counter()
        self._lock = threading.Lock()

    def take(self, lane: str, tick: int, limit: int) -> bool:
        with self._lock:
            if self.used[lane, tick] >= limit:
                return False
            self.used[lane, tick] += 1
            return True

    def forget_before(self, tick: int) -> None:
        with self._lock:
            for key in [k for k in self.used if k[1] < tick]:
                del self.used[key]


class Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[float, str]] = []

    def callback(self, label: str) -> Any:
        async def send() -> bool:
            self.sent.append((time.monotonic(), label))
            return True

        return send


async def send(
    budget: SendBudget,
    callback: Any,
    *,
    chat_id: int = 7,
    priority: Priority | None = None,
    **data: Any,
) -> Any:
    return await budget.process_request(
        callback, (), {}, "sendMessage", {"chat_id": chat_id, **data}, priority
    )


def tick_of(at: float) -> int:
    return int(at / TICK_SECONDS)


def most_in_any_second(times: list[float]) -> int:
    times = sorted(times)
    return max(sum(1 for t in times if start <= t < start + 1.0) for start in times)


async def test_two_workers_together_send_at_most_27_messages_in_any_second() -> None:
    book, recorder = MemoryTickBook(), Recorder()
    one, two = SendBudget(book), SendBudget(book)
    await asyncio.gather(
        *(send(one, recorder.callback("one"), chat_id=n) for n in range(30)),
        *(send(two, recorder.callback("two"), chat_id=100 + n) for n in range(30)),
    )
    assert len(recorder.sent) == 60
    assert most_in_any_second([at for at, _ in recorder.sent]) <= 27
    assert {label for _, label in recorder.sent} == {"one", "two"}


async def test_a_reply_overtakes_a_queue_of_notifications() -> None:
    book, recorder = MemoryTickBook(), Recorder()
    budget = SendBudget(book)
    first_tick = tick_of(time.time())
    burst = [
        asyncio.create_task(
            send(budget, recorder.callback("notification"), priority=Priority.NOTIFICATION)
        )
        for _ in range(20)
    ]
    await asyncio.sleep(0.05)  # the burst has reserved its ticks
    asked_in = tick_of(time.time())
    await send(budget, recorder.callback("reply"))
    await asyncio.gather(*burst)
    order = [label for _, label in recorder.sent]
    # It took the place every tick keeps for replies: only the notifications of the ticks
    # that began before it was asked (two a tick) went first, not the other 20 - 2n.
    assert order.index("reply") <= 2 * (asked_in - first_tick + 1) < 20


async def test_paid_broadcasts_have_their_own_lane() -> None:
    book, recorder = MemoryTickBook(), Recorder()
    budget = SendBudget(book)
    await asyncio.gather(
        *(
            send(
                budget,
                recorder.callback("paid"),
                chat_id=n,
                priority=Priority.NOTIFICATION,
                allow_paid_broadcast=True,
            )
            for n in range(100)
        )
    )
    assert {lane for lane, _ in book.used} == {"paid"}
    assert most_in_any_second([at for at, _ in recorder.sent]) == 100


async def test_a_notification_meeting_flood_control_goes_back_to_the_outbox() -> None:
    calls = 0

    async def flooded() -> bool:
        nonlocal calls
        calls += 1
        raise RetryAfter(0)

    with pytest.raises(RetryAfter):
        await send(SendBudget(MemoryTickBook()), flooded, priority=Priority.NOTIFICATION)
    assert calls == 1  # the outbox retries it when Telegram says, not the budget


async def test_a_reply_meeting_flood_control_is_sent_again() -> None:
    calls = 0

    async def flooded_once() -> bool:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RetryAfter(0)
        return True

    assert await send(SendBudget(MemoryTickBook()), flooded_once) is True
    assert calls == 2


async def test_calls_to_no_chat_take_no_place() -> None:
    book = MemoryTickBook()
    budget = SendBudget(book)

    async def answered() -> bool:
        return True

    await budget.process_request(answered, (), {}, "answerCallbackQuery", {}, None)
    assert not book.used


class FullDiskTickBook(MemoryTickBook):
    """A shared book whose writes fail (a full disk, a database away) while `failing`."""

    def __init__(self) -> None:
        super().__init__()
        self.failing = True

    def take(self, lane: str, tick: int, limit: int) -> bool:
        if self.failing:
            raise OSError("database or disk is full")
        return super().take(lane, tick, limit)


async def test_a_reply_is_sent_while_the_shared_budget_cannot_be_written(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.send_budget")
    book, recorder, now = FullDiskTickBook(), Recorder(), [1000.0]
    budget = SendBudget(book, clock=lambda: now[0], offload=_inline)
    for n in range(3):
        assert await send(budget, recorder.callback(f"reply {n}"))
    assert [label for _, label in recorder.sent] == ["reply 0", "reply 1", "reply 2"]
    assert sum("cannot be written" in r.getMessage() for r in caplog.records) == 1
    assert not book.used

    book.failing = False
    now[0] += 10  # past the pause before the shared book is asked again
    assert await send(budget, recorder.callback("reply 3"))
    assert sum(book.used.values()) == 1
    assert any("shared again" in r.getMessage() for r in caplog.records)


async def _inline(function: Any, *args: Any) -> Any:
    return function(*args)
