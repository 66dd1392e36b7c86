"""The one web server of a bot process, and the order in which a bot starts and stops.

aiohttp.web because it is already here (the Telegram transport), is maintained, streams request
bodies (so a webhook request is judged by its headers before its body is read) and takes more
routes as the back office grows; python-telegram-bot's own webhook server (tornado) serves only
the webhook and reads every body whole before anything checks it.

Start: the application, then the web server, then Telegram is told where updates go (setWebhook)
or polling starts. Stop (SIGTERM from systemd, a rolling restart): the web server stops taking
requests first (Caddy sends them to another worker, Telegram redelivers what got no 200), then
every update already taken is handled before the process ends.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application

from bot.backoffice.app import MAX_UPLOAD, add_back_office
from bot.config import Settings
from bot.web import health, webhook
from bot.web.health import TELEGRAM_CHECK_SECONDS, Readiness, TelegramCheck
from bot.wiring import Shop

log = logging.getLogger(__name__)
# The web adapter drives the application without knowing the chat adapter's own types.
BotApplication = Application[Any, Any, Any, Any, Any, Any]
PROBE_JOB = "telegram-probe"
SHUTDOWN_SECONDS = 10.0  # in-flight requests get this long to finish on stop


def build_web_app(
    settings: Settings, shop: Shop, application: BotApplication, readiness: Readiness
) -> web.Application:
    """Every route of the process, declared here feature by feature."""
    largest = MAX_UPLOAD if settings.backoffice_url is not None else webhook.MAX_BODY
    app = web.Application(client_max_size=max(largest, webhook.MAX_BODY))
    app.add_routes(health.routes(readiness))
    app.add_routes(health.metrics_routes(readiness, shop.metrics))
    if settings.backoffice_url is not None:
        add_back_office(app, settings, shop, bot_username=application.bot.username)
    if settings.webhook_url is not None and settings.webhook_secret is not None:
        app.add_routes(
            webhook.routes(
                webhook_path(settings.webhook_url),
                settings.webhook_secret.get_secret_value(),
                application,
                shop.metrics,
            )
        )
    return app


def webhook_path(url: str) -> str:
    return urlsplit(url).path or "/"


@dataclass
class Serving:
    """A running bot: its web address (None without a web server) and readiness."""

    application: BotApplication
    readiness: Readiness
    port: int | None


@asynccontextmanager
async def serving(
    settings: Settings, shop: Shop, application: BotApplication, *, poll_timeout: int = 10
) -> AsyncIterator[Serving]:
    """Run the bot for the length of the block: webhook or long polling, and the web server."""
    telegram = TelegramCheck()
    readiness = Readiness(shop, telegram)
    await application.initialize()  # asks Telegram getMe: the token is checked here
    runner: web.AppRunner | None = None
    try:
        if application.post_init is not None:
            await application.post_init(application)
        port: int | None = None
        if settings.use_webhook or settings.web_port != 0:
            runner = web.AppRunner(
                build_web_app(settings, shop, application, readiness),
                access_log=None,  # one line per update would drown the log; metrics count them
                shutdown_timeout=SHUTDOWN_SECONDS,
                handle_signals=False,
            )
            await runner.setup()
            site = web.TCPSite(runner, settings.web_listen, settings.web_port)
            await site.start()
            port = bound_port(runner)
            log.info("web server on %s:%s", settings.web_listen, port)
        if settings.webhook_url is not None and settings.webhook_secret is not None:
            await application.bot.set_webhook(
                settings.webhook_url,
                secret_token=settings.webhook_secret.get_secret_value(),
                allowed_updates=Update.ALL_TYPES,
            )
            log.info("webhook registered at %s", urlsplit(settings.webhook_url).netloc)
        else:
            assert application.updater is not None  # it removes any webhook first
            await application.updater.start_polling(
                allowed_updates=Update.ALL_TYPES, timeout=poll_timeout, poll_interval=0
            )
            log.info("long polling %s", urlsplit(settings.telegram_api_url).netloc)
        _probe_telegram_regularly(application, telegram)
        await application.start()
        try:
            yield Serving(application, readiness, port)
        finally:
            if runner is not None:
                await runner.cleanup()  # no new requests; those in flight finish
                runner = None
            if application.updater is not None and application.updater.running:
                await application.updater.stop()
            await application.stop()  # every update already taken is handled first
            if application.post_shutdown is not None:
                await application.post_shutdown(application)
    finally:
        if runner is not None:
            await runner.cleanup()
        await application.shutdown()


def bound_port(runner: web.AppRunner) -> int | None:
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            return int(address[1])
    return None


def _probe_telegram_regularly(application: BotApplication, telegram: TelegramCheck) -> None:
    async def probe(_context: object) -> None:
        try:
            await application.bot.get_me()
        except TelegramError as error:
            telegram.failed(f"{type(error).__name__}: {error}")
        else:
            telegram.heard()

    assert application.job_queue is not None
    application.job_queue.run_repeating(
        probe, interval=TELEGRAM_CHECK_SECONDS, first=TELEGRAM_CHECK_SECONDS, name=PROBE_JOB
    )


async def serve_until_stopped(settings: Settings, shop: Shop, application: BotApplication) -> None:
    """`shopkeeps run`: until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stop.set)
    async with serving(settings, shop, application) as running:
        await stop.wait()
        await drain(settings, running)
        log.info("stopping: finishing the updates already taken")


async def drain(settings: Settings, running: Serving) -> None:
    """A webhook worker told to stop keeps serving for `stop_drain_seconds` while its health
    checks fail: the proxy takes it out and sends the next updates to another worker. Caddy
    retries an update lost on a closing connection only when it could send it again, which
    Debian's Caddy (2.6) cannot for a request whose body it already sent."""
    if not settings.use_webhook or running.port is None or settings.stop_drain_seconds <= 0:
        return
    running.readiness.stopping = True
    log.info("stopping: health checks fail for %.1f s first", settings.stop_drain_seconds)
    await asyncio.sleep(settings.stop_drain_seconds)
