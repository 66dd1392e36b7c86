"""A repeating job whose run outlasts its turns is one warning and one line when it ends,
whatever the number of turns skipped, and again for the next stall."""

from __future__ import annotations

import asyncio
import logging

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.scheduler_log import SKIPPED, SchedulerLog

TURN = 0.02  # seconds between turns


async def test_each_stall_is_one_warning_when_it_starts_and_one_line_when_it_ends(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    released, runs = asyncio.Event(), asyncio.Queue[None]()

    async def poll() -> None:
        runs.put_nowait(None)
        await released.wait()

    scheduler = AsyncIOScheduler()
    SchedulerLog(scheduler).install()
    scheduler.add_job(poll, "interval", seconds=TURN, name="sender")
    scheduler.start()
    try:
        for _ in range(2):  # two stalls, of many turns each
            released.clear()
            await runs.get()
            await asyncio.sleep(TURN * 15)
            released.set()
            await runs.get()  # it ran again after the stall
    finally:
        scheduler.shutdown(wait=False)
        released.set()

    said = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "bot.scheduler_log"]
    assert [level for level, _ in said] == ["WARNING", "INFO", "WARNING", "INFO"]
    assert said[0][1].startswith('"sender" is still running at its next turn')
    assert said[1][1].startswith('"sender" runs again: ')
    assert not [r for r in caplog.records if SKIPPED in r.getMessage()]
