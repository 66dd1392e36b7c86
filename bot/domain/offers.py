"""Offers: an item or a whole category at a lower price for a while, and the one place that
says what an item costs at a moment (`price_at`).

An offer is a percentage off or a new price, from a start to an end (UTC). Several may run at
once for one item (its own and its category's): the customer gets the lowest price, never more
than the list price. An order keeps the prices it was placed at; a cart whose price moved
under an offer's start or end is corrected at confirm, as for any price change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.domain.errors import InvalidInput
from bot.domain.money import MAX_PRICE_MINOR, Currency
from bot.domain.text import said
from bot.domain.vocabulary import OFFER_WORDS, OfferWord

if TYPE_CHECKING:
    from bot.domain.catalogue import Product

LONGEST = timedelta(days=366)  # an offer is for a while; a price for good is /setprice


@dataclass(frozen=True, slots=True)
class Offer:
    """`percent` off (1–99) or a new `price_minor`, for one item (`product_id`) or every item
    of a `category`, from `starts_at` until `ends_at` (UTC, the end excluded)."""

    product_id: int | None
    category: str | None
    percent: Decimal | None
    price_minor: int | None
    starts_at: datetime
    ends_at: datetime
    created_by: str = ""
    id: int | None = None

    def __post_init__(self) -> None:
        if (self.product_id is None) == (self.category is None):
            raise InvalidInput(said("An offer is for one item or one category."))
        if (self.percent is None) == (self.price_minor is None):
            raise InvalidInput(said("Give a percentage off or a new price."))
        if self.percent is not None and not (
            1 <= self.percent <= 99 and self.percent == self.percent.quantize(Decimal("0.01"))
        ):
            raise InvalidInput(said("A percentage off goes from 1 to 99."))
        if self.price_minor is not None and not 0 <= self.price_minor <= MAX_PRICE_MINOR:
            raise InvalidInput(said("That price is out of range."))
        if self.ends_at <= self.starts_at:
            raise InvalidInput(said("An offer must end after it starts."))
        if self.ends_at - self.starts_at > LONGEST:
            raise InvalidInput(
                said("An offer runs for a year at most; for good, change the price.")
            )

    def runs_at(self, at: datetime) -> bool:
        return self.starts_at <= at < self.ends_at

    def covers(self, product: Product) -> bool:
        if self.product_id is not None:
            return product.id == self.product_id
        return product.category == self.category

    def applied(self, list_minor: int) -> int:
        """This offer's price for an item listed at `list_minor`: never above it."""
        if self.price_minor is not None:
            return min(self.price_minor, list_minor)
        assert self.percent is not None
        off = Decimal(list_minor) * (100 - self.percent) / 100
        return int(off.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True, slots=True)
class OfferPrice:
    """What an item under an offer costs now, and what a card says about it."""

    price_minor: int
    ends_at: datetime
    offer_id: int | None
    percent_off: int  # rounded, for "−30%"


def price_at(product: Product, offers: Iterable[Offer], at: datetime) -> OfferPrice | None:
    """The item's price at `at` when an offer lowers it (the lowest of the offers running
    then); None: its list price (`product.price_minor`) stands."""
    best: tuple[int, Offer] | None = None
    for offer in offers:
        if not offer.runs_at(at) or not offer.covers(product):
            continue
        price = offer.applied(product.price_minor)
        if price < product.price_minor and (best is None or price < best[0]):
            best = (price, offer)
    if best is None:
        return None
    price, offer = best
    off = Decimal(100) * (product.price_minor - price) / product.price_minor
    return OfferPrice(price, offer.ends_at, offer.id, int(off.quantize(Decimal(1), ROUND_HALF_UP)))


def priced(products: Iterable[Product], offers: Iterable[Offer], at: datetime) -> list[Product]:
    """The items as sold at `at`: each one under an offer carries it (`Product.offer`)."""
    running = [o for o in offers if o.runs_at(at)]
    return [p.with_offer(price_at(p, running, at)) for p in products]


def boundaries(offers: Iterable[Offer]) -> list[datetime]:
    """Every moment an offer starts or ends, in order: between two of them, prices hold."""
    return sorted({o.starts_at for o in offers} | {o.ends_at for o in offers})


# ------------------------------------------------------------------ what a manager types

