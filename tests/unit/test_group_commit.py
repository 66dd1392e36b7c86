"""Group commit: what arrives while a batch is written goes together in the next one."""

from __future__ import annotations

import asyncio

import pytest

from bot.group_commit import GroupCommit


class SlowBook:
    """Writes batches, one at a time, until told to go on; remembers each batch."""

    def __init__(self, fail_on: int | None = None) -> None:
        self.batches: list[list[int]] = []
        self.go_on = asyncio.Event()
        self.fail_on = fail_on

    async def write(self, items: list[int]) -> list[str]:
        self.batches.append(items)
        await self.go_on.wait()
        if self.fail_on in items:
            raise ValueError(f"cannot write {self.fail_on}")
        return [f"wrote {item}" for item in items]


async def test_a_lone_item_is_written_alone_and_at_once() -> None:
    book = SlowBook()
    book.go_on.set()
    record = GroupCommit(book.write)
    assert await record(1) == "wrote 1"
    assert book.batches == [[1]]


async def test_items_arriving_while_a_batch_is_written_go_together_in_the_next() -> None:
    book = SlowBook()
    record = GroupCommit(book.write)
    first = asyncio.create_task(record(1))
    await asyncio.sleep(0.01)
    later = [asyncio.create_task(record(n)) for n in (2, 3, 4)]
    await asyncio.sleep(0.01)
    book.go_on.set()
    assert await asyncio.gather(first, *later) == ["wrote 1", "wrote 2", "wrote 3", "wrote 4"]
    assert book.batches == [[1], [2, 3, 4]]


async def test_items_of_the_same_moment_share_the_first_batch() -> None:
    book = SlowBook()
    book.go_on.set()
    record = GroupCommit(book.write)
    assert await asyncio.gather(*(record(n) for n in range(5))) == [f"wrote {n}" for n in range(5)]
    assert book.batches == [[0, 1, 2, 3, 4]]


async def test_a_failed_batch_fails_each_of_its_callers_and_the_next_batch_still_goes() -> None:
    book = SlowBook(fail_on=2)
    record = GroupCommit(book.write)
    first = asyncio.create_task(record(1))
    await asyncio.sleep(0.01)
    doomed = [asyncio.create_task(record(n)) for n in (2, 3)]
    await asyncio.sleep(0.01)
    book.go_on.set()
    assert await first == "wrote 1"
    for caller in doomed:
        with pytest.raises(ValueError, match="cannot write 2"):
            await caller
    assert await record(5) == "wrote 5"
    assert book.batches == [[1], [2, 3], [5]]


async def test_a_caller_that_gives_up_waiting_leaves_the_others_their_results() -> None:
    book = SlowBook()
    record = GroupCommit(book.write)
    impatient = asyncio.create_task(record(1))
    patient = asyncio.create_task(record(2))
    await asyncio.sleep(0.01)
    impatient.cancel()
    book.go_on.set()
    assert await patient == "wrote 2"
    assert impatient.cancelled()


async def test_a_write_answering_for_too_few_items_fails_its_callers() -> None:
    async def forgetful(items: list[int]) -> list[str]:
        return ["wrote one"]

    record = GroupCommit(forgetful)
    results = await asyncio.gather(record(1), record(2), return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)
