"""VAT rates and the VAT contained in tax-included prices.

Prices are shown and charged as the store sets them, tax included. A receipt (and the report)
states, per rate, how much VAT those amounts contain. The rule, the usual one for
tax-included receipts: add up the tax-included amounts sold at one rate, then take the VAT out
of that total once,

    VAT = round_half_up(gross × rate / (100 + rate))   in the currency's minor unit,

so each rate's line adds up (net + VAT = gross exactly) and a receipt's VAT is not a sum of
per-line roundings (which drift by a cent per line). Rates are exact decimals (5.5 %, 20 %),
never floats; they have at most two decimal places.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from bot.domain.errors import InvalidInput
from bot.domain.text import said

MAX_VAT_RATE = Decimal("99.99")
_HUNDREDTH = Decimal("0.01")


def check_vat_rate(rate: Decimal) -> Decimal:
    """A rate as kept: 0 to 99.99 %, at most two decimal places (5.5, 20, 2.1, 8.1)."""
    if not rate.is_finite() or not 0 <= rate <= MAX_VAT_RATE:
        raise InvalidInput(said("A VAT rate is a percentage from 0 to 99.99, like 20 or 5.5"))
    if rate != rate.quantize(_HUNDREDTH):
        raise InvalidInput(said("A VAT rate has at most two decimal places, like 5.5"))
    return rate.quantize(_HUNDREDTH)


def parse_vat_rate(text: str) -> Decimal:
    """A rate as people type it: "20", "5,5", "5.5 %", " 5,5% "."""
    cleaned = text.strip().replace(" ", "").removesuffix("%")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        rate = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidInput(
            said("“{text}” is not a VAT rate; write it like 20 or 5,5"), text=text.strip()[:20]
        ) from None
    return check_vat_rate(rate)


def rate_text(rate: Decimal) -> str:
    """A rate without trailing zeros, as an English number: 20, 5.5, 2.1 (never 2E+1)."""
    text = f"{rate.quantize(_HUNDREDTH):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def vat_in_gross(gross_minor: int, rate: Decimal) -> int:
    """The VAT contained in a tax-included amount, rounded half up to the minor unit."""
    exact = Decimal(gross_minor) * rate / (100 + rate)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True, slots=True)
class VatAtRate:
    """What was sold at one rate: its tax-included total and the VAT that total contains."""

    rate: Decimal
    gross_minor: int
    vat_minor: int

    @property
    def net_minor(self) -> int:
        return self.gross_minor - self.vat_minor


def vat_by_rate(amounts: Iterable[tuple[Decimal, int]]) -> list[VatAtRate]:
    """(rate, tax-included amount) pairs, one per line, into one entry per rate, lowest rate
    first; VAT taken once per rate total (see the module's rule)."""
    totals: dict[Decimal, int] = defaultdict(int)
    for rate, gross_minor in amounts:
        totals[rate.quantize(_HUNDREDTH)] += gross_minor
    return [
        VatAtRate(rate, gross, vat_in_gross(gross, rate)) for rate, gross in sorted(totals.items())
    ]


def add_up(receipts: Iterable[list[VatAtRate]]) -> list[VatAtRate]:
    """Several receipts' VAT per rate, summed as each receipt stated it (a period's VAT is
    what its receipts said, to the cent, not a second rounding of the period's totals)."""
    gross: dict[Decimal, int] = defaultdict(int)
    vat: dict[Decimal, int] = defaultdict(int)
    for receipt in receipts:
        for entry in receipt:
            gross[entry.rate] += entry.gross_minor
            vat[entry.rate] += entry.vat_minor
    return [VatAtRate(rate, gross[rate], vat[rate]) for rate in sorted(gross)]
