"""Where the store delivers, for how much, and from what basket.

A shop owner writes the zones on one line (SHOPKEEPS_DELIVERY_ZONES):

    75011,75012=4.90/min 15; 93*=6.90/min 30/free 60

Each zone is a list of postcodes (a trailing * makes a prefix: every postcode starting so),
then its fee, then optionally the smallest basket it takes and the basket from which it is
free. No zones: every address is delivered at the flat fee (SHOPKEEPS_DELIVERY_FEE).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.errors import DomainError, InvalidInput
from bot.domain.money import Currency, Money
from bot.domain.text import said

# Postcodes as each country writes them (the last one in an address is taken: a street
# number comes first). Elsewhere: a number of four to six digits, which most countries use.
_POSTCODE_SHAPES = {
    "GB": r"[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}",
    "NL": r"\d{4}\s?[A-Z]{2}",
    "CA": r"[A-Z]\d[A-Z]\s?\d[A-Z]\d",
    "PL": r"\d{2}-\d{3}",
    "PT": r"\d{4}-\d{3}",
    "JP": r"\d{3}-\d{4}",
    "US": r"\d{5}(?=-\d{4}\b|\b)",
    # Five digits exactly: a four-digit door code after the postcode is not taken for it.
    **dict.fromkeys(("FR", "DE", "ES", "IT"), r"\d{5}"),
}
_ANY_POSTCODE = r"\d{4,6}"
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9 -]{0,11}\*?$")
_OPTION = re.compile(r"^(?P<name>min|free)(?![a-z])\s*(?P<amount>.+)$", re.IGNORECASE)


def _compact(code: str) -> str:
    """ "SW1A 1AA" and "sw1a1aa" are the same postcode."""
    return re.sub(r"[\s-]", "", code).upper()


def postcode_in(address: str, country: str) -> str | None:
    """The postcode an address gives (compact, upper case), or None if it gives none."""
    shape = _POSTCODE_SHAPES.get(country.upper(), _ANY_POSTCODE)
    found = re.findall(rf"(?<![A-Z0-9]){shape}(?![A-Z0-9])", address.upper())
    return _compact(found[-1]) if found else None


@dataclass(frozen=True, slots=True)
class DeliveryZone:
    """Postcodes delivered at one fee; `label` is how the owner wrote them (shown to
    customers told where the store delivers)."""

    label: str
    postcodes: frozenset[str]
    prefixes: tuple[str, ...]
    fee_minor: int
    minimum_minor: int = 0
    free_from_minor: int | None = None

    def covers(self, postcode: str) -> bool:
        return postcode in self.postcodes or postcode.startswith(self.prefixes)


@dataclass(frozen=True, slots=True)
class DeliveryQuote:
    """What delivering this basket to this address costs; `zone` is None without zones."""

    fee_minor: int
    zone: DeliveryZone | None = None


class DeliveryRefused(DomainError):
    """Delivery cannot go where, or as small as, asked: the customer may change the address
    or the cart, or choose pickup."""


class OutsideDeliveryZones(DeliveryRefused):
    """The address is not in any zone: the customer is told where the store delivers."""

    def __init__(self, postcode: str | None, areas: str) -> None:
        if postcode is None:
            super().__init__(
                said(
                    "I could not find a postcode in that address. We deliver to {areas}: please "
                    "type the address with its postcode, or choose pickup instead."
                ),
                areas=areas,
            )
        else:
            super().__init__(
                said(
                    "Sorry, we do not deliver to {postcode}. We deliver to {areas}. You can "
                    "give another address, or choose pickup instead."
                ),
                postcode=postcode,
                areas=areas,
            )


class BelowDeliveryMinimum(DeliveryRefused):
    """The basket is too small for delivery to this zone: the customer is told how much more."""

    def __init__(self, postcode: str, minimum: Money, missing: Money) -> None:
        super().__init__(
            said(
                "Delivery to {postcode} starts from a basket of {minimum}: please add {missing} "
                "more to your cart, or choose pickup instead."
            ),
            postcode=postcode,
            minimum=minimum,
            missing=missing,
        )
        self.missing_minor = missing.minor


@dataclass(frozen=True, slots=True)
class DeliveryRules:
    """The store's delivery policy: its zones (none: anywhere), the flat fee used without
    zones, and the basket from which delivery is free store-wide (a zone may set its own)."""

    currency: Currency
    flat_fee_minor: int = 0
    zones: tuple[DeliveryZone, ...] = ()
    free_from_minor: int | None = None
    country: str = "GB"

    @property
    def areas(self) -> str:
        """The zones as written, for a customer told where the store delivers."""
        return "; ".join(zone.label for zone in self.zones)

    @property
    def lowest_fee_minor(self) -> int:
        """What the Delivery button says delivery costs, before an address is known."""
        return min((z.fee_minor for z in self.zones), default=self.flat_fee_minor)

    def zone_of(self, address: str) -> DeliveryZone:
        """The zone delivering to this address; OutsideDeliveryZones if none does."""
        postcode = postcode_in(address, self.country)
        for zone in self.zones:
            if postcode is not None and zone.covers(postcode):
                return zone
        raise OutsideDeliveryZones(postcode, self.areas)

    def check_address(self, address: str) -> None:
        """Refuses an address no zone covers (with zones; without, every address is fine)."""
        if self.zones:
            self.zone_of(address)

    def quote(self, address: str, subtotal_minor: int) -> DeliveryQuote:
        """The fee for this basket (items only) to this address, or why it cannot be
        delivered: outside the zones, or below the zone's minimum basket."""
        if not self.zones:
            return DeliveryQuote(
                self._fee(self.flat_fee_minor, self.free_from_minor, subtotal_minor)
            )
        zone = self.zone_of(address)
        if subtotal_minor < zone.minimum_minor:
            postcode = postcode_in(address, self.country) or ""
            raise BelowDeliveryMinimum(
                postcode,
                Money(zone.minimum_minor, self.currency),
                Money(zone.minimum_minor - subtotal_minor, self.currency),
            )
        return DeliveryQuote(self._zone_fee(zone, subtotal_minor), zone)

    def fees_for(self, subtotal_minor: int) -> set[int]:
        """The fees this basket (items only) may pay, before an address is known: the flat
        fee, or each zone's, with free delivery above its amount counted."""
        if not self.zones:
            return {self._fee(self.flat_fee_minor, self.free_from_minor, subtotal_minor)}
        return {self._zone_fee(zone, subtotal_minor) for zone in self.zones}

    def _zone_fee(self, zone: DeliveryZone, subtotal_minor: int) -> int:
        free_from = (
            zone.free_from_minor if zone.free_from_minor is not None else self.free_from_minor
        )
        return self._fee(zone.fee_minor, free_from, subtotal_minor)

    def shown_fee(self, address: str | None, subtotal_minor: int) -> int:
        """The fee a summary shows: the quote's, or the zone's own fee while a rule still
        refuses the basket (checkout refuses it before the order is placed)."""
        if address is None:
            return self.lowest_fee_minor
        try:
            return self.quote(address, subtotal_minor).fee_minor
        except BelowDeliveryMinimum:
            return self.zone_of(address).fee_minor
        except OutsideDeliveryZones:
            return self.lowest_fee_minor

    @staticmethod
    def _fee(fee_minor: int, free_from_minor: int | None, subtotal_minor: int) -> int:
        return 0 if free_from_minor is not None and subtotal_minor >= free_from_minor else fee_minor