_PERCENT = re.compile(r"^-?(\d{1,2}(?:[.,]\d{1,2})?)\s*%$")
_TIME = re.compile(r"^(\d{1,2})[:h.](\d{2})$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# The words of /offer as the reader's language has them (bot.i18n shows an OfferWord so).
WORDS = {
    "from": OfferWord.FROM,
    "until": OfferWord.UNTIL,
    "today": OfferWord.TODAY,
    "tomorrow": OfferWord.TOMORROW,
    "category": OfferWord.CATEGORY,
}
USAGE = said(
    "Write it like /offer LEMON 30% {until} 20:00, /offer LEMON 2.50 {from} 18:00 {until} "
    "21:00 or /offer {category} Bakery 50% {until} {tomorrow} 18:00."
)
TIME_USAGE = said("Write a time like 20:00, {tomorrow} 20:00 or 2026-12-24 18:00.")


@dataclass(frozen=True, slots=True)
class OfferTerms:
    """`/offer` read: who it is for (an SKU, or a category's name) and what it does."""

    target: str
    is_category: bool
    percent: Decimal | None
    price_minor: int | None
    starts_at: datetime
    ends_at: datetime


def read_offer(text: str, currency: Currency, now: datetime, zone: ZoneInfo) -> OfferTerms:
    """'LEMON 30% until 20:00', 'LEMON 2.50 from 18:00 until 21:00', 'category Bakery 50%
    until 2026-12-24 18:00', its words in any shipped language ('bis', 'jusqu'à', 'до'...).
    Times are the shop's; a time alone is its next coming (today, or tomorrow once passed);
    no start is now. The amount is the first word with a digit that a from or until follows,
    so a category's name may hold those words too."""
    words = re.sub(r"(\d)\s+%", r"\1%", text).split()  # "30 %" is one amount
    meanings = [OFFER_WORDS.meaning_of(w) for w in words]
    is_category = bool(words) and meanings[0] is OfferWord.CATEGORY
    first = 1 if is_category else 0
    amount_at = next(
        (
            i
            for i in range(first + 1, len(words) - 1)
            if any(c.isdigit() for c in words[i])
            and meanings[i + 1] in (OfferWord.FROM, OfferWord.UNTIL)
        ),
        None,
    )
    if amount_at is None:
        if OfferWord.UNTIL not in meanings:
            raise InvalidInput(said("Say when the offer ends, like “{until} 20:00”."), **WORDS)
        raise InvalidInput(USAGE, **WORDS)
    target = " ".join(words[first:amount_at])
    percent, price_minor = amount_of(words[amount_at], currency)
    parts: dict[OfferWord, list[str]] = {}
    key: OfferWord | None = None
    for word, meaning in zip(words[amount_at + 1 :], meanings[amount_at + 1 :], strict=True):
        if meaning in (OfferWord.FROM, OfferWord.UNTIL) and meaning not in parts:
            key = meaning
            parts[key] = []
        elif key is not None:
            parts[key].append(word)
    if OfferWord.UNTIL not in parts:
        raise InvalidInput(said("Say when the offer ends, like “{until} 20:00”."), **WORDS)
    local_now = now.astimezone(zone)
    starts = now
    if OfferWord.FROM in parts:
        starts = moment_of(parts[OfferWord.FROM], local_now, zone)
    ends = moment_of(parts[OfferWord.UNTIL], max(local_now, starts.astimezone(zone)), zone)
    return OfferTerms(target, is_category, percent, price_minor, starts, ends)


def amount_of(text: str, currency: Currency) -> tuple[Decimal | None, int | None]:
    match = _PERCENT.match(text.strip())
    if match is not None:
        try:
            return Decimal(match[1].replace(",", ".")), None
        except InvalidOperation:  # pragma: no cover - the pattern admits digits only
            raise InvalidInput(USAGE, **WORDS) from None
    if "%" in text:
        raise InvalidInput(said("A percentage off goes from 1 to 99."))
    return None, currency.parse(text)


def moment_of(words: list[str], after: datetime, zone: ZoneInfo) -> datetime:
    """'20:00', 'tomorrow 20:00', '2026-12-24 18:00', '2026-12-24' (its start) in the shop's
    time; a time alone is its next coming after `after`. In UTC."""
    if not words or len(words) > 2:
        raise InvalidInput(TIME_USAGE, **WORDS)
    day: date | None = None
    clock: time | None = None
    for word in words:
        meaning = OFFER_WORDS.meaning_of(word)
        if meaning is OfferWord.TOMORROW:
            day = after.date() + timedelta(days=1)
        elif meaning is OfferWord.TODAY:
            day = after.date()
        elif (found := _DATE.match(word)) is not None:
            try:
                day = date(int(found[1]), int(found[2]), int(found[3]))
            except ValueError:
                raise InvalidInput(said("“{text}” is not a date."), text=word[:20]) from None
        elif (found := _TIME.match(word)) is not None and int(found[1]) < 24:
            if int(found[2]) > 59:
                raise InvalidInput(said("“{text}” is not a time."), text=word[:20])
            clock = time(int(found[1]), int(found[2]))
        else:
            raise InvalidInput(TIME_USAGE, **WORDS)
    if day is None:
        assert clock is not None
        local = datetime.combine(after.date(), clock, zone)
        if local <= after:
            local += timedelta(days=1)
    else:
        local = datetime.combine(day, clock or time(0), zone)
    return local.astimezone(UTC)


# ------------------------------------------------------------------ the back office's form

FORM_PERCENT = re.compile(r"^(\d{1,2}(?:[.,]\d{1,2})?)$")


def form_offer(
    target: str,
    *,
    is_category: bool,
    how: str,
    value: str,
    starts: str,
    ends: str,
    currency: Currency,
    now: datetime,
    zone: ZoneInfo,
) -> OfferTerms:
    """The back office's form: `how` "percent" ("30", "30 %") or "price" ("2.50"); `starts`
    and `ends` as a browser's date-and-time field gives them ("2026-12-10T18:00"), in the
    shop's time; no start is now."""
    if not target.strip():
        raise InvalidInput(said("Give an item's SKU or choose a category."))
    percent: Decimal | None = None
    price_minor: int | None = None
    if how == "percent":
        found = FORM_PERCENT.match(value.replace("%", "").strip())
        if found is None:
            raise InvalidInput(said("A percentage off goes from 1 to 99."))
        percent = Decimal(found[1].replace(",", "."))
    elif how == "price":
        price_minor = currency.parse(value)
    else:
        raise InvalidInput(said("Give a percentage off or a new price."))
    if not ends.strip():
        raise InvalidInput(said("Say when the offer ends."))
    start = form_moment(starts, zone) if starts.strip() else now
    return OfferTerms(
        target.strip(), is_category, percent, price_minor, start, form_moment(ends, zone)
    )


def form_moment(text: str, zone: ZoneInfo) -> datetime:
    for shape in ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"):
        try:
            local = datetime.strptime(text.strip(), shape)
        except ValueError:
            continue
        return local.replace(tzinfo=zone).astimezone(UTC)
    raise InvalidInput(said("“{text}” is not a date and time."), text=text[:20])
