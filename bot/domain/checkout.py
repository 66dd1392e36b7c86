"""A checkout in progress, kept in the database so it survives restarts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.orders import Fulfilment, FulfilmentKind


class CheckoutStep(StrEnum):
    FULFILMENT = "fulfilment"  # pickup or delivery?
    SLOT = "slot"  # pickup: which time slot
    ADDRESS = "address"  # delivery: where to (typed)
    PHONE = "phone"  # share contact or type a number
    NOTE = "note"  # optional; typed or skipped
    CONFIRM = "confirm"  # summary shown, waiting for Confirm

    @property
    def expects_text(self) -> bool:
        return self in (CheckoutStep.ADDRESS, CheckoutStep.PHONE, CheckoutStep.NOTE)


@dataclass(slots=True)
class CheckoutDraft:
    customer_id: int
    step: CheckoutStep
    updated_at: datetime
    kind: FulfilmentKind | None = None
    pickup_slot: datetime | None = None
    address: str | None = None
    phone: str | None = None
    note: str = ""

    def fulfilment(self, delivery_fee_minor: int) -> Fulfilment:
        if self.kind is FulfilmentKind.PICKUP:
            assert self.pickup_slot is not None
            return Fulfilment.pickup(self.pickup_slot)
        assert self.address is not None
        return Fulfilment.delivery(self.address, delivery_fee_minor)
