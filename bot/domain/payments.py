"""How an order is paid: in Telegram before the store prepares it, or at the hand-over.

Telegram Payments for physical goods go through a payment provider; the bot only sees a
pre-checkout query (to say yes or no within 10 seconds) and then the successful payment,
identified by its charge ids. Refunds happen in the provider's dashboard: the bot records
that one is due and tells the managers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import ClassVar

from bot.domain.errors import DomainError, InvalidInput
from bot.domain.notifications import Facts, NotificationKind
from bot.domain.text import said

PAYLOAD_PREFIX = "order:"
MAX_PAYLOAD_BYTES = 128  # Telegram's limit on an invoice payload
# Once a pre-checkout is accepted, Telegram still has to charge the card: the order is kept
# at least this long, so it does not expire while the customer is paying.
PAYING_GRACE = timedelta(minutes=5)


class PaymentMethod(StrEnum):
    ONLINE = "online"  # in the chat, before the store prepares the order
    ON_HANDOVER = "on_handover"  # at the counter, or to the driver


class MoneyTaken(StrEnum):
    """How the money for a completed order was taken, recorded at its hand-over."""

    CASH = "cash"
    CARD = "card"
    TELEGRAM = "telegram"  # paid in the chat before: nothing taken at the counter


# What staff choose from for an order paid at the hand-over, in the order buttons show them.
TAKEN_AT_HANDOVER = (MoneyTaken.CASH, MoneyTaken.CARD)


class MoneyNotRecorded(DomainError):
    def __init__(self, code: str) -> None:
        super().__init__(
            said(
                "Order {code} is paid at the hand-over: say how the money was taken (cash or card)."
            ),
            code=code,
        )


class ExtraNotRecorded(DomainError):
    def __init__(self, code: str) -> None:
        super().__init__(
            said(
                "Order {code} was paid in Telegram and the picking added to it: say how the "
                "rest was taken (cash or card)."
            ),
            code=code,
        )


@dataclass(frozen=True, slots=True)
class Takings:
    """How a completed order's money was taken: `way` for all of it; or, for an order paid in
    Telegram and then picked heavier, `way` for what was paid there and `extra_way` for the
    `extra_minor` the picking added, taken at the hand-over."""

    way: MoneyTaken
    extra_way: MoneyTaken | None = None
    extra_minor: int = 0


def money_taken(
    payment: Payment, code: str, taken: MoneyTaken | None, *, extra_minor: int = 0
) -> Takings:
    """What to record when an order is completed: an order paid in Telegram is already paid
    (whatever was pressed), unless the picking added to it (`extra_minor`): that is taken at
    the hand-over, in cash or by card, and said, as for an order paid there."""
    if payment.is_paid:
        if not extra_minor:
            return Takings(MoneyTaken.TELEGRAM)
        if taken not in TAKEN_AT_HANDOVER:
            raise ExtraNotRecorded(code)
        return Takings(MoneyTaken.TELEGRAM, taken, extra_minor)
    if taken not in TAKEN_AT_HANDOVER:
        raise MoneyNotRecorded(code)
    assert taken is not None
    return Takings(taken)


@dataclass(frozen=True, slots=True)
class PaymentOptions:
    """What the store accepts (from the settings)."""

    online: bool = False
    on_handover: bool = True
    timeout: timedelta = timedelta(minutes=30)

    def __post_init__(self) -> None:
        if not (self.online or self.on_handover):
            raise ValueError("a store accepts at least one way to pay")

    @property
    def methods(self) -> list[PaymentMethod]:
        """In the order checkout offers them."""
        offered = [PaymentMethod.ONLINE] if self.online else []
        return offered + ([PaymentMethod.ON_HANDOVER] if self.on_handover else [])

    def check(self, method: PaymentMethod) -> None:
        if method not in self.methods:
            raise InvalidInput(
                said("The store does not take that way of paying; please choose again")
            )


@dataclass(frozen=True, slots=True)
class Payment:
    """The payment side of one order."""

    method: PaymentMethod = PaymentMethod.ON_HANDOVER
    pay_by: datetime | None = None  # online only: unpaid after this, the order is released
    paid_at: datetime | None = None
    refund_due_minor: int = 0

    @property
    def is_paid(self) -> bool:
        return self.paid_at is not None

    @property
    def awaits_payment(self) -> bool:
        return self.method is PaymentMethod.ONLINE and not self.is_paid

    @property
    def settled_at_handover(self) -> bool:
        """The hand-over may go ahead: paid already, or paid there and then."""
        return self.is_paid or self.method is PaymentMethod.ON_HANDOVER


@dataclass(frozen=True, slots=True)
class PaymentReceipt:
    """What Telegram says was paid (a successful_payment message)."""

    payload: str
    currency: str
    total_minor: int
    telegram_charge_id: str
    provider_charge_id: str

    def pays(self, method: PaymentMethod, currency: str, total_minor: int) -> bool:
        """Whether this pays for an order paid that way, of that total: only exactly the sum
        asked in Telegram does. Any other sum, or money for an order paid at the hand-over,
        pays for nothing and is refunded."""
        matches = (self.currency, self.total_minor) == (currency, total_minor)
        return method is PaymentMethod.ONLINE and matches


def invoice_payload(order_code: str) -> str:
    payload = PAYLOAD_PREFIX + order_code
    assert len(payload.encode()) <= MAX_PAYLOAD_BYTES
    return payload


def order_code_in(payload: str) -> str | None:
    """The order an invoice payload names; None for a payload this bot never made."""
    if not payload.startswith(PAYLOAD_PREFIX):
        return None
    code = payload.removeprefix(PAYLOAD_PREFIX)
    return code if code.isalnum() and len(code) <= 16 else None


class CannotPay(DomainError):
    """The pre-checkout must say no; the message is shown on the customer's payment sheet."""


class NotPaidYet(DomainError):
    def __init__(self, code: str) -> None:
        super().__init__(
            said(
                "Order {code} is waiting for the customer's payment; it can be accepted once paid."
            ),
            code=code,
        )


@dataclass(frozen=True, slots=True)
class RefundDueAlert(Facts):
    """To the managers: money to give back in the payment provider's dashboard, in the currency
    it was paid in (a mismatched payment's may not be the store's), and why."""

    KIND: ClassVar[NotificationKind] = NotificationKind.REFUND_DUE
    order_code: str
    amount_minor: int
    currency: str
    reason: str = ""  # a cancellation's (a code, or as staff typed it), or the store's words
