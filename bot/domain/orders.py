"""Orders and the status machine they follow."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar

from bot.domain.errors import InvalidInput, InvalidTransition
from bot.domain.notifications import Facts, ItemAmount, NotificationKind
from bot.domain.payments import MoneyTaken, Payment, PaymentMethod
from bot.domain.promo_codes import OrderPromo
from bot.domain.text import Words, one_line, said, without_controls

# No 0/O or 1/I/L: codes are read aloud at the counter.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
PICKUP_CODE_LENGTH = 6  # shown with its QR when the order is ready; typed if the QR fails
MAX_ADDRESS = 300
MAX_NOTE = 500
MAX_REASON = 500


class OrderStatus(StrEnum):
    PLACED = "placed"
    ACCEPTED = "accepted"
    READY = "ready"
    OUT_FOR_DELIVERY = "out_for_delivery"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    @property
    def is_open(self) -> bool:
        return self not in (OrderStatus.COMPLETED, OrderStatus.CANCELLED)


class FulfilmentKind(StrEnum):
    PICKUP = "pickup"
    DELIVERY = "delivery"


@dataclass(frozen=True, slots=True)
class Fulfilment:
    kind: FulfilmentKind
    pickup_slot: datetime | None = None
    address: str | None = None
    delivery_fee_minor: int = 0
    # A delivery's time window, chosen at checkout (None: the store asks for none).
    window: tuple[datetime, datetime] | None = None

    def __post_init__(self) -> None:
        if self.kind is FulfilmentKind.PICKUP:
            if self.pickup_slot is None:
                raise InvalidInput(said("Pick a time slot for pickup"))
            if self.address is not None or self.delivery_fee_minor or self.window:
                raise InvalidInput(said("A pickup has no address or delivery fee"))
        else:
            if self.window is not None and self.window[1] <= self.window[0]:
                raise InvalidInput(said("A delivery window ends after it starts"))
            if self.address is not None:  # None: erased with the customer's personal data
                address = self.address.strip()
                if len(address) < 5:
                    raise InvalidInput(
                        said("That address looks incomplete: street and number, then town")
                    )
                if len(address) > MAX_ADDRESS:
                    raise InvalidInput(
                        said("An address has at most {limit} characters"), limit=MAX_ADDRESS
                    )
            if self.delivery_fee_minor < 0:
                raise InvalidInput(said("A delivery fee cannot be negative"))

    @staticmethod
    def pickup(slot: datetime) -> Fulfilment:
        return Fulfilment(FulfilmentKind.PICKUP, pickup_slot=slot)

    @staticmethod
    def delivery(
        address: str, fee_minor: int, window: tuple[datetime, datetime] | None = None
    ) -> Fulfilment:
        return Fulfilment(
            FulfilmentKind.DELIVERY,
            address=without_controls(address, keep_newlines=True).strip(),
            delivery_fee_minor=fee_minor,
            window=window,
        )


class Actor(StrEnum):
    CUSTOMER = "customer"
    STAFF = "staff"
    HANDOVER = "handover"  # staff with the customer's pickup code


# Allowed moves, per fulfilment kind; cancellation is handled apart (who may cancel differs).
_FORWARD: dict[FulfilmentKind, dict[OrderStatus, OrderStatus]] = {
    FulfilmentKind.PICKUP: {
        OrderStatus.PLACED: OrderStatus.ACCEPTED,
        OrderStatus.ACCEPTED: OrderStatus.READY,
        OrderStatus.READY: OrderStatus.COMPLETED,
    },
    FulfilmentKind.DELIVERY: {
        OrderStatus.PLACED: OrderStatus.ACCEPTED,
        OrderStatus.ACCEPTED: OrderStatus.OUT_FOR_DELIVERY,
        OrderStatus.OUT_FOR_DELIVERY: OrderStatus.COMPLETED,
    },
}


def allowed_next(
    status: OrderStatus,
    kind: FulfilmentKind,
    actor: Actor,
    *,
    awaits_payment: bool = False,
    delivery_code: bool = False,
) -> list[OrderStatus]:
    """What this actor may move an order to now, in the order buttons should show.

    A pickup is completed only by its hand-over (the customer's code), and so is a delivery
    that has a delivery code (the courier types it); any other delivery is completed by staff
    ("Delivered"). An order waiting for its online payment can only be cancelled: nobody
    prepares what is not paid."""
    if actor is Actor.CUSTOMER:
        return [OrderStatus.CANCELLED] if status is OrderStatus.PLACED else []
    nxt = _FORWARD[kind].get(status)
    if actor is Actor.HANDOVER:
        return [nxt] if nxt is OrderStatus.COMPLETED and not awaits_payment else []
    handover_only = nxt is OrderStatus.COMPLETED and (
        kind is FulfilmentKind.PICKUP or delivery_code
    )
    moves = [nxt] if nxt and not awaits_payment and not handover_only else []
    if status in (OrderStatus.PLACED, OrderStatus.ACCEPTED):
        moves.append(OrderStatus.CANCELLED)
    return moves


class CancelReason(StrEnum):
    """A reason the store itself gives for a cancellation: kept with the order as this code and
    shown in the reader's language (a staff member's typed reason is kept and shown as typed)."""

    BY_CUSTOMER = "cancelled_by_customer"
    NOT_PAID_IN_TIME = "not_paid_in_time"
    NOT_PICKED_UP = "not_picked_up"


CANCEL_REASONS = {
    CancelReason.BY_CUSTOMER: said("cancelled by the customer"),
    CancelReason.NOT_PAID_IN_TIME: said("not paid in time"),
    CancelReason.NOT_PICKED_UP: said("not picked up in time"),
}
CANCELLED_BY_CUSTOMER = CancelReason.BY_CUSTOMER
NOT_PAID_IN_TIME = CancelReason.NOT_PAID_IN_TIME
# Orders cancelled before the codes were kept hold the English sentence: read as its code.
_KEPT_IN_ENGLISH = {words: code for code, words in CANCEL_REASONS.items()}


def cancel_reason(kept: str) -> CancelReason | None:
    """The store's own reason a kept text names (its code, or the English of older orders);
    None for a reason a staff member typed."""
    try:
        return CancelReason(kept)
    except ValueError:
        return _KEPT_IN_ENGLISH.get(kept)


def reason_shown(kept: str) -> str | Words:
    """A kept reason as its reader should see it: the store's own in their language (Words),
    a staff member's as typed."""
    code = cancel_reason(kept)
    return Words(CANCEL_REASONS[code]) if code is not None else kept


