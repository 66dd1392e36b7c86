"""Orders and the status machine they follow."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from bot.domain.errors import InvalidInput, InvalidTransition
from bot.domain.payments import Payment
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

    def __post_init__(self) -> None:
        if self.kind is FulfilmentKind.PICKUP:
            if self.pickup_slot is None:
                raise InvalidInput(said("Pick a time slot for pickup"))
            if self.address is not None or self.delivery_fee_minor:
                raise InvalidInput(said("A pickup has no address or delivery fee"))
        else:
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
    def delivery(address: str, fee_minor: int) -> Fulfilment:
        return Fulfilment(
            FulfilmentKind.DELIVERY,
            address=without_controls(address, keep_newlines=True).strip(),
            delivery_fee_minor=fee_minor,
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
    status: OrderStatus, kind: FulfilmentKind, actor: Actor, *, awaits_payment: bool = False
) -> list[OrderStatus]:
    """What this actor may move an order to now, in the order buttons should show.

    A pickup is completed only by its hand-over (the customer's code), and an order waiting
    for its online payment can only be cancelled: nobody prepares what is not paid."""
    if actor is Actor.CUSTOMER:
        return [OrderStatus.CANCELLED] if status is OrderStatus.PLACED else []
    nxt = _FORWARD[kind].get(status)
    if actor is Actor.HANDOVER:
        return [nxt] if nxt is OrderStatus.COMPLETED and not awaits_payment else []
    handover_only = kind is FulfilmentKind.PICKUP and nxt is OrderStatus.COMPLETED
    moves = [nxt] if nxt and not awaits_payment and not handover_only else []
    if status in (OrderStatus.PLACED, OrderStatus.ACCEPTED):
        moves.append(OrderStatus.CANCELLED)
    return moves


# The reasons the store itself gives for a cancellation, kept with the order in English and
# shown in the reader's language (a staff member's typed reason is shown as typed).
CANCELLED_BY_CUSTOMER = said("cancelled by the customer")
NOT_PAID_IN_TIME = said("not paid in time")


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
    pickup_code: str | None = None  # set when it is ready (or out for delivery)
    customer_name: str = ""  # as the customer gave it; staff greet them by it

    @property
    def subtotal_minor(self) -> int:
        return sum(line.line_total_minor for line in self.lines)

    @property
    def total_minor(self) -> int:
        return self.subtotal_minor + self.fulfilment.delivery_fee_minor


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
