"""Store-wide policy the use cases need, built from settings at start-up."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.domain.money import Currency


@dataclass(frozen=True, slots=True)
class Store:
    name: str
    currency: Currency
    timezone: ZoneInfo
    default_low_stock_threshold: Decimal
