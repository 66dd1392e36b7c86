"""Group commit: work that arrives while one batch is being written goes in the next batch.

Every update costs a write transaction (recording it as taken); under a burst one transaction
for all the updates that arrived meanwhile costs about what one did for each. At a trickle
each goes alone, at once: nothing waits for a batch to fill.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

In = TypeVar("In")
Out = TypeVar("Out")


class GroupCommit(Generic[In, Out]):
    """`write` takes a batch and returns one result per item, in the same order."""

    def __init__(self, write: Callable[[list[In]], Awaitable[list[Out]]]) -> None:
        self._write = write
        self._waiting: list[tuple[In, asyncio.Future[Out]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def __call__(self, item: In) -> Out:
        future: asyncio.Future[Out] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._writer is None:
            self._writer = asyncio.create_task(self._write_while_waiting())
        return await future

    async def _write_while_waiting(self) -> None:
        try:
            await asyncio.sleep(0)  # what arrived in this same turn of the loop joins at once
            while self._waiting:
                batch, self._waiting = self._waiting, []
                await self._write_batch(batch)
        finally:
            self._writer = None
            for _, future in self._waiting:  # only if this writer was cancelled
                future.cancel()
            self._waiting = []

    async def _write_batch(self, batch: list[tuple[In, asyncio.Future[Out]]]) -> None:
        futures = [future for _, future in batch]
        try:
            results = await self._write([item for item, _ in batch])
            if len(results) != len(batch):
                raise RuntimeError(f"{len(results)} results for {len(batch)} items")
        except asyncio.CancelledError:
            for future in futures:
                future.cancel()
            raise
        except Exception as failed:  # each waiting caller hears of it, as if it wrote alone
            for future in futures:
                if not future.done():
                    future.set_exception(failed)
            return
        for future, result in zip(futures, results, strict=True):
            if not future.done():  # its caller may have been cancelled meanwhile
                future.set_result(result)
