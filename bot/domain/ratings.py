"""A completed order rated by its customer: one to five stars and, if they wish, a comment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import ClassVar

from bot.domain.errors import InvalidInput
from bot.domain.notifications import Facts, NotificationKind
from bot.domain.text import said, without_controls

MAX_COMMENT = 500


@dataclass(frozen=True, slots=True)
class Rating:
    order_id: int
    stars: int
    rated_at: datetime
    comment: str = ""


@dataclass(frozen=True, slots=True)
class RatedComment:
    """A comment as managers read it: which order, how many stars, what was said, when."""

    order_code: str
    stars: int
    comment: str
    rated_at: datetime


@dataclass(frozen=True, slots=True)
class RatingsSummary:
    """The orders completed in a period that were rated: how many, their average (one
    decimal), and the latest comments."""

    count: int
    stars_total: int
    comments: list[RatedComment]

    @property
    def average(self) -> Decimal | None:
        if not self.count:
            return None
        return (Decimal(self.stars_total) / self.count).quantize(Decimal("0.1"), ROUND_HALF_UP)


def check_stars(stars: int) -> int:
    if not 1 <= stars <= 5:
        raise InvalidInput(said("Choose from one to five stars."))
    return stars


def clean_comment(text: str) -> str:
    """Typed by the customer: control characters dropped, line breaks kept, at most
    MAX_COMMENT characters (longer is refused, never cut, so nothing said is lost)."""
    comment = without_controls(text, keep_newlines=True).strip()
    if not comment:
        raise InvalidInput(said("Please type a few words, or /cancel."))
    if len(comment) > MAX_COMMENT:
        raise InvalidInput(
            said("A comment has at most {limit} characters; this one has {length}."),
            limit=MAX_COMMENT,
            length=len(comment),
        )
    return comment


@dataclass(frozen=True, slots=True)
class RatingRequest(Facts):
    """To the customer, after their completed order's receipt: how was it? (five stars)"""

    KIND: ClassVar[NotificationKind] = NotificationKind.RATE_ORDER
    order_code: str
