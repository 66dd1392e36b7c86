"""`shopkeeps web`: the back office (and /healthz, /readyz) served by a process of its own,
for a set-up whose bot workers should not serve pages; it shares their database, and what it
changes reaches customers through their outbox sender, as from the chat."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web
from telegram import Bot

from bot.backoffice.app import MAX_UPLOAD, add_back_office
from bot.config import Settings
from bot.web import health
from bot.web.health import Readiness, TelegramCheck
from bot.web.server import bound_port
from bot.wiring import Shop

log = logging.getLogger(__name__)
DETAILS_EVERY = 5.0  # seconds: the shop's details as managers set them (as bot workers do)


async def bot_username(settings: Settings) -> str:
    """The bot's @username, for the links the back office hands out (Telegram checks the
    token here too)."""
    assert settings.telegram_token is not None
    bot = Bot(settings.telegram_token.get_secret_value(), base_url=settings.telegram_api_url)
    async with bot:
        me = await bot.get_me()
    return me.username or ""


@asynccontextmanager
async def serving_back_office(settings: Settings, shop: Shop) -> AsyncIterator[int]:
    """Serve for the length of the block; the port it listens on."""
    username = await bot_username(settings)
    await shop.refresh_details()
    app = web.Application(client_max_size=MAX_UPLOAD)
    app.add_routes(health.routes(Readiness(shop, TelegramCheck())))
    add_back_office(app, settings, shop, bot_username=username)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, settings.web_listen, settings.web_port)
    await site.start()
    port = bound_port(runner)
    log.info("back office on %s:%s", settings.web_listen, port)

    async def keep_details() -> None:
        while True:
            await asyncio.sleep(DETAILS_EVERY)
            try:
                await shop.refresh_details()
            except Exception:
                log.warning("could not read the shop's details; keeping those known", exc_info=True)

    details = asyncio.create_task(keep_details())
    try:
        assert port is not None
        yield port
    finally:
        details.cancel()
        await runner.cleanup()


async def serve_until_stopped(settings: Settings, shop: Shop) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(number, stop.set)
    async with serving_back_office(settings, shop):
        await stop.wait()
