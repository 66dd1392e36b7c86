"""Quantities are Decimals: items sold by the piece and by weight share one code path."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from bot.domain.errors import InvalidInput
from bot.domain.text import Amount, said

QUANTITY_PLACES = Decimal("0.001")
MAX_QUANTITY = Decimal("1000000")


def parse_quantity(text: str) -> Decimal:
    """Read a typed quantity ("2", "0.5", "0,75", "+3", "-1")."""
    cleaned = text.strip().replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidInput(
            said("“{text}” is not a quantity; write it like 2 or 0.5"), text=text.strip()[:20]
        ) from None
    if not value.is_finite():
        raise InvalidInput(said("“{text}” is not a quantity"), text=text.strip()[:20])
    if abs(value) > MAX_QUANTITY:  # before any arithmetic: 1e999 must not reach quantize
        raise InvalidInput(said("That quantity is too large"))
    if value != value.quantize(QUANTITY_PLACES):
        raise InvalidInput(said("Quantities have at most 3 decimal places"))
    return value.quantize(QUANTITY_PLACES)


def is_multiple_of(quantity: Decimal, step: Decimal) -> bool:
    return step > 0 and quantity % step == 0


def check_step(quantity: Decimal, step: Decimal, unit: str) -> None:
    """Refuse quantities that are not a whole number of steps (0.25 kg steps: 0.3 is refused)."""
    if not is_multiple_of(quantity, step):
        raise InvalidInput(said("This item is sold in steps of {step}"), step=Amount(step, unit))


def format_quantity(quantity: Decimal, unit: str) -> str:
    """'2 pc', '0.75 kg' — no trailing zeros, no exponent."""
    return str(Amount(quantity, unit))
