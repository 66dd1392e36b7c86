"""Money is an integer count of the currency's minor unit; never a float."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from bot.domain.errors import InvalidInput
from bot.domain.text import said

# Active ISO 4217 codes; the exponent is 2 unless listed below.
ISO_4217 = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
    BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
    GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR
    KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK
    MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR
    SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS
    UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
    """.split()
)
_ZERO_DECIMALS = frozenset(
    "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF".split()
)
_THREE_DECIMALS = frozenset("BHD IQD JOD KWD LYD OMR TND".split())


@dataclass(frozen=True, slots=True)
class Money:
    """A sum in a template, shown in each language's form ("3,29 €"); English "3.29 EUR"."""

    minor: int
    currency: Currency

    def __str__(self) -> str:
        return self.currency.format(self.minor)


@dataclass(frozen=True, slots=True)
class Currency:
    code: str

    def __post_init__(self) -> None:
        if self.code not in ISO_4217:
            raise ValueError(f"{self.code!r} is not an ISO 4217 currency code")

    @property
    def exponent(self) -> int:
        if self.code in _ZERO_DECIMALS:
            return 0
        if self.code in _THREE_DECIMALS:
            return 3
        return 2

    @property
    def minor_per_major(self) -> int:
        return int(10**self.exponent)

    def to_major(self, minor: int) -> Decimal:
        """Exact major-unit value, e.g. 249 EUR minor units -> Decimal('2.49')."""
        return (Decimal(minor) / self.minor_per_major).quantize(Decimal(1).scaleb(-self.exponent))

    def format(self, minor: int) -> str:
        return f"{self.to_major(minor):,} {self.code}"

    def _without_currency(self, text: str) -> str:
        """ "7,99€", "€7.99" and "2.49 EUR" are prices too; another currency is not."""
        kept = "".join(c for c in text if unicodedata.category(c) != "Sc")
        letters = "".join(c for c in kept if c.isalpha())
        if not letters:
            return kept
        if letters.upper() in ISO_4217 and letters.upper() != self.code:
            raise InvalidInput(
                said("Prices here are in {code}; write it like 2.49"), code=self.code
            )
        if letters.upper() != self.code or not (
            kept.upper().startswith(self.code) or kept.upper().endswith(self.code)
        ):
            raise InvalidInput(said("“{text}” is not a price; write it like 2.49"), text=text[:20])
        return (
            kept[len(self.code) :]
            if kept.upper().startswith(self.code)
            else kept[: -len(self.code)]
        )

    def parse(self, text: str) -> int:
        """Read a price typed in major units ("2.49", "2,49") into minor units."""
        cleaned = self._without_currency(text.strip().replace(" ", ""))
        if cleaned.count(",") == 1 and "." not in cleaned:
            cleaned = cleaned.replace(",", ".")
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            raise InvalidInput(
                said("“{text}” is not a price; write it like 2.49"), text=text.strip()[:20]
            ) from None
        if not value.is_finite() or value < 0:
            raise InvalidInput(said("A price must be zero or more, like 2.49"))
        if value > MAX_PRICE_MINOR:  # before any arithmetic: 1e999999 must not overflow
            raise InvalidInput(said("That price is too large"))
        minor = value * self.minor_per_major
        if minor != minor.to_integral_value():
            if self.exponent:
                raise InvalidInput(
                    said("{code} prices have at most {n} decimal places"),
                    code=self.code,
                    n=self.exponent,
                )
            raise InvalidInput(said("{code} prices have no decimal places"), code=self.code)
        if minor > MAX_PRICE_MINOR:
            raise InvalidInput(said("That price is too large"))
        return int(minor)


MAX_PRICE_MINOR = 10**11


def line_total(unit_price_minor: int, quantity: Decimal) -> int:
    """Price of a quantity, rounded half-up to the minor unit (0.75 kg at 4.99 -> 3.74)."""
    return int((Decimal(unit_price_minor) * quantity).quantize(Decimal(1), rounding=ROUND_HALF_UP))
