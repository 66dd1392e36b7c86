"""End-to-end fixtures: the real bot over HTTP against the Bot API double."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy import Engine

from bot.playground.bot_api.server import LocalBotApi
from tests.support.api_tally import CHECKED
from tests.support.running_bot import RunningBot, running_bot


@pytest.fixture
def double() -> Iterator[LocalBotApi]:
    """A fresh double; the test fails if the bot made any call Telegram would refuse."""
    with LocalBotApi() as api:
        yield api
        invalid = api.invalid_calls
        CHECKED["calls"] += len(api.calls)
        CHECKED["invalid"] += len(invalid)
        CHECKED["tests"] += 1
        assert not invalid, "the bot made invalid Bot API calls:\n" + "\n".join(
            f"{c.method} -> {c.status} {c.error}" for c in invalid
        )


@pytest.fixture(params=["polling", "webhook"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def bot(double: LocalBotApi, engine: Engine, mode: str) -> AsyncIterator[RunningBot]:
    url = engine.url.render_as_string(hide_password=False)
    async with running_bot(double, url, mode) as running:
        yield running
