"""Builds the python-telegram-bot Application from Settings."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import gc
import json
import logging
from collections.abc import Callable
from datetime import time
from typing import Any

from telegram import BotCommand, Update
from telegram.ext import ApplicationBuilder, ContextTypes, ExtBot
from telegram.request import BaseRequest, HTTPXRequest

from bot.config import Settings
from bot.domain.clock import utc_now
from bot.domain.services import deliveries
from bot.domain.services.deliveries import Arrival, Delivery
from bot.group_commit import GroupCommit
from bot.handlers import (
    announcements,
    backoffice_link,
    backups,
    buy_again,
    cart,
    catalogue,
    checkout,
    conversations,
    edge,
    fallbacks,
    favourites,
    handover,
    housekeeping,
    items,
    language,
    low_stock,
    managers,
    my_orders,
    news,
    notifications,
    offers,
    order_queue,
    payments,
    personal_data,
    picking,
    promo_codes,
    questions,
    ratings,
    report,
    sales_windows,
    search,
    shop_info,
    staff_auth,
    start,
    stock,
    vat_rates,
    waiting,
)
from bot.handlers.browsing import Browsing
from bot.handlers.context import (
    BROWSING_KEY,
    ROUTES_KEY,
    SHOP_KEY,
    ShopApplication,
    ShopContext,
)
from bot.handlers.errors import report_error
from bot.handlers.routes import Routes
from bot.i18n import SHIPPED, shipped_language
from bot.persistence.backup import SqlBackups
from bot.persistence.send_pauses import SqlPauseBook
from bot.persistence.send_ticks import SqlTickBook
from bot.scheduler_log import SchedulerLog
from bot.send_budget import Priority, SendBudget
from bot.transport import AiohttpRequest
from bot.wiring import Shop

log = logging.getLogger(__name__)
HOUSEKEEPING_AT = time(3, 30)  # local time: a quiet hour in a small shop
HEARTBEAT_KEY = "heartbeat"

# Every command, button and typed answer the bot knows, in menu order.
ROUTES = Routes(
    [
        start.FEATURE,
        catalogue.FEATURE,
        search.FEATURE,
        cart.FEATURE,
        my_orders.FEATURE,
        favourites.FEATURE,
        buy_again.FEATURE,
        checkout.FEATURE,
        payments.FEATURE,
        shop_info.FEATURE,
        questions.FEATURE,
        start.HELP_FEATURE,
        language.FEATURE,
        personal_data.FEATURE,
        news.FEATURE,
        order_queue.FEATURE,
        picking.FEATURE,
        waiting.FEATURE,
        handover.FEATURE,
        stock.FEATURE,
        items.FEATURE,
        low_stock.FEATURE,
        report.FEATURE,
        vat_rates.FEATURE,
        offers.FEATURE,
        promo_codes.FEATURE,
        ratings.FEATURE,
        announcements.FEATURE,
        managers.FEATURE,
        backoffice_link.FEATURE,
        staff_auth.FEATURE,
    ]
)


async def on_startup(application: ShopApplication) -> None:
    """Runs once the bot is connected: menu and descriptions, the scheduled jobs, the sender."""
    shop = application.bot_data[SHOP_KEY]
    assert isinstance(shop, Shop)
    await shop.refresh_details()  # what managers set over the environment, before any screen
    await asyncio.gather(*(introduce(application, shop, code) for code in (None, *SHIPPED)))
    assert application.job_queue is not None
    # A job still running at its next turn (the database stalls) is one warning, not one a turn.
    SchedulerLog(application.job_queue.scheduler).install()
    # Alive before the first update is taken: others must not take over what it takes. The
    # heartbeat is a task of its own, not a job: it must go on while the application stops
    # and finishes the updates it holds (the job queue stops first).
    await say_alive(shop)
    application.bot_data[HEARTBEAT_KEY] = asyncio.create_task(heartbeat(application, shop))
    digest_at = shop.settings.digest_time.replace(tzinfo=shop.store.timezone)
    application.job_queue.run_daily(
        low_stock.queue_digest, time=digest_at, name=low_stock.DIGEST_JOB
    )
    application.job_queue.run_daily(
        housekeeping.clean_up,
        time=HOUSEKEEPING_AT.replace(tzinfo=shop.store.timezone),
        name=housekeeping.JOB_NAME,
    )
    if shop.settings.backup_dir is not None:  # one worker takes it: the use case decides
        application.job_queue.run_daily(
            backups.back_up,
            time=shop.settings.backup_time.replace(tzinfo=shop.store.timezone),
            name=backups.JOB_NAME,
            data=SqlBackups(shop.engine.url, shop.settings.backup_dir),
        )
    application.job_queue.run_repeating(
        payments.release_unpaid,
        interval=payments.RELEASE_EVERY_SECONDS,
        first=1,
        name=payments.RELEASE_JOB,
    )
    application.job_queue.run_repeating(
        housekeeping.release_uncollected,
        interval=housekeeping.UNCOLLECTED_EVERY_SECONDS,
        first=housekeeping.UNCOLLECTED_EVERY_SECONDS,
        name=housekeeping.UNCOLLECTED_JOB,
    )
    application.job_queue.run_repeating(
        waiting.check_unseen,
        interval=waiting.CHECK_EVERY_SECONDS,
        first=waiting.CHECK_EVERY_SECONDS,
        name=waiting.UNSEEN_JOB,
    )
    application.job_queue.run_repeating(
        news.remind_carts,
        interval=news.REMIND_EVERY_SECONDS,
        first=news.REMIND_EVERY_SECONDS,
        name=news.REMIND_JOB,
    )
    application.job_queue.run_repeating(
        sales_windows.keep_up,
        interval=sales_windows.EVERY_SECONDS,
        first=1,
        name=sales_windows.JOB_NAME,
    )
    shop.outbox_written = notifications.SenderWaker(application).wake
    application.job_queue.run_repeating(
        notifications.send_due,
        interval=shop.settings.outbox_poll_seconds,
        first=0.5,
        name=notifications.JOB_NAME,
    )
    # What start-up built lives as long as the process: kept out of the collector's sight, a
    # full collection walks only what came since (a pause of 70 ms in 60 updates before).
    gc.collect()
    gc.freeze()


async def heartbeat(application: ShopApplication, shop: Shop) -> None:
    """Every few seconds: this worker lives, what it handled is done, and what a gone worker
    left unfinished, this one takes up."""
    while True:
        await asyncio.sleep(deliveries.BEAT_EVERY.total_seconds())
        handled = shop.finished_updates.take()
        try:
            await say_alive(shop, handled)
        except Exception:  # the database is away: say it next time
            shop.finished_updates.restore(handled)
            log.warning("could not say this worker lives; trying again", exc_info=True)
            continue
        try:
            await take_up_abandoned(application, shop)
        except Exception:
            log.warning("could not look for updates a gone worker left", exc_info=True)
        try:  # a manager changed the hours on another worker: this one shows them too
            await shop.refresh_details()
        except Exception:
            log.warning("could not read the shop's details; keeping those known", exc_info=True)


async def say_alive(shop: Shop, handled: list[int] | None = None) -> None:
    """This worker lives (and what it handled is done), by the database's clock, which the
    worker's own is then set by."""
    now = await shop.run_aside(
        deliveries.worker_alive,
        shop.worker,
        handled or [],
        uow=shop.uow(),
        clock=shop.database_clock,
    )
    shop.clock_offset = now - utc_now()


