"""The outbox sender: a repeating job that delivers what the use cases queued.

Flood control (429) waits as long as Telegram asks; outages Telegram answers (5xx) and
failures to connect back off and retry; a chat that is gone for good (the person blocked the
bot) is given up on and logged. A send whose answer never came (a timeout) may have arrived:
it goes once more at most, a minute later, then is given up on with an ERROR line.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
from datetime import timedelta
from typing import Any

from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import Application

from bot.domain.news import AnnouncementNews
from bot.domain.notifications import Facts, Notification
from bot.domain.orders import StatusNews
from bot.domain.services import outbox
from bot.domain.store import Store

# Each feature's module registers the words of the notifications it queues when imported.
from bot.handlers import (  # noqa: F401
    backups,
    catalogue,
    low_stock,
    managers,
    my_orders,
    news,
    order_queue,
    payments,
    picking,
    questions,
    ratings,
    receipts,
    waiting,
)
from bot.handlers.context import ShopContext
from bot.handlers.fit import CAPTION, fit
from bot.handlers.notification_texts import Rendered, render_facts
from bot.handlers.patience import patiently
from bot.handlers.pickup_qr import handover_link, qr_png
from bot.i18n import Texts
from bot.send_budget import Priority
from bot.transport import may_have_arrived

log = logging.getLogger(__name__)
JOB_NAME = "outbox-sender"
WAKE_JOB = "outbox-sender-woken"
LEASE_RENEWAL = outbox.LEASE / 3


def render(notification: Notification, store: Store, t: Texts) -> Rendered:
    """Word a queued notification in its reader's language; its facts are typed, and worded
    by the function its feature registered (bot.handlers.notification_texts)."""
    return render_facts(t, notification.facts, store)


async def _keep_lease(context: ShopContext, notification: Notification) -> None:
    """While a send waits (flood control can hold it longer than a lease), renew the lease,
    so no other worker takes the row and sends it a second time."""
    while True:
        await asyncio.sleep(LEASE_RENEWAL.total_seconds())
        kept = await context.run(outbox.keep_lease, notification)
        if not kept:
            log.warning("notification %s: lease lost while sending", notification.id)
            return


async def _send(context: ShopContext, notification: Notification) -> None:
    texts = context.shop.catalogues.texts(notification.language)
    facts = notification.facts
    heartbeat = asyncio.create_task(_keep_lease(context, notification))
    # Notifications yield to replies within the bot's one budget; paid broadcasts, when the
    # store opted in, have their own and much larger one.
    extra: dict[str, Any] = {"rate_limit_args": Priority.NOTIFICATION}
    if context.shop.settings.paid_broadcast:
        extra["allow_paid_broadcast"] = True
    try:
        if isinstance(facts, receipts.FACTS):
            await receipts.send(context, notification, texts, **extra)
            return
        text, keyboard = render(notification, context.shop.store, texts)
        photo = _photo(context, facts)
        if photo is not None:
            await context.bot.send_photo(
                notification.chat_id,
                photo,
                caption=fit(text, CAPTION),
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard,
                **extra,
            )
        else:
            await context.bot.send_message(
                notification.chat_id,
                fit(text),
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard,
                **extra,
            )
    finally:
        heartbeat.cancel()


def _photo(context: ShopContext, facts: Facts) -> str | bytes | None:
    """What goes as a photo, the words as its caption: an announcement's own photo, or a
    ready order's pickup code as the QR image staff scan to hand it over."""
    if isinstance(facts, AnnouncementNews):
        return facts.photo
    if isinstance(facts, StatusNews) and facts.pickup_code:
        return qr_png(handover_link(context.bot.username, facts.pickup_code))
    return None


async def send_one(context: ShopContext, notification: Notification) -> None:
    assert notification.id is not None
    try:
        await _send(context, notification)
    except RetryAfter as flood:
        wait = flood.retry_after
        seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
        await _later(context, notification, timedelta(seconds=seconds), f"429: {flood}")
    except (Forbidden, BadRequest) as refused:
        if isinstance(refused, BadRequest) and not _chat_gone(refused):
            # Our fault, not the person's: a message Telegram cannot show. Loudly.
            log.error("notification %s was refused as malformed: %s", notification.id, refused)
        else:
            log.warning("giving up on notification %s: %s", notification.id, refused)
        context.shop.metrics.notifications_given_up.labels("refused").inc()
        # 403: the person blocked the bot (or the account is gone): recorded, no news again.
        blocked = isinstance(refused, Forbidden)
        await context.run(outbox.give_up, notification, error=str(refused), blocked=blocked)
    except TelegramError as failed:
        if may_have_arrived(failed):
            await _unanswered(context, notification, failed)
        else:
            await _later(context, notification, outbox.backoff(notification.attempts), str(failed))
    except Exception as broken:
        # Not from Telegram: raised before any call left (wording the message, waiting for the
        # send budget), so nothing can have arrived.
        log.error("notification %s could not be sent: %r", notification.id, broken, exc_info=broken)
        await _later(context, notification, outbox.backoff(notification.attempts), repr(broken))
    else:
        await _mark_delivered(context, notification)


