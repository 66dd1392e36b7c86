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