async def take_up_abandoned(application: ShopApplication, shop: Shop) -> None:
    claimed = await shop.run_aside(
        deliveries.take_up_abandoned, shop.worker, uow=shop.uow(), clock=shop.database_clock
    )
    processor = application.update_processor
    for update_id, body in sorted(claimed.items()):
        try:
            update = Update.de_json(json.loads(body), application.bot)
        except (ValueError, KeyError, TypeError):
            log.error("update %s left unfinished cannot be read; it is dropped", update_id)
            continue
        log.info("taking up update %s, left unfinished by a worker that is gone", update_id)
        if isinstance(processor, edge.PersonalQueues):
            processor.claimed(update_id)
        await application.update_queue.put(update)


async def on_shutdown(application: ShopApplication) -> None:
    """Every update handled is done and this worker is gone (a worker started later must not
    take anything up again, nor wait for it); what start-up froze may be garbage now (a
    process that runs the bot again)."""
    shop = application.bot_data[SHOP_KEY]
    assert isinstance(shop, Shop)
    beating = application.bot_data.pop(HEARTBEAT_KEY, None)
    if isinstance(beating, asyncio.Task):
        beating.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await beating
    handled = shop.finished_updates.take()
    try:
        await shop.run_aside(deliveries.worker_gone, shop.worker, handled, uow=shop.uow())
    except Exception:
        log.warning("could not record this worker's clean stop", exc_info=True)
    gc.unfreeze()


