"""Taking an update when the database hiccups: the record is tried again, the worker's own
earlier attempt that went through after all is recognised, and the update is handled once."""

from __future__ import annotations

import pytest
from telegram import Update

from bot.domain.services.deliveries import Delivery
from bot.handlers import edge


def an_update(update_id: int) -> Update:
    return Update.de_json({"update_id": update_id}, None)


class Recorder:
    """Fails the first `failures` records, then answers with `then`."""

    def __init__(self, failures: int, then: Delivery) -> None:
        self.failures, self.then, self.calls = failures, then, 0

    async def __call__(self, _update: Update) -> Delivery:
        self.calls += 1
        if self.calls <= self.failures:
            raise ConnectionError("Lost connection to MySQL server during query")
        return self.then


async def handled_times(queues: edge.PersonalQueues, update: Update) -> int:
    ran = 0

    async def handler() -> None:
        nonlocal ran
        ran += 1

    kept = queues.expect(update.update_id)
    await queues.do_process_update(update, handler())
    assert kept.done() and kept.exception() is None  # Telegram may be told it arrived
    return ran


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(edge, "RECORD_RETRY_FIRST", 0.001)


async def test_a_record_that_failed_and_went_through_after_all_is_still_handled() -> None:
    recorder = Recorder(failures=2, then=Delivery(False, mine=True))
    queues = edge.PersonalQueues(recorder, worker="w1")
    assert await handled_times(queues, an_update(7)) == 1
    assert recorder.calls == 3


async def test_a_record_that_fails_then_succeeds_is_handled_once() -> None:
    recorder = Recorder(failures=1, then=Delivery(True))
    queues = edge.PersonalQueues(recorder, worker="w1")
    assert await handled_times(queues, an_update(8)) == 1


async def test_an_update_this_worker_already_took_is_not_handled_again() -> None:
    """Without a failed attempt of its own, 'mine' is the same update delivered twice."""
    recorder = Recorder(failures=0, then=Delivery(False, mine=True))
    queues = edge.PersonalQueues(recorder, worker="w1")
    assert await handled_times(queues, an_update(9)) == 0