def actor_label(actor: str, customer_name: str = "") -> str | Words:
    """Who made a change, as people say it: the customer's name, a staff member's username."""
    kind, _, name = actor.partition(":")
    if kind == "customer":
        return customer_name or Words(said("the customer"))
    if kind == "staff" and name:
        return name
    if kind == "handover":
        return Words(said("the hand-over"))
    if kind == "shop":
        return Words(said("the shop"))
    return actor


def moved_by(order: Order) -> str | Words:
    """Who made the order's last change."""
    return actor_label(order.history[-1].actor, order.customer_name) if order.history else ""


def check_transition(order: Order, wanted: OrderStatus, actor: Actor) -> None:
    moves = allowed_next(
        order.status,
        order.fulfilment.kind,
        actor,
        awaits_payment=order.payment.awaits_payment,
        delivery_code=order.has_delivery_code,
    )
    if wanted not in moves:
        raise InvalidTransition(order.code, order.status, wanted)


def new_pickup_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(PICKUP_CODE_LENGTH))


def new_order_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_order_code(text: str) -> str:
    return text.strip().upper().removeprefix("#")


@dataclass(frozen=True, slots=True)
class OrderLine:
    product_id: int
    sku: str
    name: str
    unit: str
    quantity: Decimal
    unit_price_minor: int
    line_total_minor: int
    # The VAT rate (percent) it was sold at; None: sold before rates were kept (the store's
    # default then applies, bot.domain.receipts).
    vat_rate: Decimal | None = None
    id: int | None = None
    # What was ordered, once staff picked it otherwise (bot.domain.picking); None: as ordered.
    ordered_quantity: Decimal | None = None
    ordered_product_id: int | None = None  # the item it replaced
    ordered_name: str | None = None


@dataclass(frozen=True, slots=True)
class StatusChange:
    status: OrderStatus
    at: datetime
    actor: str
    reason: str = ""


@dataclass(slots=True)
class Order:
    code: str
    customer_id: int
    lines: list[OrderLine]
    fulfilment: Fulfilment
    phone: str
    note: str
    status: OrderStatus
    placed_at: datetime
    currency: str
    history: list[StatusChange] = field(default_factory=list)
    id: int | None = None
    payment: Payment = field(default_factory=Payment)
    # The hand-over code: a pickup's when it is ready; a delivery's (for the courier) when it
    # goes out, only if the store asks for delivery codes.
    pickup_code: str | None = None
    customer_name: str = ""  # as the customer gave it; staff greet them by it
    money_taken: MoneyTaken | None = None  # recorded when it is completed
    # Paid in Telegram, then picked heavier: how, and how much, was taken at the hand-over.
    extra_taken: MoneyTaken | None = None
    extra_taken_minor: int = 0
    # The total it was placed at: what a Telegram invoice asked (None: as total_minor, which
    # follows the picking) and whether the customer is still to hear of the picking's changes.
    placed_total_minor: int | None = None
    changes_untold: bool = False
    promo: OrderPromo | None = None  # the promo code it was placed with

    @property
    def has_delivery_code(self) -> bool:
        """A delivery whose customer got a code for the courier (the store asks for one)."""
        return self.fulfilment.kind is FulfilmentKind.DELIVERY and self.pickup_code is not None

    @property
    def subtotal_minor(self) -> int:
        return sum(line.line_total_minor for line in self.lines)

    @property
    def discount_minor(self) -> int:
        """What its promo code takes off its items as they are now (picked lighter: less)."""
        return 0 if self.promo is None else self.promo.off(self.subtotal_minor)

    @property
    def total_minor(self) -> int:
        return self.subtotal_minor - self.discount_minor + self.fulfilment.delivery_fee_minor


