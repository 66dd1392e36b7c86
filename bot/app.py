"""Builds the python-telegram-bot Application from Settings."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from telegram import BotCommand, Update
from telegram.ext import (
    AIORateLimiter,
    ApplicationBuilder,
    BaseUpdateProcessor,
    ContextTypes,
    SimpleUpdateProcessor,
)

from bot.config import Settings
from bot.domain.prompts import PromptKind
from bot.handlers import (
    access,
    cart,
    catalogue,
    checkout,
    fallbacks,
    items,
    low_stock,
    managers,
    my_orders,
    notifications,
    order_queue,
    prompt_answers,
    report,
    search,
    staff_auth,
    start,
    stock,
)
from bot.handlers.context import SHOP_KEY, ShopApplication, ShopContext
from bot.handlers.errors import report_error
from bot.wiring import Shop

log = logging.getLogger(__name__)

CUSTOMER_COMMANDS = [
    BotCommand("start", "Main menu"),
    BotCommand("catalogue", "Browse the catalogue"),
    BotCommand("search", "Find an item"),
    BotCommand("cart", "Your cart"),
    BotCommand("myorders", "Your orders"),
    BotCommand("cancel", "Leave checkout"),
    BotCommand("help", "How ordering works"),
]


async def on_startup(application: ShopApplication) -> None:
    """Runs once the bot is connected: the command menu, and the outbox sender."""
    await application.bot.set_my_commands(CUSTOMER_COMMANDS)
    assert application.job_queue is not None
    shop = application.bot_data[SHOP_KEY]
    assert isinstance(shop, Shop)
    digest_at = shop.settings.digest_time.replace(tzinfo=shop.store.timezone)
    application.job_queue.run_daily(
        low_stock.queue_digest, time=digest_at, name=low_stock.DIGEST_JOB
    )
    application.job_queue.run_repeating(
        notifications.send_due,
        interval=shop.settings.outbox_poll_seconds,
        first=0.5,
        name=notifications.JOB_NAME,
    )


MAX_CONCURRENT_UPDATES = 64


def build_application(
    settings: Settings, shop: Shop, *, updates: BaseUpdateProcessor | None = None
) -> ShopApplication:
    """`updates` decides how updates run concurrently (tests pass one that reports back)."""
    if settings.telegram_token is None:
        raise ValueError("a Telegram token is needed to build the application")
    # python-telegram-bot's DEBUG records carry whole messages, passwords included.
    logging.getLogger("telegram").setLevel(logging.INFO)
    application: ShopApplication = (
        ApplicationBuilder()
        .token(settings.telegram_token.get_secret_value())
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.telegram_file_url)
        .context_types(ContextTypes(context=ShopContext))
        .rate_limiter(AIORateLimiter(max_retries=2))
        .concurrent_updates(updates or SimpleUpdateProcessor(MAX_CONCURRENT_UPDATES))
        .post_init(on_startup)
        .build()
    )
    application.bot_data[SHOP_KEY] = shop
    # Group -2: the staff guard. Group -1: typed answers to login/sign-up questions.
    # Group 0: commands, buttons, then checkout's typed answers (which stop there), and last
    # the fallbacks. Group 1: plain text that no question claimed is a search.
    application.add_handlers(access.build_handlers(), group=access.GROUP)
    answers = {
        PromptKind.LOGIN: staff_auth.take_answer,
        PromptKind.SIGNUP: staff_auth.take_answer,
        PromptKind.CANCEL_REASON: order_queue.take_reason,
        **items.ANSWERS,
    }
    application.add_handlers(prompt_answers.build_handlers(answers), group=prompt_answers.GROUP)
    for feature in (
        start,
        catalogue,
        cart,
        checkout,
        my_orders,
        search,
        staff_auth,
        stock,
        items,
        order_queue,
        managers,
        low_stock,
        report,
        fallbacks,  # last: only what nothing else took
    ):
        application.add_handlers(feature.build_handlers(), group=0)
    application.add_handlers(search.build_text_handlers(), group=search.GROUP)
    application.add_error_handler(report_error)
    return application


def run(settings: Settings, shop: Shop) -> None:
    """Run until interrupted: a webhook when WEBHOOK_URL is set, long polling otherwise."""
    application = build_application(settings, shop)
    if settings.use_webhook:
        assert settings.webhook_url is not None
        assert settings.webhook_secret is not None
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
