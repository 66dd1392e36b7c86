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
from datetime import datetime, timedelta
from decimal import Decimal
from html import escape as esc
from typing import Any

from telegram import InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import Application

from bot.domain.notifications import Notification, NotificationKind
from bot.domain.orders import OrderStatus, cancel_reason
from bot.domain.services import outbox
from bot.domain.store import Store
from bot.handlers import backups, news, questions, ratings, receipts, waiting
from bot.handlers.button_kinds import ItemCard, MyOrder, OrderAction
from bot.handlers.context import ShopContext
from bot.handlers.fit import CAPTION, fit
from bot.handlers.low_stock import digest_text
from bot.handlers.order_queue import new_order_keyboard
from bot.handlers.patience import patiently
from bot.handlers.payment_views import amount_in, payment_note
from bot.handlers.picking import render_picked
from bot.handlers.pickup_qr import handover_link, qr_png
from bot.handlers.views import (
    STATUS_NEWS,
    button,
    delivery_code_line,
    pickup_code_line,
    reason_text,
    slot_label,
    window_label,
)
from bot.i18n import Texts
from bot.send_budget import Priority
from bot.transport import may_have_arrived

log = logging.getLogger(__name__)
JOB_NAME = "outbox-sender"
WAKE_JOB = "outbox-sender-woken"
LEASE_RENEWAL = outbox.LEASE / 3


