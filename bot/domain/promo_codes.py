"""Promo codes: a percentage or an amount off an order's items, for a basket of at least a
minimum, from a start to an end, for so many orders in all and so many per customer.

A customer gives one code per order at checkout; the summary and the invoice show what it
takes off. The discount is worked out on the order's items (never the delivery fee) whenever
they change, so an order picked lighter keeps a percentage's share and never takes off more
than its items cost. Redeeming counts a use under the code's row lock (bot.domain.ports), and
a cancelled order gives its use back.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from bot.domain.errors import DomainError, InvalidInput, NotFound
from bot.domain.money import MAX_PRICE_MINOR, Currency, Money
from bot.domain.offers import FORM_PERCENT, amount_of, form_moment, moment_of
from bot.domain.text import said
from bot.domain.vocabulary import OFFER_WORDS, OfferWord

# Letters and digits, a dash or an underscore inside: what fits a newsletter and a keyboard.
CODE_SHAPE = re.compile(r"^[A-Z0-9](?:[A-Z0-9_-]{1,22}[A-Z0-9])$")
MOST_USES = 1_000_000


def normalise_code(text: str) -> str:
    """What a person typed, as codes are kept: wide letters folded, any case, no spaces
    around. It may still not be a code's shape (`is_code_shaped`)."""
    return unicodedata.normalize("NFKC", text).strip().upper()


def is_code_shaped(code: str) -> bool:
    return CODE_SHAPE.match(code) is not None


@dataclass(frozen=True, slots=True)
class Discount:
    """What a code takes off: `percent` (1–99, two places at most) or `amount_minor`."""

    percent: Decimal | None
    amount_minor: int | None

    def __post_init__(self) -> None:
        if (self.percent is None) == (self.amount_minor is None):
            raise InvalidInput(said("Give a percentage off or an amount off."))
        if self.percent is not None and not (
            1 <= self.percent <= 99 and self.percent == self.percent.quantize(Decimal("0.01"))
        ):
            raise InvalidInput(said("A percentage off goes from 1 to 99."))
        if self.amount_minor is not None and not 0 < self.amount_minor <= MAX_PRICE_MINOR:
            raise InvalidInput(said("That amount is out of range."))

    def off(self, items_minor: int, placed_items_minor: int | None = None) -> int:
        """What it takes off items costing `items_minor`, never more than they cost. An amount
        off follows the items once they are picked lighter than the `placed_items_minor` it
        was given on (5.00 off 20.00 of items is 2.50 off the 10.00 picked), so no order picked
        short becomes free."""
        items_minor = max(items_minor, 0)
        if self.amount_minor is not None:
            if placed_items_minor and items_minor < placed_items_minor:
                share = Decimal(self.amount_minor) * items_minor / placed_items_minor
                return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))
            return min(self.amount_minor, items_minor)
        assert self.percent is not None
        share = Decimal(items_minor) * self.percent / 100
        return max(int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP)), 0)


@dataclass(frozen=True, slots=True)
class OrderPromo:
    """The code an order was placed with, and its discount as it was then: an order keeps
    it whatever becomes of the code."""

    code: str
    discount: Discount
    promo_id: int | None = None
    items_minor: int | None = None  # what the order's items cost when it was placed

    def off(self, items_minor: int) -> int:
        return self.discount.off(items_minor, self.items_minor)


