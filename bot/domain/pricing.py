"""A price change for many items at once: by a percentage, or to one amount. Percentages are
rounded half up to the currency's smallest unit, and no price goes below zero or past the
largest a price may be."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from bot.domain.errors import InvalidInput
from bot.domain.money import MAX_PRICE_MINOR
from bot.domain.text import said

MOST_PERCENT = Decimal(1000)


@dataclass(frozen=True, slots=True)
class PriceChange:
    """`percent` (+5, -12.5) or `to_minor` (every price becomes it), exactly one of them."""

    percent: Decimal | None = None
    to_minor: int | None = None

    def __post_init__(self) -> None:
        if (self.percent is None) == (self.to_minor is None):
            raise InvalidInput(said("Give a percentage or a new price."))
        if self.percent is not None and not -100 <= self.percent <= MOST_PERCENT:
            raise InvalidInput(said("A percentage goes from -100 to +1000."))
        if self.to_minor is not None and not 0 <= self.to_minor <= MAX_PRICE_MINOR:
            raise InvalidInput(said("That price is out of range."))

    def applied(self, price_minor: int) -> int:
        if self.to_minor is not None:
            return self.to_minor
        assert self.percent is not None
        new = (Decimal(price_minor) * (100 + self.percent) / 100).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        )
        return min(max(int(new), 0), MAX_PRICE_MINOR)


def read_percent(text: str) -> Decimal:
    """ "-10", "+5", "12,5 %": a percentage as typed."""
    cleaned = text.strip().replace("%", "").replace(",", ".").replace(" ", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidInput(
            said("“{text}” is not a percentage; write it like -10 or +5"), text=text.strip()[:20]
        ) from None
    if not value.is_finite():
        raise InvalidInput(said("“{text}” is not a percentage; write it like -10 or +5"), text=text)
    return value


@dataclass(frozen=True, slots=True)
class PriceStep:
    product_id: int
    sku: str
    name: str
    old_minor: int
    new_minor: int


def fingerprint(steps: Sequence[PriceStep]) -> str:
    """What a preview showed, in a few characters: applied only if it is still so."""
    shown = "\n".join(f"{s.product_id}:{s.old_minor}:{s.new_minor}" for s in steps)
    return hashlib.sha256(shown.encode()).hexdigest()[:32]
