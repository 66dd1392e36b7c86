"""Low-stock alerts: once per crossing of an item's threshold, re-armed when stock recovers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_CEILING, Decimal

from bot.domain.catalogue import Product
from bot.domain.clock import Clock, utc_now
from bot.domain.notifications import Notification
from bot.domain.ports import UnitOfWork
from bot.domain.services.retry import retry_on_conflict
from bot.domain.services.sales import Period, sales_per_day
from bot.domain.services.staff import check_manager
from bot.domain.staff import Role
from bot.domain.stock import LowLine, LowStockAlert, MorningDigest
from bot.domain.store import Store


def manager_chats(uow: UnitOfWork) -> list[int]:
    """Every active manager who has used the bot (so has a chat to be told in)."""
    return [
        a.telegram_user_id
        for a in uow.staff.all()
        if a.active and a.role is Role.MANAGER and a.telegram_user_id is not None
    ]


def note_level(
    uow: UnitOfWork,
    product: Product,
    change: Decimal,
    level: Decimal,
    *,
    store: Store,
    at: datetime,
) -> None:
    """Called with every stock change, inside its transaction.

    A decrease (a sale or an adjustment) to or below the threshold alerts the managers, once:
    the flag flips conditionally, so two tills selling at once alert once. Rising above the
    threshold again re-arms it."""
    assert product.id is not None
    threshold = product.threshold(store.default_low_stock_threshold)
    if level > threshold:
        uow.products.rearm_low_alert(product.id)
        return
    if change >= 0 or not uow.products.mark_low_alerted(product.id):
        return
    alert = LowStockAlert(product.sku, product.name, level, product.unit.value, threshold)
    for chat_id in manager_chats(uow):
        uow.outbox.add(Notification(chat_id, alert, at))


@dataclass(frozen=True, slots=True)
class LowItem:
    product: Product
    threshold: Decimal
    sold_per_day: Decimal  # over the last 14 days
    days_of_cover: Decimal | None  # None when nothing sold lately
    suggested_reorder: Decimal


COVER_WINDOW_DAYS = 14


def _round_up_to_step(quantity: Decimal, step: Decimal) -> Decimal:
    steps = (quantity / step).to_integral_value(rounding=ROUND_CEILING)
    return steps * step


SHOWN = 40  # a chat message's worth
CANDIDATES = 400  # low items weighed for the list: every sold-out one shown, then the lowest


@dataclass(frozen=True, slots=True)
class LowList:
    items: list[LowItem]  # the most urgent, at most SHOWN
    total: int  # how many items are low in all

    @property
    def more(self) -> int:
        return self.total - len(self.items)


def low_items(*, store: Store, uow: UnitOfWork, clock: Clock = utc_now) -> LowList:
    """Items at or below their threshold (sold out first, then the shortest cover), with how
    long stock lasts at the last 14 days' pace and how much to order to get back to two weeks
    or twice the threshold. A supermarket may have thousands low: the database picks the
    candidates and counts them all, and only the candidates' sales are read."""
    now = clock()
    default = store.default_low_stock_threshold
    with uow.reading():
        products = uow.products.low(default, limit=CANDIDATES)
        total = uow.products.count_low(default) if len(products) == CANDIDATES else len(products)
        sales = uow.orders.sales_by_product(
            now - timedelta(days=COVER_WINDOW_DAYS),
            now,
            product_ids=[p.id for p in products if p.id is not None],
        )
    sold = {row.product_id: row.quantity for row in sales}
    found = []
    for product in products:
        threshold = product.threshold(default)
        if product.stock > threshold:
            continue
        per_day = sold.get(product.id or 0, Decimal(0)) / COVER_WINDOW_DAYS
        cover = (product.stock / per_day).quantize(Decimal("0.1")) if per_day else None
        target = max(threshold * 2, per_day * COVER_WINDOW_DAYS, product.step)
        reorder = _round_up_to_step(max(target - product.stock, product.step), product.step)
        found.append(LowItem(product, threshold, per_day.quantize(Decimal("0.01")), cover, reorder))
    found.sort(
        key=lambda item: (item.product.stock > 0, item.days_of_cover or 0, item.product.name)
    )
    return LowList(found[:SHOWN], total)


def low_stock_list(
    requested_by: int, *, store: Store, uow: UnitOfWork, clock: Clock = utc_now
) -> LowList:
    """/lowstock: the same list as the digest, for a manager only."""
    with uow:
        check_manager(uow, requested_by)
    return low_items(store=store, uow=uow, clock=clock)


@retry_on_conflict
def queue_daily_digest(*, store: Store, uow: UnitOfWork, clock: Clock = utc_now) -> bool:
    """Queue today's digest for every manager, once per local day whatever the number of
    bot processes: the day's row is the lock. False if it was already queued."""
    now = clock()
    day = now.astimezone(store.timezone).date()
    low = low_items(store=store, uow=uow, clock=clock)
    yesterday = Period(day - timedelta(days=1), day - timedelta(days=1), store.timezone)
    [sold] = sales_per_day(yesterday, uow=uow)
    with uow:
        if uow.digests.queued_on(day):
            return False
        uow.digests.mark_queued(day, now)
        waiting = uow.orders.count_open()
        digest = MorningDigest(
            day,
            tuple(describe(i) for i in low.items),
            low.more,
            sold.orders,
            sold.revenue_minor,
            waiting,
        )
        for chat_id in manager_chats(uow):
            uow.outbox.add(Notification(chat_id, digest, now))
        uow.commit()
        return True


def describe(item: LowItem) -> LowLine:
    product = item.product
    unit = product.unit.value
    return LowLine(
        product.sku, product.name, unit, product.stock, item.days_of_cover, item.suggested_reorder
    )
