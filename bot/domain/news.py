"""News customers asked for: their one choice, managers' announcements, a gentle cart reminder.

Nobody gets news unless they said yes (never on by default); a person who blocked the bot is
recorded as such when a message to them is refused, and gets no news nor reminder again
unless they come back and say yes once more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import ClassVar
from zoneinfo import ZoneInfo

from bot.domain.errors import DomainError, InvalidInput, NotFound
from bot.domain.notifications import Facts, ItemAmount, NotificationKind
from bot.domain.text import said, without_controls

# An announcement fits a photo's caption (Telegram's 1,024 characters) with its heading.
MAX_ANNOUNCEMENT = 900
# "Not seen": no order, no change to their cart, no news choice made in this long.
ABSENT_FOR = timedelta(days=30)
# A cart left this long unchanged is reminded of, once.
CART_IDLE = timedelta(days=1)
# Reminders go out in the shop's daytime only: a gentle nudge, not a buzz at night.
REMIND_FROM, REMIND_UNTIL = time(10, 0), time(19, 0)
LATEST_ANNOUNCEMENTS = 5  # what /announcements lists


class Audience(StrEnum):
    EVERYONE = "all"  # everyone who opted in
    CATEGORY = "cat"  # ... and bought from a category
    ABSENT = "away"  # ... and was not seen for ABSENT_FOR


class Outcome(StrEnum):
    """What became of an announcement's message to one recipient."""

    QUEUED = "queued"
    DELIVERED = "delivered"
    BLOCKED = "blocked"  # the person stopped the bot: never messaged again
    FAILED = "failed"  # Telegram refused it otherwise (the chat is gone)


@dataclass(frozen=True, slots=True)
class NewsChoice:
    """One customer's answer: `wants` is False until they say yes."""

    wants: bool = False
    asked_at: datetime | None = None
    chosen_at: datetime | None = None
    blocked_at: datetime | None = None  # a message to them was refused: the bot is blocked

    @property
    def reachable(self) -> bool:
        return self.wants and self.blocked_at is None


@dataclass(frozen=True, slots=True)
class Announcement:
    text: str
    audience: Audience
    created_by: str
    created_at: datetime
    photo: str | None = None  # a Telegram file id
    category: str | None = None  # for Audience.CATEGORY
    queued_at: datetime | None = None  # None: a draft, previewed and not sent yet
    recipients: int = 0
    id: int | None = None


@dataclass(frozen=True, slots=True)
class AnnouncementCounts:
    """An announcement sent, and what became of it."""

    announcement: Announcement
    delivered: int = 0
    blocked: int = 0
    failed: int = 0
    unsubscribed: int = 0

    @property
    def waiting(self) -> int:
        """Queued and not delivered yet (nor refused)."""
        done = self.delivered + self.blocked + self.failed
        return max(self.announcement.recipients - done, 0)


@dataclass(frozen=True, slots=True)
class Recipient:
    customer_id: int
    telegram_user_id: int


@dataclass(frozen=True, slots=True)
class IdleCart:
    """A cart untouched since `changed_at`, of a customer who wants news."""

    customer_id: int
    telegram_user_id: int
    changed_at: datetime


class UnknownAnnouncement(NotFound):
    def __init__(self) -> None:
        super().__init__(said("That announcement is no longer there."))


class AlreadyAnnounced(DomainError):
    def __init__(self, recipients: int) -> None:
        super().__init__(said("This announcement was already sent."))
        self.recipients = recipients


class NobodyToTell(DomainError):
    def __init__(self) -> None:
        super().__init__(
            said("Nobody in this audience has asked for news yet; the announcement was not sent.")
        )


def clean_announcement(text: str) -> str:
    """What a manager typed, as customers will read it: some words, not too many."""
    cleaned = without_controls(text, keep_newlines=True).strip()
    if not cleaned:
        raise InvalidInput(said("Please type the announcement's text"))
    if len(cleaned) > MAX_ANNOUNCEMENT:
        raise InvalidInput(
            said("That announcement has {length} characters; please keep it to {limit}"),
            length=len(cleaned),
            limit=MAX_ANNOUNCEMENT,
        )
    return cleaned


def gentle_hour(now: datetime, timezone: ZoneInfo) -> bool:
    """Whether a reminder may go out now, by the shop's clock."""
    local = now.astimezone(timezone).time()
    return REMIND_FROM <= local < REMIND_UNTIL


@dataclass(frozen=True, slots=True)
class AnnouncementNews(Facts):
    """To one customer in an announcement's audience: the manager's news (and photo)."""

    KIND: ClassVar[NotificationKind] = NotificationKind.ANNOUNCEMENT
    announcement_id: int
    customer_id: int  # whose delivery, block or unsubscribing it counts
    text: str = ""
    photo: str | None = None  # a Telegram file id


@dataclass(frozen=True, slots=True)
class CartReminder(Facts):
    """To a customer who wants news: the cart they left, what of it is still on sale."""

    KIND: ClassVar[NotificationKind] = NotificationKind.CART_REMINDER
    items: tuple[ItemAmount, ...] = ()
