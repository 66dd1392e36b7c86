"""The playground's web server in front of the real bot, on each test database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine

from bot.playground.bot_api.server import LocalBotApi
from bot.playground.demo import Persona, set_up_store
from bot.playground.runner import TEST_PROVIDER_TOKEN
from bot.playground.web import PlaygroundWeb
from tests.support.running_bot import RunningBot, running_bot


@dataclass
class RunningPlayground:
    bot: RunningBot
    web: PlaygroundWeb
    personas: list[Persona]

    @property
    def url(self) -> str:
        return self.web.url

    def persona(self, name: str) -> Persona:
        return next(p for p in self.personas if p.person.first_name == name)


@pytest.fixture
async def playground(double: LocalBotApi, engine: Engine) -> AsyncIterator[RunningPlayground]:
    """What `shopkeeps playground` starts, on the test's database and a free port."""
    url = engine.url.render_as_string(hide_password=False)
    async with running_bot(double, url, payment_provider_token=TEST_PROVIDER_TOKEN) as bot:
        personas = set_up_store(bot.shop, double)
        web = PlaygroundWeb(double, personas, port=0).start()
        try:
            yield RunningPlayground(bot, web, personas)
        finally:
            web.stop()