@dataclass(frozen=True, slots=True)
class PromoCode:
    code: str
    discount: Discount
    min_basket_minor: int = 0
    starts_at: datetime | None = None
    ends_at: datetime | None = None  # excluded; None: until a manager ends it
    max_uses: int | None = None  # in all; None: no limit
    per_customer: int = 1
    used: int = 0  # by orders placed and not cancelled
    created_by: str = ""
    ended_at: datetime | None = None  # ended early by a manager
    id: int | None = None

    def __post_init__(self) -> None:
        if not is_code_shaped(self.code):
            raise InvalidInput(
                said(
                    "A promo code has 3 to 24 letters and digits (a dash or an underscore "
                    "inside), like SPRING-10."
                )
            )
        if not 0 <= self.min_basket_minor <= MAX_PRICE_MINOR:
            raise InvalidInput(said("That amount is out of range."))
        amount = self.discount.amount_minor
        if amount is not None and self.min_basket_minor <= amount:
            raise InvalidInput(
                said(
                    "An amount off needs a minimum basket above it (like 5.00 off from 20.00), "
                    "so that no order is free."
                )
            )
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise InvalidInput(said("A promo code must end after it starts."))
        if self.max_uses is not None and not 1 <= self.max_uses <= MOST_USES:
            raise InvalidInput(said("Uses go from 1 to {most}."), most=MOST_USES)
        if not 1 <= self.per_customer <= MOST_USES:
            raise InvalidInput(said("Uses go from 1 to {most}."), most=MOST_USES)

    def is_over(self, at: datetime) -> bool:
        """Ended by a manager, or past its end: it never applies again."""
        return self.ended_at is not None or (self.ends_at is not None and at >= self.ends_at)

    def check(self, at: datetime, items_minor: int, currency: Currency, used_by_them: int) -> None:
        """Raise the reason it does not apply to a basket whose items cost `items_minor`, for a
        customer who used it in `used_by_them` orders not cancelled."""
        if self.is_over(at):
            raise PromoRefused(said("Promo code {code} has expired."), code=self.code)
        if self.starts_at is not None and at < self.starts_at:
            raise PromoRefused(said("Promo code {code} is not valid yet."), code=self.code)
        if self.max_uses is not None and self.used >= self.max_uses:
            raise PromoRefused(said("Promo code {code} has been used up."), code=self.code)
        if used_by_them >= self.per_customer:
            raise PromoRefused(said("You have already used promo code {code}."), code=self.code)
        if items_minor < self.min_basket_minor:
            raise PromoRefused(
                said("Promo code {code} is for baskets of {minimum} or more: add {missing}."),
                code=self.code,
                minimum=Money(self.min_basket_minor, currency),
                missing=Money(self.min_basket_minor - items_minor, currency),
            )

    def for_order(self, items_minor: int | None = None) -> OrderPromo:
        return OrderPromo(self.code, self.discount, self.id, items_minor)


class PromoRefused(DomainError):
    """The code exists but does not apply to this basket now; the words say why."""


class UnknownPromoCode(NotFound):
    def __init__(self, typed: str) -> None:
        if is_code_shaped(typed):
            super().__init__(
                said("There is no promo code {code}. Please check how it is written."), code=typed
            )
        else:
            super().__init__(
                said("That is not a promo code. Please type it as you got it, like SPRING-10.")
            )


class PromoNoLongerApplies(DomainError):
    """At Confirm, the code the summary showed no longer applies: it was taken off the
    checkout (committed) and the customer reads why before confirming again."""

    def __init__(self, refused: DomainError) -> None:
        super().__init__(
            said("The promo code was taken off your order: {reason}"), reason=refused.words
        )


# ------------------------------------------------------------------ what a manager types

