"""Products of the store."""

from __future__ import annotations

import functools
import hashlib
import operator
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher
from enum import StrEnum
from typing import Any, TypeGuard

from bot.domain.errors import InvalidInput
from bot.domain.money import MAX_PRICE_MINOR
from bot.domain.offers import OfferPrice
from bot.domain.quantity import MAX_QUANTITY, is_multiple_of
from bot.domain.text import one_line, said, without_controls
from bot.domain.vat import check_vat_rate

SKU_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,31}$")
MAX_NAME = 120
MAX_CATEGORY = 60
MAX_DESCRIPTION = 1000


class Unit(StrEnum):
    PIECE = "pc"
    KILOGRAM = "kg"
    GRAM = "g"
    LITRE = "l"
    MILLILITRE = "ml"
    METRE = "m"
    PACK = "pack"

    @classmethod
    def parse(cls, text: str) -> Unit:
        try:
            return cls(text.strip().lower())
        except ValueError:
            units = ", ".join(u.value for u in cls)
            raise InvalidInput(
                said("Unknown unit “{unit}”; use one of {units}"), unit=text.strip(), units=units
            ) from None


def normalise_sku(text: str) -> str:
    """SKUs compare case-insensitively, so they are stored upper-case."""
    sku = text.strip().upper()
    if not SKU_PATTERN.match(sku):
        raise InvalidInput(
            said("“{sku}” is not a valid SKU: use 1-32 letters, digits, '.', '-' or '_'"),
            sku=text.strip(),
        )
    return sku


def search_key(*parts: str) -> str:
    """Case- and accent-insensitive text for searching ("Crème Brûlée" -> "creme brulee")."""
    text = " ".join(parts).casefold()
    if text.isascii():
        return text  # nothing to strip
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def suggest_sku(name: str) -> str:
    """An SKU staff can accept as is: the name's words, upper-case, dash-joined."""
    words = re.findall(r"[A-Z0-9]+", search_key(name).upper())
    return "-".join(words)[:32].strip("-") or "ITEM"


@dataclass(slots=True)
class Product:
    sku: str
    name: str
    category: str
    unit: Unit
    step: Decimal
    price_minor: int
    description: str = ""
    low_stock_threshold: Decimal | None = None
    active: bool = True
    # A Telegram file id, or a web address (from a catalogue file) until Telegram has fetched
    # it once and given its file id (`is_web_photo`).
    photo_file_id: str | None = None
    stock: Decimal = Decimal(0)
    vat_rate: Decimal | None = None  # percent; None: the store's default (bot.domain.vat)
    id: int | None = field(default=None)
    # The web address the photo was fetched from (the catalogue file's), kept beside the file
    # id Telegram gave: the same address imported again keeps that photo.
    photo_address: str | None = None
    # The offer it is sold under at the moment it was priced (bot.domain.offers.priced); never
    # stored with the item. None: its list price stands.
    offer: OfferPrice | None = None

    def __post_init__(self) -> None:
        self.sku = normalise_sku(self.sku)
        self.name = clean_name(self.name)
        self.category = clean_category(self.category)
        self.description = clean_description(self.description)
        if self.step <= 0 or self.step > MAX_QUANTITY:
            raise InvalidInput(said("The quantity step must be more than 0"))
        whole = self.unit is Unit.PIECE or self.unit is Unit.PACK
        if whole and not is_multiple_of(self.step, Decimal(1)):
            raise InvalidInput(said("Pieces and packs are sold in whole numbers"))
        if not 0 <= self.price_minor <= MAX_PRICE_MINOR:
            raise InvalidInput(said("A price must be zero or more"))
        if self.low_stock_threshold is not None and self.low_stock_threshold < 0:
            raise InvalidInput(said("A low-stock threshold cannot be negative"))
        if self.vat_rate is not None:
            self.vat_rate = check_vat_rate(self.vat_rate)

    def unchecked_copy(self, **changes: Any) -> Product:
        """A copy with some fields changed, skipping the checks the original passed (an
        import copies 100,000 items; the changed fields must be ones the caller checked)."""
        product = object.__new__(Product)
        for name, value in zip(_SLOTS, _EVERY_FIELD(self), strict=True):
            setattr(product, name, value)
        for name, value in changes.items():
            setattr(product, name, value)
        return product

    @staticmethod
    def restored(**fields: Any) -> Product:
        """An item as it was stored, every stored field given: it passed the checks when it
        was written, so a page of items read does not clean and check each name again."""
        product = object.__new__(Product)
        for name in STORED_FIELDS:
            setattr(product, name, fields[name])
        product.offer = fields.get("offer")
        return product

    def with_offer(self, offer: OfferPrice | None) -> Product:
        """This item as sold under `offer` (None: at its list price)."""
        if offer is None and self.offer is None:
            return self
        return self.unchecked_copy(offer=offer)

    @property
    def price_now_minor(self) -> int:
        """What a customer pays for one unit at the moment it was priced: the offer's price,
        else the list price. Only items read through bot.domain.offers.priced carry offers."""
        return self.price_minor if self.offer is None else self.offer.price_minor

    @property
    def search_text(self) -> str:
        return search_key(self.sku, self.name, self.category)

    def threshold(self, store_default: Decimal) -> Decimal:
        return store_default if self.low_stock_threshold is None else self.low_stock_threshold

    def is_low(self, store_default: Decimal) -> bool:
        return self.stock <= self.threshold(store_default)

    @property
    def sellable_stock(self) -> Decimal:
        """What can go in a cart: the whole steps on hand (2.6 kg in 0.25 kg steps: 2.5)."""
        return self.stock - self.stock % self.step


