"""The send budget: replies at once, at most 27 bulk messages in any second for the whole bot,
and Telegram's 429s honoured by every worker."""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.send_budget import REPLYING_TO, Priority, SendBudget


class MemoryTickBook:
    """The blocks of ticks every worker claims, in memory."""

    def __init__(self) -> None:
        self.claimed: dict[tuple[str, int], int] = {}
        self.claims = 0
        self._lock = threading.Lock()

    def claim(self, lane: str, block: int) -> bool:
        with self._lock:
            self.claims += 1
            if (lane, block) in self.claimed:
                return False
            self.claimed[lane, block] = 1
            return True

    def forget_before(self, block: int) -> None:
        with self._lock:
            for key in [k for k in self.claimed if k[1] < block]:
                del self.claimed[key]


class MemoryPauseBook:
    """The pauses every worker reads, in memory."""

    def __init__(self) -> None:
        self.until: dict[str, float] = {}

    def pause(self, scope: str, until: float) -> None:
        self.until[scope] = max(until, self.until.get(scope, 0.0))

    def active(self, now: float) -> dict[str, float]:
        return {scope: end for scope, end in self.until.items() if end > now}

    def forget_before(self, when: float) -> None:
        self.until = {scope: end for scope, end in self.until.items() if end >= when}


class Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[float, str]] = []

    def callback(self, label: str) -> Any:
        async def send() -> bool:
            self.sent.append((time.monotonic(), label))
            return True

        return send

    def times(self, label: str | None = None) -> list[float]:
        return [at for at, said in self.sent if label is None or said == label]


async def send(
    budget: SendBudget,
    callback: Any,
    *,
    chat_id: int | None = 7,
    priority: Priority | None = None,
    endpoint: str = "sendMessage",
    **data: Any,
) -> Any:
    given = {"chat_id": chat_id} if chat_id is not None else {}
    return await budget.process_request(callback, (), {}, endpoint, given | data, priority)


async def notify(budget: SendBudget, callback: Any, chat_id: int, **data: Any) -> Any:
    return await send(budget, callback, chat_id=chat_id, priority=Priority.NOTIFICATION, **data)


@pytest.fixture
def replying_to_ann() -> Iterator[int]:
    """This task handles an update from Ann's chat (7), as the edge says."""
    token = REPLYING_TO.set(7)
    yield 7
    REPLYING_TO.reset(token)


def most_in_any_second(times: list[float]) -> int:
    times = sorted(times)
    return max(sum(1 for t in times if start <= t < start + 1.0) for start in times)


async def test_two_workers_together_start_at_most_27_messages_in_any_second() -> None:
    book, recorder = MemoryTickBook(), Recorder()
    one, two = SendBudget(book), SendBudget(book)
    await asyncio.gather(
        *(notify(one, recorder.callback("one"), n) for n in range(30)),
        *(notify(two, recorder.callback("two"), 100 + n) for n in range(30)),
    )
    assert len(recorder.sent) == 60
    assert most_in_any_second(recorder.times()) <= 27
    assert set(recorder.times("one")) and set(recorder.times("two"))


async def test_a_notification_woken_late_takes_a_new_place_instead_of_leaving_in_a_bunch() -> None:
    book, recorder, now = MemoryTickBook(), Recorder(), [1000.0]  # tick 8000, block 2000
    budget = SendBudget(book, clock=lambda: now[0], offload=_inline)
    for n in range(3):  # the tick's three places
        await notify(budget, recorder.callback(f"on time {n}"), n)
    late = asyncio.create_task(notify(budget, recorder.callback("late"), 9))
    await asyncio.sleep(0.01)  # it has the next tick's place and waits for it
    assert not late.done() and set(book.claimed) == {("bulk", 2000)}
    now[0] += 2.0  # meanwhile the event loop was busy for two seconds
    await late
    assert recorder.sent[-1][1] == "late"
    assert ("bulk", 2004) in book.claimed  # a place of now's ticks, claimed anew


async def test_a_notification_woken_past_the_first_half_of_its_tick_takes_a_new_place() -> None:
    book, recorder, now = MemoryTickBook(), Recorder(), [1000.0]  # tick 8000
    waits: list[float] = []
    budget = SendBudget(book, clock=lambda: now[0], offload=_inline, waited=waits.append)
    for n in range(3):
        await notify(budget, recorder.callback(f"on time {n}"), n)
    late = asyncio.create_task(notify(budget, recorder.callback("late"), 9))
    await asyncio.sleep(0.01)  # it has tick 8001's place (1000.125 s) and waits for it
    now[0] = 1000.125 + 0.07  # it wakes 70 ms into its tick of 125
    await late
    assert recorder.sent[-1][1] == "late"
    # Then it waited again, for tick 8002 (1000.25 s): a new place, not its old one.
    assert waits[-1] == pytest.approx(1000.25 - now[0])


