"""Pay-at-pickup orders nobody collects: how long they hold the stock they took.

An order paid at the counter holds its items from the moment it is placed. If nobody comes,
they go back on sale once the store's pickup day is over (its last closing time that local
date) and the store's grace (SHOPKEEPS_PICKUP_GRACE_HOURS) has passed too: one customer, or
one who forgot, cannot keep them off the shelf for ever.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from bot.domain.orders import CancelReason, FulfilmentKind, Order, OrderStatus
from bot.domain.payments import PaymentMethod
from bot.domain.store import Store

# The reason kept with the cancellation (a code), shown to the customer in their language.
NOT_PICKED_UP = CancelReason.NOT_PICKED_UP
# Statuses in which the items wait for the customer (a completed order was collected).
WAITING = (OrderStatus.PLACED, OrderStatus.ACCEPTED, OrderStatus.READY)


def pickup_day_ends(day: date, store: Store) -> datetime:
    """When the store's day ends: its last closing time on this local date, or the midnight
    after it on a day it does not open (a holiday declared after the order was placed)."""
    closings = [closes for _, closes in store.hours.on(day)]
    if not closings:
        return datetime.combine(day + timedelta(days=1), time(0), store.timezone)
    return datetime.combine(day, max(closings), store.timezone)


def uncollected_before(now: datetime, store: Store) -> datetime:
    """Pickups booked before this instant (UTC) are for days that ended, grace included, by
    `now`: it is the start of the local day after the latest such day.

    The end of a later day is never earlier than that of an earlier one, so every day up to
    that one has ended too, and one comparison finds all the orders it concerns. The grace
    is real hours (a night the clocks change is not an hour longer or shorter for it)."""
    today = now.astimezone(store.timezone).date()
    # A day ends by the midnight after it, so one this many days back has always ended.
    day = today
    for offset in range(store.pickup_grace.days + 3):
        day = today - timedelta(days=offset)
        if pickup_day_ends(day, store).astimezone(UTC) + store.pickup_grace <= now:
            break
    return datetime.combine(day + timedelta(days=1), time(0), store.timezone).astimezone(UTC)


def is_uncollected(order: Order, now: datetime, store: Store) -> bool:
    """Whether this order is a pay-at-pickup one still waiting after its day and the grace
    (one paid already is the customer's: it waits for them)."""
    slot = order.fulfilment.pickup_slot
    return (
        order.fulfilment.kind is FulfilmentKind.PICKUP
        and order.payment.method is PaymentMethod.ON_HANDOVER
        and not order.payment.is_paid
        and order.status in WAITING
        and slot is not None
        and slot < uncollected_before(now, store)
    )
