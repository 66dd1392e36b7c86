"""The stock ledger: every change of stock on hand is a row with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from bot.domain.catalogue import Product
from bot.domain.store import Store


class StockReason(StrEnum):
    RECEIVED = "received"
    SALE = "sale"
    ORDER_CANCELLED = "order_cancelled"
    COUNT_CORRECTION = "count_correction"
    DAMAGED = "damaged"
    LOST = "lost"


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


# The words people use for those reasons, each read as the reason it means.
ADJUSTMENT_WORDS = {
    **{r.value: r for r in MANUAL_ADJUSTMENT_REASONS},
    **dict.fromkeys(
        ("broken", "break", "smashed", "spoiled", "spoilt", "expired", "off", "crushed"),
        StockReason.DAMAGED,
    ),
    **dict.fromkeys(("missing", "stolen", "theft", "gone"), StockReason.LOST),
    **dict.fromkeys(
        ("count", "counted", "correction", "recount", "correct", "fix", "inventory"),
        StockReason.COUNT_CORRECTION,
    ),
    # The shipped languages' words (staff type their own; accents are optional).
    **dict.fromkeys(
        (
            "beschädigt",
            "beschaedigt",
            "kaputt",
            "abgelaufen",
            "endommagé",
            "endommage",
            "cassé",
            "casse",
            "périmé",
            "perime",
            "dañado",
            "danado",
            "roto",
            "caducado",
            "повреждено",
            "испорчено",
            "разбито",
            "пошкоджено",
            "зіпсовано",
            "розбито",
        ),
        StockReason.DAMAGED,
    ),
    **dict.fromkeys(
        (
            "verloren",
            "fehlt",
            "gestohlen",
            "perdu",
            "volé",
            "vole",
            "perdido",
            "robado",
            "потеряно",
            "украдено",
            "втрачено",
            "вкрадено",
        ),
        StockReason.LOST,
    ),
    **dict.fromkeys(
        (
            "korrektur",
            "inventur",
            "gezählt",
            "gezaehlt",
            "correction",
            "inventaire",
            "compté",
            "compte",
            "corrección",
            "correccion",
            "inventario",
            "contado",
            "коррекция",
            "инвентаризация",
            "пересчёт",
            "пересчет",
            "корекція",
            "інвентаризація",
            "перерахунок",
        ),
        StockReason.COUNT_CORRECTION,
    ),
}


def adjustment_reason(word: str) -> StockReason | None:
    """The reason a word given to /adjust means, if any ("broken" is damaged)."""
    return ADJUSTMENT_WORDS.get(word.strip().lower().replace("-", "_"))


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
