"""Low-stock alerts: once per crossing of an item's threshold, re-armed when stock recovers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from bot.domain.catalogue import Product
from bot.domain.notifications import Notification, NotificationKind
from bot.domain.ports import UnitOfWork
from bot.domain.staff import Role
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
    payload = {
        "sku": product.sku,
        "name": product.name,
        "level": _plain(level),
        "unit": product.unit.value,
        "threshold": _plain(threshold),
    }
    for chat_id in manager_chats(uow):
        uow.outbox.add(Notification(chat_id, NotificationKind.LOW_STOCK, payload, at))


def _plain(value: Decimal) -> str:
    return f"{value.normalize():f}"


@dataclass(frozen=True, slots=True)
class LowItem:
    product: Product
    threshold: Decimal
    sold_per_day: Decimal  # over the last 14 days
    days_of_cover: Decimal | None  # None when nothing sold lately
    suggested_reorder: Decimal