def clean_reason(text: str) -> str:
    """Why an order is cancelled: the customer reads it, so it is needed and kept short."""
    reason = one_line(text)
    if not reason:
        raise InvalidInput(said("Say why the order is cancelled; the customer will see it"))
    if len(reason) > MAX_REASON:
        raise InvalidInput(
            said("That reason has {length} characters; please keep it to {limit}"),
            length=len(reason),
            limit=MAX_REASON,
        )
    return reason


def clean_note(text: str | None) -> str:
    note = without_controls(text or "", keep_newlines=True).strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput(said("A note has at most {limit} characters"), limit=MAX_NOTE)
    return note


# ---------------------------------------------------------------------- what orders tell


class PaymentState(StrEnum):
    """How an order is paid, as a message about it says."""

    PAID = "paid"  # in Telegram
    ONLINE = PaymentMethod.ONLINE.value  # to pay in Telegram, not paid yet
    ON_HANDOVER = PaymentMethod.ON_HANDOVER.value  # to pay at the counter, or to the driver


@dataclass(frozen=True, slots=True)
class OrderMoney:
    """How an order is paid, how it is fulfilled and its total, for a message to say the money
    (kept with new-order alerts and status messages since payments came; older ones lack it)."""

    payment: PaymentState
    fulfilment: FulfilmentKind
    total_minor: int
    currency: str


def order_money(order: Order) -> OrderMoney:
    paid = PaymentState.PAID if order.payment.is_paid else PaymentState(order.payment.method)
    return OrderMoney(paid, order.fulfilment.kind, order.total_minor, order.currency)


@dataclass(frozen=True, slots=True)
class NewOrderAlert(Facts):
    """To the staff on duty: an order they can start on, with what they need to start on it
    without opening it (alerts queued before these were kept hold the code and less)."""

    KIND: ClassVar[NotificationKind] = NotificationKind.ORDER_PLACED
    order_code: str
    money: OrderMoney | None = None
    customer: str = ""
    items: tuple[ItemAmount, ...] = ()
    note: str = ""
    address: str = ""  # a delivery's
    delivery_from: datetime | None = None
    delivery_until: datetime | None = None
    pickup_slot: datetime | None = None


def new_order_alert(order: Order, *, paid: bool = False) -> NewOrderAlert:
    """Who, what, when, where; `paid`: told as the payment arrives, before the order knows."""
    money = order_money(order)
    if paid:
        money = OrderMoney(PaymentState.PAID, money.fulfilment, money.total_minor, money.currency)
    f = order.fulfilment
    window = f.window if f.kind is FulfilmentKind.DELIVERY else None
    return NewOrderAlert(
        order.code,
        money,
        order.customer_name,
        tuple(ItemAmount(line.quantity, line.unit, line.name) for line in order.lines),
        order.note,
        (f.address or "") if f.kind is FulfilmentKind.DELIVERY else "",
        window[0] if window else None,
        window[1] if window else None,
        f.pickup_slot if f.kind is not FulfilmentKind.DELIVERY else None,
    )


@dataclass(frozen=True, slots=True)
class StatusNews(Facts):
    """To the customer: their order moved on (and why, for a cancellation), with the code to
    show at the hand-over once it is ready."""

    KIND: ClassVar[NotificationKind] = NotificationKind.ORDER_STATUS
    order_code: str
    status: OrderStatus
    money: OrderMoney | None = None
    reason: str = ""  # a cancellation's: the store's code, or as staff typed it
    pickup_code: str = ""  # shown with its QR image
    delivery_code: str = ""  # for the courier: told, not scanned


@dataclass(frozen=True, slots=True)
class OrderCancelledAlert(Facts):
    """To the staff on duty: the customer cancelled their order."""

    KIND: ClassVar[NotificationKind] = NotificationKind.ORDER_CANCELLED
    order_code: str
    customer: str = ""
