"""Start the real bot against the Bot API double, in polling or webhook mode."""

from __future__ import annotations

import gc
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from bot.app import build_application
from bot.config import Settings, load_settings
from bot.handlers import notifications
from bot.handlers.context import ShopApplication
from bot.playground.bot_api.server import LocalBotApi
from bot.web.server import Serving, serving
from bot.wiring import Shop, build_shop
from tests.support.factories import FAST_HASHER

WEBHOOK_SECRET = "test-secret_42"
MODES = ("polling", "webhook")
# For a test where how updates arrive changes what the bot does: Telegram redelivering to a
# webhook, acknowledging an update (an HTTP answer, or the next getUpdates offset), a flood
# (one update a request, or batches of 100), a 429. Every other test runs in long polling.
both_modes = pytest.mark.parametrize("mode", MODES)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bot_settings(double: LocalBotApi, database_url: str, mode: str, **extra: Any) -> Settings:
    options: dict[str, Any] = {
        "database_url": database_url,
        "telegram_token": double.token,
        "telegram_api_url": double.base_url,
        "store_name": "Corner Shop <&> Co",
        "currency": "EUR",
        "timezone": "Europe/Paris",
        "outbox_poll_seconds": 0.2,
    }
    if mode == "webhook":
        port = free_port()
        options |= {
            "webhook_url": f"http://127.0.0.1:{port}/telegram-hook",
            "web_listen": "127.0.0.1",
            "web_port": port,
            "webhook_secret": WEBHOOK_SECRET,
        }
    return load_settings(env_file=None, **(options | extra))


@dataclass
class RunningBot:
    double: LocalBotApi
    shop: Shop
    application: ShopApplication
    settings: Settings
    served: Serving

    @property
    def web_url(self) -> str:
        """Where the bot's own web server answers (health, metrics, the webhook)."""
        assert self.served.port is not None, "this bot runs no web server"
        return f"http://127.0.0.1:{self.served.port}"

    async def another_sender_round(self) -> None:
        """Run the outbox sender once more now, then wait for whatever it sent."""
        assert self.application.job_queue is not None
        [sender] = self.application.job_queue.get_jobs_by_name(notifications.JOB_NAME)
        await sender.run(self.application)
        await self.double.settle()


@asynccontextmanager
async def running_bot(
    double: LocalBotApi, database_url: str, mode: str = "polling", **extra: Any
) -> AsyncIterator[RunningBot]:
    """The same start-up path as `shopkeeps run` (bot.web.server.serving), minus waiting for
    a signal. In polling mode there is no web server unless `web_port` is given."""
    if mode == "polling":
        extra = {"web_port": 0} | extra
    settings = bot_settings(double, database_url, mode, **extra)
    shop = build_shop(settings, hasher=FAST_HASHER)
    # The double hears when the bot has finished with each update, so tests wait exactly as
    # long as the bot works instead of guessing with sleeps.
    application = build_application(settings, shop, on_update_done=double.processed)
    # Start-up collects the garbage and freezes what is left (bot.app.on_startup); the tests'
    # own heap, frozen first, is not walked again at every start (0.1-0.4 s a test).
    gc.freeze()
    try:
        async with serving(settings, shop, application, poll_timeout=1) as served:
            yield RunningBot(double, shop, application, settings, served)
    finally:
        shop.close()