# The words of /promo as the reader's language has them (bot.i18n shows an OfferWord so).
WORDS = {
    "min": OfferWord.MIN,
    "uses": OfferWord.USES,
    "each": OfferWord.EACH,
    "from": OfferWord.FROM,
    "until": OfferWord.UNTIL,
}
USAGE = said(
    "Write it like /promo SPRING-10 10% {min} 20.00 {until} 2026-12-31, or /promo WELCOME "
    "5.00 {min} 25.00 {uses} 100 {each} 1 (each customer once unless said)."
)
_COUNT = re.compile(r"^\d{1,7}$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def read_promo(
    text: str, currency: Currency, now: datetime, zone: ZoneInfo, created_by: str = ""
) -> PromoCode:
    """'SPRING-10 10% min 20 from 2026-12-01 until 2026-12-31 uses 100 each 2', the words
    in any shipped language; an amount ('5.00') or a percentage ('10%'). Times are the
    shop's; a time alone is its next coming. No start: now; no end: until it is ended."""
    words = re.sub(r"(\d)\s+%", r"\1%", text).split()  # "10 %" is one amount
    if len(words) < 2:
        raise InvalidInput(USAGE, **WORDS)
    code = normalise_code(words[0])
    if OFFER_WORDS.meaning_of(words[1]) is not None:
        raise InvalidInput(said("Say how much it takes off, like 10% or 5.00."))
    percent, amount_minor = amount_of(words[1], currency)
    parts: dict[OfferWord, list[str]] = {}
    key: OfferWord | None = None
    for word in words[2:]:
        meaning = OFFER_WORDS.meaning_of(word)
        if meaning is not None and meaning in WORDS.values() and meaning not in parts:
            key = meaning
            parts[key] = []
        elif key is None:
            raise InvalidInput(USAGE, **WORDS)
        else:
            parts[key].append(word)
    local_now = now.astimezone(zone)
    starts = ends = None
    if OfferWord.FROM in parts:
        starts = moment_of(parts[OfferWord.FROM], local_now, zone)
    if OfferWord.UNTIL in parts:
        after = max(local_now, starts.astimezone(zone)) if starts else local_now
        until = parts[OfferWord.UNTIL]
        ends = moment_of(until, after, zone)
        whole_day = (OfferWord.TODAY, OfferWord.TOMORROW)
        if len(until) == 1 and (
            _DAY.match(until[0]) or OFFER_WORDS.meaning_of(until[0]) in whole_day
        ):
            # "until 2026-12-31", "until tomorrow": through that day
            ends = moment_of(
                [(ends.astimezone(zone) + timedelta(days=1)).date().isoformat()], after, zone
            )
        if ends <= now:
            raise InvalidInput(said("That end has passed already."))
    return PromoCode(
        code,
        Discount(percent, amount_minor),
        min_basket_minor=currency.parse(_one(parts, OfferWord.MIN))
        if OfferWord.MIN in parts
        else 0,
        starts_at=starts,
        ends_at=ends,
        max_uses=_count(parts, OfferWord.USES),
        per_customer=_count(parts, OfferWord.EACH) or 1,
        created_by=created_by,
    )


def _one(parts: dict[OfferWord, list[str]], key: OfferWord) -> str:
    if len(parts[key]) != 1:
        raise InvalidInput(USAGE, **WORDS)
    return parts[key][0]


def _count(parts: dict[OfferWord, list[str]], key: OfferWord) -> int | None:
    if key not in parts:
        return None
    typed = _one(parts, key)
    if _COUNT.match(typed) is None or not 1 <= int(typed) <= MOST_USES:
        raise InvalidInput(said("Uses go from 1 to {most}."), most=MOST_USES)
    return int(typed)


# ------------------------------------------------------------------ the back office's form


def form_promo(
    fields: dict[str, str], *, currency: Currency, now: datetime, zone: ZoneInfo, created_by: str
) -> PromoCode:
    """The back office's form: `code`; `how` "percent" ("10", "10 %") or "amount" ("5.00");
    `value`; `minimum` (empty: none); `starts` and `ends` as a browser's date-and-time field
    gives them, in the shop's time (empty: now, and until ended); `uses` (empty: no limit) and
    `each` (empty: once per customer)."""
    code = normalise_code(fields.get("code", ""))
    value = fields.get("value", "").replace("%", "").strip()
    if fields.get("how") == "percent":
        if FORM_PERCENT.match(value) is None:
            raise InvalidInput(said("A percentage off goes from 1 to 99."))
        discount = Discount(Decimal(value.replace(",", ".")), None)
    elif fields.get("how") == "amount":
        discount = Discount(None, currency.parse(value))
    else:
        raise InvalidInput(said("Give a percentage off or an amount off."))
    starts = form_moment(fields["starts"], zone) if fields.get("starts", "").strip() else None
    ends = form_moment(fields["ends"], zone) if fields.get("ends", "").strip() else None
    if ends is not None and ends <= now:
        raise InvalidInput(said("That end has passed already."))
    minimum = fields.get("minimum", "").strip()
    return PromoCode(
        code,
        discount,
        min_basket_minor=currency.parse(minimum) if minimum else 0,
        starts_at=starts,
        ends_at=ends,
        max_uses=_form_count(fields.get("uses", "")),
        per_customer=_form_count(fields.get("each", "")) or 1,
        created_by=created_by,
    )


def _form_count(text: str) -> int | None:
    if not text.strip():
        return None
    if _COUNT.match(text.strip()) is None or not 1 <= int(text) <= MOST_USES:
        raise InvalidInput(said("Uses go from 1 to {most}."), most=MOST_USES)
    return int(text)
