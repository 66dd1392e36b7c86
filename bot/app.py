"""Builds the python-telegram-bot Application from Settings."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from telegram import Update
from telegram.ext import AIORateLimiter, ApplicationBuilder, ContextTypes

from bot.config import Settings
from bot.handlers import start
from bot.handlers.context import SHOP_KEY, ShopApplication, ShopContext
from bot.handlers.errors import report_error
from bot.wiring import Shop

log = logging.getLogger(__name__)


def build_application(settings: Settings, shop: Shop) -> ShopApplication:
    if settings.telegram_token is None:
        raise ValueError("a Telegram token is needed to build the application")
    application: ShopApplication = (
        ApplicationBuilder()
        .token(settings.telegram_token.get_secret_value())
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.telegram_file_url)
        .context_types(ContextTypes(context=ShopContext))
        .rate_limiter(AIORateLimiter(max_retries=2))
        .concurrent_updates(True)
        .build()
    )
    application.bot_data[SHOP_KEY] = shop
    for handler in start.build_handlers():
        application.add_handler(handler)
    application.add_error_handler(report_error)
    return application


def run(settings: Settings, shop: Shop) -> None:
    """Run until interrupted: a webhook when WEBHOOK_URL is set, long polling otherwise."""
    application = build_application(settings, shop)
    if settings.use_webhook:
        assert settings.webhook_url is not None and settings.webhook_secret is not None
        path = urlsplit(settings.webhook_url).path.lstrip("/")
        log.info("webhook on %s:%s/%s", settings.webhook_listen, settings.webhook_port, path)
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=path,
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret.get_secret_value(),
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        log.info("long polling %s", urlsplit(settings.telegram_api_url).netloc)
        application.run_polling(allowed_updates=Update.ALL_TYPES)