async def test_claims_slower_than_a_block_still_get_a_place_ahead() -> None:
    book, recorder, now = MemoryTickBook(), Recorder(), [1000.0]

    async def slow_database(call: Callable[..., Any], *args: Any) -> Any:
        now[0] += 0.7  # longer than a block of ticks (0.5 s)
        await asyncio.sleep(0)
        return call(*args)

    budget = SendBudget(book, clock=lambda: now[0], offload=slow_database)
    await asyncio.wait_for(notify(budget, recorder.callback("slow"), 9), timeout=5)
    assert [said for _, said in recorder.sent] == ["slow"]
    assert book.claims <= 3


async def test_places_are_claimed_a_block_at_a_time_not_one_write_per_message() -> None:
    book, recorder = MemoryTickBook(), Recorder()
    await asyncio.gather(*(notify(SendBudget(book), recorder.callback("n"), n) for n in range(1)))
    budget = SendBudget(book)
    await asyncio.gather(*(notify(budget, recorder.callback("n"), n) for n in range(36)))
    assert book.claims <= 36 // 12 + 3  # 12 places a block, and a partly used first block


async def test_a_reply_is_sent_at_once_while_a_burst_of_notifications_drains(
    replying_to_ann: int,
) -> None:
    book, recorder = MemoryTickBook(), Recorder()
    budget = SendBudget(book)
    burst = [
        asyncio.create_task(notify(budget, recorder.callback("notification"), 100 + n))
        for n in range(40)
    ]
    await asyncio.sleep(0.3)  # the burst is draining, 3 per tick
    asked = time.monotonic()
    await send(budget, recorder.callback("reply"), chat_id=replying_to_ann)
    answered = recorder.times("reply")[0]
    sent_before = sum(1 for at in recorder.times("notification") if at < answered)
    await asyncio.gather(*burst)
    assert answered - asked < 0.05  # not a timing target: a guard against waiting a tick
    assert sent_before < 20  # the burst (40 at 24 a second) was far from drained
    assert all(lane == "bulk" for lane, _ in book.claimed)


async def test_a_message_to_another_chat_while_handling_an_update_is_bulk(
    replying_to_ann: int,
) -> None:
    book, recorder = MemoryTickBook(), Recorder()
    budget = SendBudget(book)
    await send(budget, recorder.callback("to Ann"), chat_id=replying_to_ann)
    assert not book.claims
    await send(budget, recorder.callback("to the staff chat"), chat_id=99)
    assert book.claims == 1


async def test_a_message_sent_while_no_update_is_handled_is_bulk() -> None:
    book, recorder = MemoryTickBook(), Recorder()
    await send(SendBudget(book), recorder.callback("from a job"), chat_id=7)
    assert book.claims == 1


async def test_paid_broadcasts_have_their_own_lane() -> None:
    book, recorder = MemoryTickBook(), Recorder()
    budget = SendBudget(book)
    await asyncio.gather(
        *(
            notify(budget, recorder.callback("paid"), n, allow_paid_broadcast=True)
            for n in range(100)
        )
    )
    assert {lane for lane, _ in book.claimed} == {"paid"}
    assert most_in_any_second(recorder.times()) == 100


def flooding(times: int, seconds: float) -> tuple[Any, list[float]]:
    """A call refused with 429 (`seconds` to wait) `times` times, then taken."""
    calls: list[float] = []

    async def call() -> bool:
        calls.append(time.monotonic())
        if len(calls) <= times:
            raise RetryAfter(timedelta(seconds=seconds))
        return True

    return call, calls


async def test_a_notification_meeting_flood_control_goes_back_to_the_outbox() -> None:
    call, calls = flooding(1, 0.2)
    with pytest.raises(RetryAfter):
        await notify(SendBudget(MemoryTickBook()), call, 7)
    assert len(calls) == 1  # the outbox retries it when Telegram says, not the budget


async def test_a_reply_meeting_flood_control_is_sent_again_after_the_pause_until_taken(
    replying_to_ann: int,
) -> None:
    call, calls = flooding(3, 0.1)
    assert await send(SendBudget(MemoryTickBook()), call, chat_id=replying_to_ann) is True
    assert len(calls) == 4  # never dropped
    assert all(later - earlier >= 0.1 for earlier, later in itertools.pairwise(calls))


