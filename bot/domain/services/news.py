"""A customer's news: asked once, changed with /news, turned off from any news message; and
the one gentle reminder of a cart left for a day (bot.domain.news)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from bot.domain.clock import Clock, utc_now
from bot.domain.news import (
    CART_IDLE,
    AnnouncementNews,
    CartReminder,
    NewsChoice,
    Outcome,
    gentle_hour,
)
from bot.domain.notifications import ItemAmount, Notification
from bot.domain.ports import UnitOfWork
from bot.domain.services.customers import CustomerRef, identify
from bot.domain.services.retry import retry_on_conflict
from bot.domain.store import Store

REMINDERS_PER_ROUND = 50  # a round is one transaction; the next round takes the rest


@dataclass(frozen=True, slots=True)
class Unsubscribed:
    was_on: bool  # False: news was already off (a second tap, or never on)


def news_choice(customer: CustomerRef, *, uow: UnitOfWork) -> NewsChoice:
    """What this person chose (news off if they never did)."""
    with uow.reading():
        found = uow.customers.get_by_telegram_id(customer.telegram_user_id)
        choice = uow.news.choice(found.id) if found and found.id is not None else None
        return choice or NewsChoice()


@retry_on_conflict
def choose_news(
    customer: CustomerRef, wants: bool, *, uow: UnitOfWork, clock: Clock = utc_now
) -> NewsChoice:
    """Their answer, from the question after their first order or from /news."""
    at = clock()
    with uow:
        who = identify(uow, customer, lock=True)
        assert who.id is not None
        uow.news.choose(who.id, wants, at)
        choice = uow.news.choice(who.id)
        uow.commit()
    assert choice is not None
    return choice


@retry_on_conflict
def ask_about_news(customer: CustomerRef, *, uow: UnitOfWork, clock: Clock = utc_now) -> bool:
    """Whether to ask this customer now: once in their life, and only if they never chose
    (with /news) before. Recorded here, so a second worker or a later order does not ask."""
    with uow:
        found = uow.customers.get_by_telegram_id(customer.telegram_user_id)
        if found is None or found.id is None:
            return False
        asked = uow.news.ask_once(found.id, clock())
        uow.commit()
        return asked


@retry_on_conflict
def unsubscribe(
    customer: CustomerRef, announcement_id: int, *, uow: UnitOfWork, clock: Clock = utc_now
) -> Unsubscribed:
    """The Unsubscribe button under a news message (announcement 0: a cart reminder): news
    off for whoever pressed it, never for anyone the button names. Pressed again, nothing
    changes; an announcement counts each person's unsubscribing once."""
    at = clock()
    with uow:
        who = identify(uow, customer, lock=True)
        assert who.id is not None
        was_on = uow.news.unsubscribe(who.id, at)
        if announcement_id:
            uow.announcements.mark_unsubscribed(announcement_id, who.id, at)
        uow.commit()
        return Unsubscribed(was_on)


def record_outcome(
    uow: UnitOfWork, notification: Notification, outcome: Outcome, at: datetime
) -> None:
    """Inside the sender's transaction: what became of a news message. A refusal because
    the person blocked the bot is remembered for every later announcement and reminder."""
    if outcome is Outcome.BLOCKED:
        uow.news.mark_blocked(notification.chat_id, at)
    if isinstance(news := notification.facts, AnnouncementNews):
        uow.announcements.record(news.announcement_id, news.customer_id, outcome)


@retry_on_conflict
def remind_idle_carts(
    *, store: Store, uow: UnitOfWork, clock: Clock = utc_now, limit: int = REMINDERS_PER_ROUND
) -> int:
    """One round of the repeating job: each cart left for CART_IDLE by a customer who wants
    news is reminded of once, listing what is still on sale (archived and sold-out items
    left out; a cart with none of them is passed over, as reminded). Any worker may run it:
    the mark on each cart lets one of them queue its reminder. How many were queued."""
    now = clock()
    if not gentle_hour(now, store.timezone):
        return 0
    queued = 0
    with uow:
        for cart in uow.news.idle_carts(now - CART_IDLE, limit=limit):
            if not uow.news.mark_reminded(cart.customer_id, cart.changed_at):
                continue  # another worker took it, or the cart changed meanwhile
            items = tuple(
                ItemAmount(line.quantity, item.unit.value, item.name)
                for line, item in uow.carts.lines_with_items(cart.customer_id)
                if item.active and item.stock > Decimal(0)
            )
            if not items:
                continue
            uow.outbox.add(Notification(cart.telegram_user_id, CartReminder(items), now))
            queued += 1
        uow.commit()
    return queued


def cart_changed(uow: UnitOfWork, customer_id: int, at: datetime | None = None) -> None:
    """Inside a use case that changes a cart: it is a new cart, reminded of afresh."""
    uow.news.cart_changed(customer_id, at or utc_now())
