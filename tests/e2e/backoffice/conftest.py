"""A running bot serving the back office, and a browser with its own cookies."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from sqlalchemy import Engine

from bot.playground.bot_api.server import LocalBotApi
from tests.support.back_office import Browser
from tests.support.running_bot import RunningBot, free_port, running_bot


@pytest.fixture
async def bot(double: LocalBotApi, engine: Engine) -> AsyncIterator[RunningBot]:
    url = engine.url.render_as_string(hide_password=False)
    port = free_port()
    async with running_bot(
        double, url, web_port=port, backoffice_url=f"http://127.0.0.1:{port}"
    ) as running:
        yield running


@pytest.fixture
async def browser(bot: RunningBot) -> AsyncIterator[Browser]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        yield Browser(bot, http)
