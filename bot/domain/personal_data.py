"""What the shop keeps about a customer (their right to see it), and forgetting them (their
right to erasure). Orders stay in the books for accounting, without anything personal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from bot.domain.checkout import CheckoutDraft
from bot.domain.customers import Customer
from bot.domain.errors import DomainError
from bot.domain.news import NewsChoice
from bot.domain.orders import Order
from bot.domain.questions import Question
from bot.domain.ratings import RatedComment
from bot.domain.text import said

# Keys of a notification's facts that name or reach a person (new-order and question alerts to
# staff): taken out of the outbox when that person is forgotten.
PERSONAL_FACTS = ("customer", "name", "address", "phone", "note", "text", "question", "answer")


@dataclass(frozen=True, slots=True)
class Watched:
    """A sold-out item the customer asked to hear about."""

    sku: str
    name: str
    since: datetime


@dataclass(frozen=True, slots=True)
class Favourite:
    """An item the customer starred (⭐ on its card)."""

    sku: str
    name: str
    since: datetime


@dataclass(frozen=True, slots=True)
class SeenCard:
    """The item card the customer looked at last: an amount they type next is for it."""

    sku: str
    name: str
    at: datetime


@dataclass(frozen=True, slots=True)
class CartEntry:
    sku: str
    name: str
    unit: str
    quantity: Decimal
    price_minor: int  # today's unit price


@dataclass(frozen=True, slots=True)
class KeptAbout:
    """Everything the shop keeps about one customer, for /mydata."""

    customer: Customer
    language: str | None  # chosen with /language
    app_language: str | None  # the Telegram app's, as last seen (for notifications)
    last_address: str | None  # offered as the one-tap answer at the next delivery
    orders: list[Order] = field(default_factory=list)  # newest first
    questions: list[Question] = field(default_factory=list)  # oldest first
    watches: list[Watched] = field(default_factory=list)
    favourites: list[Favourite] = field(default_factory=list)
    ratings: list[RatedComment] = field(default_factory=list)  # their ratings, with comments
    cart: list[CartEntry] = field(default_factory=list)
    checkout: CheckoutDraft | None = None
    last_card: SeenCard | None = None
    news: NewsChoice | None = None  # whether they asked for news (None: never asked)


@dataclass(frozen=True, slots=True)
class Erasure:
    """What /forgetme did: `erased` is False when there was nobody left to erase (a double tap,
    a redelivery, a person never known)."""

    erased: bool
    orders_kept: int = 0


class OrderInProgress(DomainError):
    """An open order still needs its name, phone and address: it is finished first."""

    def __init__(self, codes: Sequence[str]) -> None:
        super().__init__(
            said(
                "You have an order in progress ({codes}); it must be completed or cancelled "
                "before your personal data can be erased."
            ),
            codes=", ".join(codes),
        )
        self.codes = list(codes)
