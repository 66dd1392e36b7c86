"""The outbox: messages that must reach someone, written with the change that caused them.

What a message says is kept as facts, not text: one frozen dataclass per kind (a subclass of
`Facts`, defined beside the feature that queues it), worded in the reader's language when it is
sent. `bot.domain.stored_facts` keeps them in the outbox and reads them back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import ClassVar

# A send whose answer never came (Telegram slower than the bot waits, a worker killed mid-send)
# may have reached the person: Telegram cannot be asked whether it took the message. Once this
# many sends of one message may have, it is sent no more, so a slow Telegram or a worker that
# keeps dying costs at most one duplicate per message, never an endless repeat.
UNSURE_SENDS_ALLOWED = 2


class NotificationKind(StrEnum):
    ORDER_PLACED = "order_placed"  # to on-duty staff
    ORDER_STATUS = "order_status"  # to the customer
    ORDER_PICKED = "order_picked"  # to the customer: what staff picked otherwise, the new total
    ORDER_CANCELLED = "order_cancelled"  # to on-duty staff, when the customer cancels
    LOW_STOCK = "low_stock"  # to managers
    DIGEST = "digest"  # to managers
    BACK_IN_STOCK = "back_in_stock"  # to customers who asked to be told
    REFUND_DUE = "refund_due"  # to managers: a paid order was cancelled (or paid twice)
    QUESTION = "question"  # to on-duty staff: a customer asks the shop
    ANSWER = "answer"  # to the customer: the shop's answer
    ACCOUNT_SWITCHED_OFF = "account_switched_off"  # to a staff member a manager deactivated
    BACKUP_FAILED = "backup_failed"  # to managers: the daily backup could not be made
    UNSEEN = "unseen"  # to managers: an order or question nobody on duty has seen
    RECEIPT = "receipt"  # to the customer: a completed order's receipt, as a message
    RECEIPT_PDF = "receipt_pdf"  # to the customer: the same receipt as a PDF document
    RATE_ORDER = "rate_order"  # to the customer: how was the order they just received?
    ANNOUNCEMENT = "announcement"  # to a customer who asked for news: a manager's news
    CART_REMINDER = "cart_reminder"  # to a customer who asked for news: their cart waits


# What the shop starts itself and sends to many at once: an order's news, a staff alert or an
# answer queued after them goes out first (an announcement to 500 people takes ~20 s).
BULK_KINDS = frozenset({NotificationKind.ANNOUNCEMENT, NotificationKind.CART_REMINDER})


@dataclass(frozen=True, slots=True)
class Facts:
    """What one kind of notification says. Each kind's class names it in `KIND` and holds
    typed fields: money in minor units (int), quantities as Decimal, moments as datetime."""

    KIND: ClassVar[NotificationKind]

    @property
    def kind(self) -> NotificationKind:
        return self.KIND


@dataclass(frozen=True, slots=True)
class Unreadable(Facts):
    """A row whose facts do not read as its kind's (a field missing that the kind cannot do
    without, a value that does not parse): kept as found, so one bad row stops no other. The
    sender fails to word it, as it would have failed before the facts were typed."""

    of_kind: NotificationKind
    stored: Mapping[str, str]
    problem: str

    @property
    def kind(self) -> NotificationKind:
        return self.of_kind


@dataclass(frozen=True, slots=True)
class ItemAmount:
    """An item and how much of it, as a message lists it (a new order's lines, a cart's)."""

    quantity: Decimal
    unit: str
    name: str

    def packed(self) -> str:
        """One line of the outbox's facts: "2.5 kg<TAB>Apples", as the bot always kept it."""
        name = self.name.replace("\n", " ").replace("\t", " ")
        return f"{self.quantity.normalize():f} {self.unit}\t{name}"

    @staticmethod
    def unpacked(kept: str) -> ItemAmount | None:
        """A line read back; None for one that does not read."""
        amount, tab, name = kept.partition("\t")
        number, _, unit = amount.partition(" ")
        if not tab:
            return None
        try:
            return ItemAmount(Decimal(number), unit, name)
        except (InvalidOperation, ValueError):
            return None


@dataclass(frozen=True, slots=True)
class Notification:
    chat_id: int
    # Facts, not rendered text: the bot side words and formats the message when it sends it.
    facts: Facts
    created_at: datetime
    order_id: int | None = None
    attempts: int = 0
    id: int | None = None
    lease: str | None = None  # set once claimed: the holder's token
    language: str | None = None  # set once claimed: the reader's, if known
    # Sends that may have reached the person though no answer said so (once claimed: the
    # send it was claimed for included). See UNSURE_SENDS_ALLOWED.
    unsure_sends: int = 0

    @property
    def kind(self) -> NotificationKind:
        return self.facts.kind
