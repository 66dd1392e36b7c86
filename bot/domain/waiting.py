"""What waits for the shop, who has seen it, and when a customer may expect it to be seen.

Waiting for the shop
    An order waits from the moment the shop can start on it (placed, or, paid online, from
    its payment) until staff accept or cancel it. A question waits until it is answered.

Seen
    A waiting order or question is *seen* from the first of these moments:

    1. its alert ("🆕 New order", "💬 … asks") was delivered (Telegram took the message) to a
       staff member who was logged in when it was queued. Alerts sent to managers only
       because nobody was logged in do not count: nobody on duty saw those.
    2. a logged-in member was shown it: counted in the summary at their login, or listed by
       /orders, by the summary's buttons, or by /questions.
    3. it stopped waiting: accepted or cancelled, answered.

    Telegram never says whether a person read a message; delivered to someone on duty, or
    shown on their request, is as near as the bot can know.

Unseen alert
    An item still waiting and unseen once the shop has been open for the alert's minutes
    since it began to wait (an order placed at night counts from the opening) is told to the
    managers, once, whatever the number of workers: a conditional UPDATE of its alerted mark
    decides which worker tells them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import ClassVar

from bot.domain.notifications import Facts, NotificationKind
from bot.domain.store import Store

# How far ahead the alert's clock looks for opening hours: a shop closed for longer is told
# about at once, rather than never.
LOOK_AHEAD_DAYS = 31


class Attention(StrEnum):
    """When the shop will see what a customer just sent."""

    ON_DUTY = "on_duty"  # open, and a member is logged in: they were alerted
    CLOSED = "closed"  # the shop is closed: it sees it when it opens
    NOBODY = "nobody"  # open, but nobody is logged in: seen once someone logs in


@dataclass(frozen=True, slots=True)
class WhenSeen:
    attention: Attention
    opens: datetime | None = None  # CLOSED: when the shop next opens (local), if within a month


def when_seen(store: Store, at: datetime, *, on_duty: bool) -> WhenSeen:
    """A closed shop first (a member still logged in after closing time has most likely
    gone home), then whether anybody is logged in to be alerted."""
    if not store.is_open(at):
        return WhenSeen(Attention.CLOSED, store.next_opening(at))
    return WhenSeen(Attention.ON_DUTY if on_duty else Attention.NOBODY)


class WaitingKind(StrEnum):
    ORDER = "order"
    QUESTION = "question"


@dataclass(frozen=True, slots=True)
class Waiting:
    """What waits for the shop, as a member is told when logging in."""

    orders: int = 0
    questions: int = 0

    @property
    def anything(self) -> bool:
        return bool(self.orders or self.questions)


@dataclass(frozen=True, slots=True)
class Unseen:
    """A waiting item nobody on duty has seen (yet), and when it began to wait."""

    kind: WaitingKind
    id: int
    since: datetime


def alert_due(store: Store, since: datetime, after: timedelta) -> datetime:
    """When an item waiting since `since` is overdue: once the shop has been open for `after`
    since then. Only opening hours count (a lunch break or a night stops the clock). A shop not
    open within a month: `after` from `since`, as if always open."""
    zone = store.timezone
    start = since.astimezone(zone)
    left = after
    for offset in range(LOOK_AHEAD_DAYS + 1):
        day = start.date() + timedelta(days=offset)
        for opens, closes in store.hours.on(day):
            begin = max(datetime.combine(day, opens, zone), start)
            end = datetime.combine(day, closes, zone)
            if end <= begin:
                continue
            if end - begin >= left:
                return (begin + left).astimezone(UTC)
            left -= end - begin
    return since + after


@dataclass(frozen=True, slots=True)
class UnseenAlert(Facts):
    """To the managers: an order or a question nobody on duty has seen, waiting since when."""

    KIND: ClassVar[NotificationKind] = NotificationKind.UNSEEN
    what: WaitingKind
    since: datetime
    order_code: str = ""  # an order's
    customer: str = ""  # an order's: the customer's name
    question_id: int = 0  # a question's
    name: str = ""  # a question's: the customer's name
    text: str = ""  # a question's
