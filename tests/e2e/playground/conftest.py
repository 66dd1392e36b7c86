"""The playground's web server in front of the real bot, on each test database."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from playwright.async_api import Browser, async_playwright
from sqlalchemy import Engine

from bot.playground.bot_api.server import LocalBotApi
from bot.playground.demo import Persona, set_up_store
from bot.playground.runner import TEST_PROVIDER_TOKEN
from bot.playground.web import PlaygroundWeb
from tests.e2e.playground.page_steps import CHROMIUM, FLAGS
from tests.support.running_bot import RunningBot, free_port, running_bot


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
    port = free_port()
    async with running_bot(
        double,
        url,
        payment_provider_token=TEST_PROVIDER_TOKEN,
        web_port=port,
        backoffice_url=f"http://127.0.0.1:{port}",
    ) as bot:
        personas = set_up_store(bot.shop, double)
        web = PlaygroundWeb(double, personas, port=0, back_office=bot.web_url).start()
        try:
            yield RunningPlayground(bot, web, personas)
        finally:
            web.stop()


def _chromium_or_skip() -> str:
    if shutil.which(CHROMIUM):
        return CHROMIUM
    if os.environ.get("SHOPKEEPS_REQUIRE_BROWSER"):
        pytest.fail(f"{CHROMIUM} is missing; `make test` installs Debian's chromium package")
    pytest.skip(f"{CHROMIUM} is missing; `make test` installs Debian's chromium package")


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    executable = _chromium_or_skip()
    async with async_playwright() as driver:
        launched = await driver.chromium.launch(executable_path=executable, args=FLAGS)
        try:
            yield launched
        finally:
            await launched.close()