def render(
    notification: Notification, store: Store, t: Texts
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Word a queued notification in its reader's language; the payload holds facts."""
    payload = notification.payload
    code = esc(payload.get("order_code", ""))
    if notification.kind is NotificationKind.ORDER_STATUS:
        status = OrderStatus(payload["status"])
        lines = ["📦 " + t(STATUS_NEWS[status], code=f"<b>{code}</b>")]
        if payload.get("reason"):
            lines.append(t("Reason: {reason}", reason=reason_text(t, payload["reason"])))
        if payload.get("pickup_code"):
            lines.append(pickup_code_line(t, payload["pickup_code"]))
        elif payload.get("delivery_code"):  # told, not scanned: no QR image
            lines.append(delivery_code_line(t, payload["delivery_code"]))
        if status is OrderStatus.CANCELLED:
            if payload.get("payment") == "paid":
                lines.append("↩️ " + t("The store will refund your payment."))
        elif note := payment_note(t, payload, store):
            lines.append(note)
        view = MyOrder(OrderAction.VIEW, payload.get("order_code", ""))
        return "\n".join(lines), InlineKeyboardMarkup([[button(t("View order"), view)]])
    if notification.kind is NotificationKind.ORDER_PICKED:
        return render_picked(t, payload, store)
    if notification.kind is NotificationKind.ORDER_PLACED:
        keyboard = new_order_keyboard(t, payload.get("order_code", ""))
        return new_order_text(payload, store, t), keyboard
    if notification.kind is NotificationKind.LOW_STOCK:
        name, sku = esc(payload["name"]), esc(payload["sku"])
        restock = t("/restock {sku} QTY when it arrives.", sku=sku)
        if Decimal(payload["level"] or "0") <= 0:
            return "🔴 " + t(
                "Sold out: <b>{name}</b> ({sku}).", name=name, sku=sku
            ) + f" {restock}", None
        low = t(
            "Low stock: <b>{name}</b> ({sku}) is down to {level} (threshold {threshold}).",
            name=name,
            sku=sku,
            level=t.quantity(Decimal(payload["level"]), payload["unit"]),
            threshold=t.quantity(Decimal(payload["threshold"]), payload["unit"]),
        )
        return f"⚠️ {low} {restock}", None
    if notification.kind is NotificationKind.DIGEST:
        return digest_text(t, payload, store), None
    if notification.kind is NotificationKind.BACK_IN_STOCK:
        item = ItemCard(int(payload.get("product_id", "0")))
        back = t("<b>{name}</b> is back in stock.", name=esc(payload.get("name", "")))
        return f"🔔 {back}", InlineKeyboardMarkup([[button(t("Open it"), item)]])
    if notification.kind is NotificationKind.REFUND_DUE:
        refund = t(
            "<b>Refund due: {amount}</b> for order <b>{code}</b> ({reason}). Refund it in your "
            "payment provider's dashboard; the customer has been told the store will.",
            amount=amount_in(t, payload, "amount_minor", store),
            code=code,
            reason=_refund_reason(t, payload.get("reason", "")),
        )
        return f"↩️ {refund}", None
    if notification.kind in news.KINDS:
        return news.render(t, notification, store)
    if notification.kind in (NotificationKind.QUESTION, NotificationKind.ANSWER):
        return questions.render(t, notification)
    if notification.kind is NotificationKind.ACCOUNT_SWITCHED_OFF:
        off = t(
            "Your staff account <b>{username}</b> was switched off by a manager: you are "
            "logged out. You can still order here as a customer.",
            username=esc(payload.get("username", "")),
        )
        return off, None
    if notification.kind is NotificationKind.BACKUP_FAILED:
        return backups.render_failure(notification, t), None
    if notification.kind is NotificationKind.UNSEEN:
        return waiting.render_unseen(t, notification, store)
    if notification.kind is NotificationKind.RATE_ORDER:
        return ratings.render(t, notification)
    if notification.kind is NotificationKind.ORDER_CANCELLED:
        who = esc(payload.get("customer") or t("the customer"))
        return "❌ " + t("Order <b>{code}</b> was cancelled by {who}.", code=code, who=who), None
    return esc(payload.get("text", notification.kind.value)), None


def _refund_reason(t: Texts, kept: str) -> str:
    """A cancellation's reason (a code, or as staff typed it), or the store's own marked words
    for money that paid for nothing ("paid twice")."""
    if not kept:
        return ""
    return reason_text(t, kept) if cancel_reason(kept) else esc(t(kept))


def new_order_text(facts: dict[str, str], store: Store, t: Texts) -> str:
    """Everything needed to start on the order from the alert itself (older alerts, queued
    before these facts were kept, show what they have)."""
    order = esc(facts.get("order_code", ""))
    heading = (
        t("New order <b>{code}</b> from <b>{name}</b>", code=order, name=esc(facts["customer"]))
        if facts.get("customer")
        else t("New order <b>{code}</b>", code=order)
    )
    lines = [f"🆕 {heading}"]
    for item in filter(None, facts.get("items", "").split("\n")):
        amount, _, name = item.partition("\t")
        lines.append(f"• {esc(name)} — {esc(_amount(t, amount))}")
    if facts.get("total_minor"):
        lines.append(t("Total: {total}", total=amount_in(t, facts, "total_minor", store)))
    if facts.get("address"):
        lines.append("🚚 " + t("Deliver to {address}", address=esc(facts["address"])))
        if facts.get("delivery_from") and facts.get("delivery_until"):
            window = (
                datetime.fromisoformat(facts["delivery_from"]),
                datetime.fromisoformat(facts["delivery_until"]),
            )
            lines.append(
                "🕐 " + t("Delivery time: {window}", window=window_label(t, window, store))
            )
    elif facts.get("pickup_slot"):
        slot = slot_label(t, datetime.fromisoformat(facts["pickup_slot"]), store)
        lines.append("🏪 " + t("Pickup {when}", when=slot))
    if facts.get("note"):
        lines.append(f"📝 {esc(facts['note'])}")
    if note := payment_note(t, facts, store):
        lines.append(note)
    return "\n".join(lines)


def _amount(t: Texts, kept: str) -> str:
    """An alert's "2.5 kg", kept as English wrote it, in the reader's form ("2,5 kg")."""
    number, _, unit = kept.partition(" ")
    try:
        return t.quantity(Decimal(number), unit)
    except ArithmeticError:
        return kept


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
    text, keyboard = render(notification, context.shop.store, texts)
    heartbeat = asyncio.create_task(_keep_lease(context, notification))
    pickup_code = notification.payload.get("pickup_code")
    # Notifications yield to replies within the bot's one budget; paid broadcasts, when the
    # store opted in, have their own and much larger one.
    extra: dict[str, Any] = {"rate_limit_args": Priority.NOTIFICATION}
    if context.shop.settings.paid_broadcast:
        extra["allow_paid_broadcast"] = True
    try:
        if notification.kind in receipts.KINDS:
            await receipts.send(context, notification, texts, **extra)
        elif notification.kind is NotificationKind.ANNOUNCEMENT and notification.payload.get(
            "photo"
        ):
            await context.bot.send_photo(
                notification.chat_id,
                notification.payload["photo"],
                caption=fit(text, CAPTION),
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard,
                **extra,
            )
        elif notification.kind is NotificationKind.ORDER_STATUS and pickup_code:
            # The code with its QR image: staff scan it to hand the order over.
            link = handover_link(context.bot.username, pickup_code)
            await context.bot.send_photo(
                notification.chat_id,
                qr_png(link),
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