async def introduce(application: ShopApplication, shop: Shop, language: str | None) -> None:
    """The customer menu and the bot's descriptions in one language (None: for every app
    language without its own, in the store's)."""
    t = shop.catalogues.texts(language)
    bot = application.bot
    menu = [BotCommand(c.command, c.description) for c in ROUTES.menu(None, t)]
    long, short = shop_info.descriptions(shop.store, t)
    await bot.set_my_commands(menu, language_code=language)
    await bot.set_my_description(long, language_code=language)
    await bot.set_my_short_description(short, language_code=language)


def personal_queues(
    shop: Shop,
    done: Callable[[int], None] | None = None,
    as_sent: dict[int, dict[str, Any]] | None = None,
) -> edge.PersonalQueues:
    """`as_sent`: updates as Telegram sent them (edge.KeepingQueue.as_sent), by id; the
    others are turned back into JSON to be kept."""
    finished = shop.finished_updates
    bodies: dict[int, Update | dict[str, Any]] = {}
    sent = as_sent if as_sent is not None else {}

    async def record(arrivals: list[Arrival]) -> list[Delivery]:
        handled = finished.take()  # marked done in the same transaction
        try:
            return await shop.run(
                record_with_bodies,
                arrivals,
                handled,
                [bodies.pop(a.update_id, None) for a in arrivals],
            )
        except BaseException:
            finished.restore(handled)
            raise

    def record_with_bodies(
        arrivals: list[Arrival], handled: list[int], updates: list[Update | dict[str, Any] | None]
    ) -> list[Delivery]:
        """On a database thread: turning updates into JSON costs the event loop nothing."""
        kept = [
            dataclasses.replace(arrival, body=_json(update)) if update is not None else arrival
            for arrival, update in zip(arrivals, updates, strict=True)
        ]
        return deliveries.first_deliveries(
            kept, worker=shop.worker, finished=handled, uow=shop.uow(), clock=shop.database_clock
        )

    recorded = GroupCommit[Arrival, Delivery](record)

    async def first_delivery(update: Update) -> Delivery:
        user = update.effective_user
        language = shipped_language(user.language_code if user else None)
        bodies[update.update_id] = sent.pop(update.update_id, update)
        arrival = Arrival(
            update.update_id,
            user.id if user else None,
            language,
            cart_item=catalogue.cart_item_shown(update),
            card_item=catalogue.card_shown(update),
        )
        return await recorded(arrival)

    def words(update: Update, text: str) -> str:
        user = update.effective_user
        return shop.catalogues.for_app(user.language_code if user else None)(text)

    # Each kind's counter, looked up once (a look-up takes the metric's lock every time).
    counts: dict[str, Any] = {}

    def observe(update: Update, seconds: float) -> None:
        kind = kind_of(update)
        count = counts.get(kind)
        if count is None:
            count = counts[kind] = shop.metrics.updates.labels(kind)
        count.inc()
        shop.metrics.update_seconds.observe(seconds)

    return edge.PersonalQueues(
        first_delivery,
        words=words,
        done=done,
        observe=observe,
        worker=shop.worker,
        handled=finished.add,
    )


