"""The stock ledger: every change of stock on hand is a row with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum


class StockReason(StrEnum):
    RECEIVED = "received"
    SALE = "sale"
    ORDER_CANCELLED = "order_cancelled"
    COUNT_CORRECTION = "count_correction"
    DAMAGED = "damaged"
    LOST = "lost"


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