async def test_a_429_for_a_notification_pauses_its_chat_and_the_bulk_lane_on_every_worker() -> None:
    pauses, recorder = MemoryPauseBook(), Recorder()
    one = SendBudget(None, pauses=pauses)
    two = SendBudget(None, pauses=pauses)
    await two.initialize()  # hears of pauses from the shared book
    try:
        refused, _ = flooding(1, 1.0)
        with pytest.raises(RetryAfter):
            await notify(one, refused, 7)
        flooded_at = time.monotonic()
        await asyncio.sleep(0.6)  # more than a poll: worker two has heard
        other = asyncio.create_task(notify(two, recorder.callback("chat 8"), 8))
        token = REPLYING_TO.set(7)
        await send(two, recorder.callback("reply in chat 7"), chat_id=7)
        REPLYING_TO.reset(token)
        await other
    finally:
        await two.shutdown()
    # Worker two's reply to chat 7 waited out Telegram's second: the chat's pause is shared.
    assert recorder.times("reply in chat 7")[0] - flooded_at >= 1.0
    # Bulk messages to other chats wait too (the 429 may have been the bot's bulk limit).
    assert recorder.times("chat 8")[0] - flooded_at >= 1.0


async def test_a_reply_to_another_chat_does_not_wait_for_a_chats_pause() -> None:
    pauses, recorder = MemoryPauseBook(), Recorder()
    one, two = SendBudget(None, pauses=pauses), SendBudget(None, pauses=pauses)
    await two.initialize()
    try:
        refused, _ = flooding(1, 2.0)
        token = REPLYING_TO.set(7)
        replying = asyncio.create_task(send(one, refused, chat_id=7))
        REPLYING_TO.reset(token)
        await asyncio.sleep(0.6)
        started = time.monotonic()
        token = REPLYING_TO.set(8)
        await send(two, recorder.callback("reply to chat 8"), chat_id=8)
        REPLYING_TO.reset(token)
        assert recorder.times()[0] - started < 0.5  # a guard: no pause applied to chat 8
        assert await replying is True
    finally:
        await two.shutdown()
    assert set(pauses.until) == {"chat:7"}


async def test_a_429_for_a_call_to_no_chat_pauses_that_method_alone_and_is_not_retried(
    replying_to_ann: int,
) -> None:
    budget, recorder = SendBudget(None), Recorder()
    refused, calls = flooding(1, 0.5)
    with pytest.raises(RetryAfter):
        await send(budget, refused, chat_id=None, endpoint="setMyCommands")
    assert len(calls) == 1
    await send(budget, recorder.callback("reply"), chat_id=replying_to_ann)
    assert recorder.times()[0] - calls[0] < 0.4  # a guard: replies are not paused
    await send(budget, recorder.callback("menu again"), chat_id=None, endpoint="setMyCommands")
    assert recorder.times("menu again")[0] - calls[0] >= 0.5


async def test_a_payment_question_meeting_flood_control_is_not_asked_again_at_once() -> None:
    refused, calls = flooding(5, 1.0)
    with pytest.raises(RetryAfter):
        await send(SendBudget(None), refused, chat_id=None, endpoint="answerPreCheckoutQuery")
    assert len(calls) == 1  # no hammering: Telegram fails the payment after 10 s anyway


async def test_calls_to_no_chat_take_no_place() -> None:
    book = MemoryTickBook()

    async def answered() -> bool:
        return True

    await SendBudget(book).process_request(answered, (), {}, "answerCallbackQuery", {}, None)
    assert not book.claims


class FullDiskTickBook(MemoryTickBook):
    """A shared book whose writes fail (a full disk, a database away) while `failing`."""

    def __init__(self) -> None:
        super().__init__()
        self.failing = True

    def claim(self, lane: str, block: int) -> bool:
        if self.failing:
            raise OSError("database or disk is full")
        return super().claim(lane, block)


async def test_a_notification_is_sent_while_the_shared_budget_cannot_be_written(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.send_budget")
    book, recorder, now = FullDiskTickBook(), Recorder(), [1000.0]
    budget = SendBudget(book, clock=lambda: now[0], offload=_inline)
    for n in range(3):
        now[0] += 1  # a new block each time
        assert await notify(budget, recorder.callback(f"notification {n}"), 7)
    assert [label for _, label in recorder.sent] == [f"notification {n}" for n in range(3)]
    assert sum("cannot be written" in r.getMessage() for r in caplog.records) == 1
    assert not book.claimed

    book.failing = False
    now[0] += 10  # past the pause before the shared book is asked again
    assert await notify(budget, recorder.callback("notification 3"), 7)
    assert len(book.claimed) == 1
    assert any("shared again" in r.getMessage() for r in caplog.records)


async def _inline(function: Any, *args: Any) -> Any:
    return function(*args)