def clean_description(text: str) -> str:
    """Optional, several lines allowed; control characters dropped."""
    description = without_controls(text or "", keep_newlines=True).strip()
    if len(description) > MAX_DESCRIPTION:
        raise InvalidInput(
            said("A description has at most {limit} characters; this one has {length}"),
            limit=MAX_DESCRIPTION,
            length=len(description),
        )
    return description


# The fields kept in the products table (an offer is worked out, never stored).
STORED_FIELDS = tuple(name for name in Product.__slots__ if name != "offer")
_SLOTS: tuple[str, ...] = Product.__slots__
_EVERY_FIELD = operator.attrgetter(*_SLOTS)  # every field's value at once, in C


@functools.lru_cache(maxsize=4096)  # every category button of every screen: hashed once
def category_key(category: str) -> str:
    """A short, stable stand-in for a category's name: names are too long for a button."""
    return hashlib.sha256(category.encode()).hexdigest()[:10]


def same_category(typed: str, existing: Sequence[str]) -> str | None:
    """The existing category `typed` names, whatever its case ("dairy & eggs")."""
    wanted = typed.casefold()
    return next((name for name in existing if name.casefold() == wanted), None)


def near_categories(typed: str, existing: Sequence[str], *, limit: int = 6) -> list[str]:
    """Categories someone typing `typed` probably meant: "Dairy" → "Dairy & Eggs", "vegetable"
    → "Fruit & Vegetables", "Diary" → "Dairy & Eggs" (a word begins the other, or is spelt
    alike), so a slip does not make a second category beside the first."""
    typed_words = [w for w in _WORD.findall(typed.casefold()) if len(w) >= 3]

    def alike(word: str) -> bool:
        return any(
            word.startswith(t)
            or (len(word) >= 3 and t.startswith(word))
            or SequenceMatcher(None, t, word).ratio() >= 0.8
            for t in typed_words
        )

    near = [name for name in existing if any(map(alike, _WORD.findall(name.casefold())))]
    return near[:limit]


_WORD = re.compile(r"\w+")


def clean_name(text: str) -> str:
    return _required_text(
        text,
        MAX_NAME,
        empty=said("The name cannot be empty"),
        too_long=said("The name has at most {limit} characters"),
    )


def clean_category(text: str) -> str:
    return _required_text(
        text,
        MAX_CATEGORY,
        empty=said("The category cannot be empty"),
        too_long=said("The category has at most {limit} characters"),
    )


def _required_text(value: str, limit: int, *, empty: str, too_long: str) -> str:
    text = one_line(value or "")
    if not text:
        raise InvalidInput(empty)
    if len(text) > limit:
        raise InvalidInput(too_long, limit=limit)
    return text


def is_web_photo(photo: str | None) -> TypeGuard[str]:
    """A photo given by its web address (a catalogue file's), not yet by a Telegram file id."""
    return photo is not None and photo.startswith(("https://", "http://"))
