"""An amount people type: a customer for the item they are looking at ("1,5 kg", "1.5 KG",
"500 g", "2"), staff for a weight they picked ("1620 g"). The one reader of unit words.

Read before the item is known (does the text look like an amount at all, or is it a search?),
then in the item's own unit: 500 g of an item sold by the kg is 0.5 kg.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from bot.domain.catalogue import Unit
from bot.domain.errors import InvalidInput
from bot.domain.quantity import MAX_QUANTITY, QUANTITY_PLACES
from bot.domain.text import Amount, UnitLabel, said

# A number (a comma or a point before its decimals), then perhaps a unit word (the longest
# known is "kilogrammes").
_AMOUNT = re.compile(r"^([+-]?)\s*(\d{1,9}(?:[.,]\d+)?)\s*([^\W\d_]{0,12})\.?$")

# What each unit measures, and how many of the measure's smallest unit one of it is.
_MEASURES: dict[Unit, tuple[str, Decimal]] = {
    Unit.KILOGRAM: ("mass", Decimal(1000)),
    Unit.GRAM: ("mass", Decimal(1)),
    Unit.LITRE: ("volume", Decimal(1000)),
    Unit.MILLILITRE: ("volume", Decimal(1)),
    Unit.METRE: ("length", Decimal(1)),
    Unit.PIECE: ("pieces", Decimal(1)),
    Unit.PACK: ("packs", Decimal(1)),
}
# Unit words as people type them, in the shipped languages, lower case.
_WORDS: dict[str, Unit] = {
    **dict.fromkeys(
        ("kg", "kgs", "kilo", "kilos", "kilogram", "kilograms", "kilogramme", "kilogrammes"),
        Unit.KILOGRAM,
    ),
    **dict.fromkeys(("кг", "кило"), Unit.KILOGRAM),
    **dict.fromkeys(("g", "gr", "grs", "gram", "grams", "gramm", "gramme", "grammes"), Unit.GRAM),
    **dict.fromkeys(("г", "гр", "грамм", "грам"), Unit.GRAM),
    **{word: Unit.LITRE for word in ("l", "lt", "liter", "litre", "litres", "litro", "л")},
    **{word: Unit.MILLILITRE for word in ("ml", "мл")},
    **{word: Unit.METRE for word in ("m", "м")},
    **{
        word: Unit.PIECE
        for word in ("pc", "pcs", "x", "pce", "pces", "stk", "st", "ud", "uds", "шт")
    },
    **{word: Unit.PACK for word in ("pack", "packs", "pkg", "уп")},
}


@dataclass(frozen=True, slots=True)
class TypedAmount:
    """What the customer typed, read as an amount: its number and the unit they named."""

    number: Decimal
    unit: Unit | None = None
    negative: bool = False

    def of(self, name: str, unit: Unit) -> Decimal:
        """The amount in the item's unit; refused, politely, when it is not one."""
        if self.negative or self.number <= 0:
            raise InvalidInput(
                said("Type an amount above zero; to take {name} out of your cart, use 🗑 in /cart."),
                name=name,
            )
        amount = self.in_unit(unit)
        if amount is None:
            raise InvalidInput(
                said("{name} is sold by the {unit}: type how much, e.g. {example}."),
                name=name,
                unit=UnitLabel(unit.value),
                example=Amount(Decimal(2), unit.value),
            )
        if amount > MAX_QUANTITY:
            raise InvalidInput(said("That quantity is too large"))
        if amount != amount.quantize(QUANTITY_PLACES):
            raise InvalidInput(said("Quantities have at most 3 decimal places"))
        return amount.quantize(QUANTITY_PLACES)

    def in_unit(self, unit: Unit) -> Decimal | None:
        """The number in `unit` (a bare number is in it already); None if the unit named
        measures something else (grams of an item sold by the piece)."""
        if self.unit is None or self.unit is unit:
            return self.number
        measure, size = _MEASURES[self.unit]
        wanted, item_size = _MEASURES[unit]
        return self.number * size / item_size if measure == wanted else None


def read_amount(text: str) -> TypedAmount | None:
    """The text as an amount ("1,5 kg", "1.5kg", "2", "-1", "500 G"), or None: it is something
    else (a search: "7up", "2 apples")."""
    found = _AMOUNT.match(text.strip())
    if found is None:
        return None
    sign, number, word = found.groups()
    unit = None
    if word:
        unit = _WORDS.get(word.casefold())
        if unit is None:
            return None
    return TypedAmount(Decimal(number.replace(",", ".")), unit, negative=sign == "-")
