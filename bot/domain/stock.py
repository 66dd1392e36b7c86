"""The stock ledger: every change of stock on hand is a row with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar

from bot.domain.catalogue import Product
from bot.domain.notifications import Facts, NotificationKind
from bot.domain.store import Store
from bot.domain.text import said
from bot.domain.vocabulary import ADJUST_REASONS, AdjustReason


class StockReason(StrEnum):
    RECEIVED = "received"
    SALE = "sale"
    ORDER_CANCELLED = "order_cancelled"
    COUNT_CORRECTION = "count_correction"
    DAMAGED = "damaged"
    LOST = "lost"
    PICKING = "picking"  # an order's line picked otherwise than ordered (bot.domain.picking)


def shown_stock(product: Product, level: Decimal, store: Store) -> Decimal | None:
    """A stock level as customers' browse screens show it: the level itself wherever it
    shows or counts (sold out; "only 3 left" at or below the item's threshold; fewer than
    twice the per-order limit in steps, where one order may hold at most half of what is
    left and the card's ➕ stops there: bot.domain.cart.most_per_order); None above all of
    those, where every level looks the same ("in stock", ➕ up to the per-order limit).

    A stock move changes the catalogue's version only when this changes: a busy shop's
    sales of well-stocked items leave every worker's screens as they are, and never queue
    behind one another on the version's rows."""
    threshold = product.threshold(store.default_low_stock_threshold)
    plenty = level > threshold and level // product.step >= 2 * store.max_per_item
    return None if plenty else level


# Reasons staff may give by hand with /adjust; sales and cancellations come from orders only.
MANUAL_ADJUSTMENT_REASONS = frozenset(
    {StockReason.DAMAGED, StockReason.LOST, StockReason.COUNT_CORRECTION}
)


# The hand-given reasons' names, as replies and refusals show them (translated where shown).
REASON_NAMES = {
    StockReason.DAMAGED: said("damaged"),
    StockReason.LOST: said("lost"),
    StockReason.COUNT_CORRECTION: said("count correction"),
}


# What moved stock, as the history and the replies of every adapter name it.
MOVE_NAMES = {
    StockReason.RECEIVED: said("received"),
    StockReason.SALE: said("sale"),
    StockReason.ORDER_CANCELLED: said("order cancelled"),
    StockReason.COUNT_CORRECTION: said("count correction"),
    StockReason.DAMAGED: said("damaged"),
    StockReason.LOST: said("lost"),
    StockReason.PICKING: said("picking"),
}


def adjustment_reason(word: str) -> StockReason | None:
    """The reason a word given to /adjust means, in any shipped language, whatever its case
    and accents ("broken" and "Pourri" are damaged): see bot.domain.vocabulary."""
    meaning = ADJUST_REASONS.meaning_of(word.replace("-", "_"))
    return None if meaning is None else StockReason(meaning.value)


def adjustment_words(language: str) -> list[str]:
    """The reasons /adjust takes, in the reader's words (for its usage line)."""
    return ADJUST_REASONS.words_for(language, tuple(AdjustReason))


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    product_id: int
    reason: StockReason
    change: Decimal
    resulting_level: Decimal
    at: datetime
    actor: str
    note: str = ""
    order_id: int | None = None
    id: int | None = None


# ----------------------------------------------------------------------- what stock tells


@dataclass(frozen=True, slots=True)
class BackInStockNews(Facts):
    """To a customer who asked to be told: the item is on sale again."""

    KIND: ClassVar[NotificationKind] = NotificationKind.BACK_IN_STOCK
    product_id: int
    name: str
    sku: str


@dataclass(frozen=True, slots=True)
class LowStockAlert(Facts):
    """To the managers: an item went down to its threshold (or sold out)."""

    KIND: ClassVar[NotificationKind] = NotificationKind.LOW_STOCK
    sku: str
    name: str
    level: Decimal
    unit: str
    threshold: Decimal


@dataclass(frozen=True, slots=True)
class LowLine:
    """One low item in a list to reorder from (the morning digest's, /lowstock's)."""

    sku: str
    name: str
    unit: str
    stock: Decimal
    cover: Decimal | None  # days the stock lasts at the last weeks' pace; None: no recent sales
    reorder: Decimal


@dataclass(frozen=True, slots=True)
class MorningDigest(Facts):
    """To the managers, once a day: yesterday's trade, the orders waiting, what to reorder
    (digests queued before the first two were kept have only the list)."""

    KIND: ClassVar[NotificationKind] = NotificationKind.DIGEST
    day: date
    items: tuple[LowLine, ...]  # the most urgent
    more: int = 0  # low items left out of the list
    yesterday_orders: int | None = None
    yesterday_revenue_minor: int | None = None
    open_orders: int | None = None