def _json(update: Update | dict[str, Any]) -> str:
    """As Telegram sent it when known, else as the framework reads it (slower: a walk of
    every object in it)."""
    data = update.to_dict() if isinstance(update, Update) else update
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def kind_of(update: Update) -> str:
    """Its kind as Telegram names it: message, callback_query, pre_checkout_query, ..."""
    return next((kind for kind in Update.ALL_TYPES if getattr(update, kind, None)), "other")


def transport(settings: Settings, pool: int = 256) -> BaseRequest:
    """aiohttp by default (the framework's httpx transport spends most of the event loop's time
    in its client under load); `SHOPKEEPS_TELEGRAM_TRANSPORT=httpx` keeps the framework's own."""
    if settings.telegram_transport == "httpx":
        return HTTPXRequest(connection_pool_size=pool)
    return AiohttpRequest(connection_pool_size=pool)


def build_application(
    settings: Settings, shop: Shop, *, on_update_done: Callable[[int], None] | None = None
) -> ShopApplication:
    """`on_update_done` hears of each update once handled (the tests wait on it)."""
    if settings.telegram_token is None:
        raise ValueError("a Telegram token is needed to build the application")
    # python-telegram-bot's DEBUG records carry whole messages, passwords included.
    logging.getLogger("telegram").setLevel(logging.INFO)
    # Without the budget (a local Bot API only) every call still goes through it, unpaced;
    # Telegram's 429s are honoured by every worker either way.
    book = SqlTickBook(shop.engine) if settings.send_budget else None
    queue = edge.KeepingQueue()
    processor = personal_queues(shop, on_update_done, queue.as_sent)
    queue.processor = processor
    budget = SendBudget(
        book,
        pauses=SqlPauseBook(shop.engine),
        # Ticks and pauses are shared: every worker counts them by the database's clock.
        clock=lambda: shop.database_clock().timestamp(),
        offload=shop.run,
        waited=shop.metrics.budget_waited,
        flooded=lambda _seconds: shop.metrics.flood_pauses.inc(),
    )
    keeping = edge.KeepingBot(
        settings.telegram_token.get_secret_value(),
        base_url=settings.telegram_api_url,
        base_file_url=settings.telegram_file_url,
        request=transport(settings),
        get_updates_request=transport(settings, pool=1),
        rate_limiter=budget,
    )
    keeping.wait_before_polling(queue.kept)
    keeping.keep_as_sent(queue.as_sent)
    bot: ExtBot[Priority] = keeping
    application: ShopApplication = (
        ApplicationBuilder()
        .bot(bot)
        .context_types(ContextTypes(context=ShopContext))
        .concurrent_updates(processor)
        .update_queue(queue)
        .post_init(on_startup)
        .post_shutdown(on_shutdown)
        .build()
    )
    application.bot_data[SHOP_KEY] = shop
    application.bot_data[ROUTES_KEY] = ROUTES
    application.bot_data[BROWSING_KEY] = Browsing()
    # Group -3: the edge (edits, group chats). Group -1: typed text to the open conversation
    # (a staff question or a checkout step) and the password shield; a plain search found in
    # the same read is shown there. Group 0: commands, buttons, and last the fallbacks.
    # Group 1: plain text that nothing claimed is a search (or told why it cannot be one).
    application.add_handlers(edge.build_handlers(), group=edge.GROUP)
    application.add_handlers(
        conversations.build_handlers(
            ROUTES.answers, checkout.take_text, search.TEXT_SEARCH, catalogue.take_typed_amount
        ),
        group=conversations.GROUP,
    )
    application.add_handlers([*ROUTES.handlers(), *fallbacks.build_handlers()], group=0)
    application.add_handlers(search.build_text_handlers(), group=search.GROUP)
    application.add_error_handler(report_error)
    return application


def run(settings: Settings, shop: Shop) -> None:
    """Run until SIGINT or SIGTERM: a webhook when WEBHOOK_URL is set, long polling otherwise,
    with the web server (health, metrics, the webhook) unless SHOPKEEPS_WEB_PORT is 0."""
    from bot.web.server import serve_until_stopped

    application = build_application(settings, shop)
    asyncio.run(serve_until_stopped(settings, shop, application))