def parse_zones(text: str, currency: Currency) -> tuple[DeliveryZone, ...]:
    """Read SHOPKEEPS_DELIVERY_ZONES; a ValueError names the part that is wrong and how to
    write it. Money may be written as the chat takes it: "4,90", "4.90 €"."""
    zones: list[DeliveryZone] = []
    seen: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        codes_text, equals, rules = part.partition("=")
        if not equals or not rules.strip():
            raise ValueError(
                f"“{part}” should look like “75011,75012=4.90” (postcodes=fee), "
                "optionally followed by /min 15 and /free 50"
            )
        codes = [_compact(code) for code in codes_text.split(",") if code.strip()]
        if not codes:
            raise ValueError(f"“{part}” names no postcode before the =")
        for code in codes:
            if not _CODE.match(code) or code == "*":
                raise ValueError(
                    f"“{code}” in “{part}” is not a postcode (like 75011) or a prefix (like 93*)"
                )
            if code in seen:
                raise ValueError(f"“{code}” is in two zones: “{seen[code]}” and “{part}”")
            seen[code] = part
        fee_text, *options = (o.strip() for o in rules.split("/"))
        fee = _money(fee_text, currency, part)
        minimum, free_from = 0, None
        for option in options:
            match = _OPTION.match(option)
            if match is None:
                raise ValueError(
                    f"“{option}” in “{part}” should be “min AMOUNT” (smallest basket) or "
                    "“free AMOUNT” (free delivery from that basket)"
                )
            amount = _money(match["amount"], currency, part)
            if match["name"].lower() == "min":
                minimum = amount
            else:
                free_from = amount
        zones.append(
            DeliveryZone(
                label=", ".join(codes),
                postcodes=frozenset(c for c in codes if not c.endswith("*")),
                prefixes=tuple(c[:-1] for c in codes if c.endswith("*")),
                fee_minor=fee,
                minimum_minor=minimum,
                free_from_minor=free_from,
            )
        )
    return tuple(zones)


def _money(text: str, currency: Currency, part: str) -> int:
    try:
        return currency.parse(text)
    except InvalidInput as problem:
        raise ValueError(f"“{text.strip()}” in “{part}”: {problem}") from None