async def _unanswered(context: ShopContext, notification: Notification, error: Exception) -> None:
    """Telegram may have taken the message though no answer came: not again for a while,
    and not more than once again."""
    context.shop.metrics.notifications_unanswered.inc()
    why = f"no answer: {type(error).__name__}: {error}"
    if await context.run(outbox.unanswered, notification, error=why):
        _given_up_unanswered(context, notification)
    else:
        log.warning(
            "notification %s got no answer (%s) and may have arrived; one more try in %s",
            notification.id,
            error,
            outbox.UNANSWERED_WAIT,
        )


def _given_up_unanswered(context: ShopContext, notification: Notification) -> None:
    """Loudly: the reader may have this message twice, once or not at all, and gets no more."""
    context.shop.metrics.notifications_given_up.labels("unanswered").inc()
    log.error(
        "notification %s (%s to chat %s) given up: %s sends got no answer from Telegram and "
        "may have arrived; it is not sent again",
        notification.id,
        notification.kind.value,
        notification.chat_id,
        notification.unsure_sends,
    )


async def _mark_delivered(context: ShopContext, notification: Notification) -> None:
    """The message is out: record it, however long the database takes to come back (within
    the lease). Giving up here would let the lease run out and the message go a second time."""
    marked = await patiently(
        lambda: context.run(outbox.delivered, notification),
        failures=(Exception,),  # the database is away: the send stands, only its record waits
        patience=outbox.LEASE.total_seconds(),
        first_pause=0.1,
        longest_pause=5.0,
        waiting=lambda _pause: log.warning(
            "notification %s was sent; recording it waits for the database", notification.id
        ),
    )
    if not marked:
        log.error("notification %s was sent after its lease was lost", notification.id)


def _chat_gone(error: BadRequest) -> bool:
    """The chat is gone for good (deleted, or the bot was removed): nobody to tell."""
    return any(
        words in str(error).lower()
        for words in ("chat not found", "user not found", "peer_id_invalid", "bot was kicked")
    )


async def _later(
    context: ShopContext, notification: Notification, after: timedelta, error: str
) -> None:
    assert notification.id is not None
    log.info("notification %s will be retried in %s: %s", notification.id, after, error)
    await context.run(outbox.retry_later, notification, after=after, error=error)


MAX_BATCHES_PER_ROUND = 20


async def send_due(context: ShopContext) -> None:
    """One round: claim what is due and send it, different chats at once, again while there
    is more (each chat's next message becomes due once the one before it is delivered); one
    failure stops no other."""
    for _ in range(MAX_BATCHES_PER_ROUND):
        claimed = await context.run(outbox.claim_due)
        for abandoned in claimed.given_up:  # the lease of a second send ran out: no third
            _given_up_unanswered(context, abandoned)
        due = claimed.to_send
        if not due and not claimed.given_up:
            return
        # At most one per chat is due at a time (the next waits for it), so sending them all
        # at once keeps each chat's order; the rate limiter keeps Telegram's pace.
        results = await asyncio.gather(
            *(send_one(context, notification) for notification in due), return_exceptions=True
        )
        for notification, result in zip(due, results, strict=True):
            if isinstance(result, Exception):
                log.error("notification %s: %r", notification.id, result, exc_info=result)


class SenderWaker:
    """Sends what a use case queued as soon as it commits, instead of at the next poll.

    `wake` may be called from any thread (use cases run in worker threads); wakes that arrive
    while a round is already scheduled join it. Polling stays, for rows other workers queued
    and for retries."""

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        self._application = application
        self._loop = asyncio.get_running_loop()
        self._pending = False

    def wake(self) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is closed: the bot is stopping
            # A context of its own: the sender's work belongs to no update being handled.
            self._loop.call_soon_threadsafe(self._schedule, context=contextvars.Context())

    def _schedule(self) -> None:
        job_queue = self._application.job_queue
        if self._pending or job_queue is None or not self._application.running:
            return
        self._pending = True
        job_queue.run_once(self._round, 0, name=WAKE_JOB)

    async def _round(self, context: ShopContext) -> None:
        self._pending = False
        await send_due(context)
