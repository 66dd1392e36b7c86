"""A stalled database is one warning in the log, not one per poll: the bot's repeating jobs
(the outbox sender polls several times a second) find their last run still waiting, and
say so once when the stall starts and once when it ends."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine

from bot.handlers import notifications
from bot.playground.bot_api.server import LocalBotApi
from bot.scheduler_log import SKIPPED
from tests.support.chat_person import ChatPerson
from tests.support.db_proxy import proxied
from tests.support.running_bot import running_bot
from tests.support.shop_factories import checkout_for_pickup, fill_cart, logged_in_manager, sell

PAUSE_SECONDS = 5
POLL_SECONDS = 0.2  # the tests' outbox poll: 25 turns in the pause


def job_named(message: str) -> str:
    """The job a line is about: '"outbox-sender" runs again ...' names outbox-sender."""
    return message.split('"')[1]


@dataclass
class Stall:
    """The URL the bot uses, and `during()`: a stall while the block runs."""

    url: str
    during: Callable[[], AbstractAsyncContextManager[None]]


@asynccontextmanager
async def database_for_the_bot(engine: Engine, backend: str) -> AsyncIterator[Stall]:
    """The bot's database URL and a way to stall it: MariaDB through a proxy the test pauses
    (a server stopped or a network gone silent); SQLite by a write lock the test holds (a
    backup or another program), which every write of the bot waits on."""
    url = engine.url.render_as_string(hide_password=False)
    if backend == "mariadb":
        with proxied(url) as proxy:

            @asynccontextmanager
            async def paused() -> AsyncIterator[None]:
                proxy.pause()
                try:
                    yield
                finally:
                    proxy.resume()

            yield Stall(proxy.url_for(url), paused)
        return

    @asynccontextmanager
    async def locked() -> AsyncIterator[None]:
        with engine.begin() as connection:  # BEGIN IMMEDIATE: the write lock
            connection.exec_driver_sql("SELECT 1")
            yield

    yield Stall(url, locked)


async def test_a_five_second_database_stall_logs_one_warning_when_it_starts_and_one_when_it_ends(
    double: LocalBotApi, engine: Engine, backend: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with (
        database_for_the_bot(engine, backend) as stall,
        running_bot(double, stall.url, outbox_poll_seconds=POLL_SECONDS) as bot,
    ):
        sell(bot, sku="TEA", name="Earl Grey", stock=50, price_minor=250)
        boss = logged_in_manager(bot)
        ann = ChatPerson(double, double.person("Ann"))
        await fill_cart(ann, "Earl Grey")
        await checkout_for_pickup(ann)
        caplog.clear()

        async with stall.during():
            await asyncio.sleep(PAUSE_SECONDS)
        await ann.presses("✅ Confirm")  # the bot works on, and its sender with it
        await double.wait_for(lambda: boss.has_seen("New order"), what="the new-order alert")

    said = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "bot.scheduler_log"]
    warned = [job_named(message) for level, message in said if level == logging.WARNING]
    back = [job_named(message) for level, message in said if level == logging.INFO]
    assert notifications.JOB_NAME in warned
    assert sorted(warned) == sorted(set(warned)) == sorted(back)  # once each, and each ended
    assert not [r for r in caplog.records if SKIPPED in r.getMessage()]
