"""A checkout in progress, kept in the database so it survives restarts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.customers import normalise_phone
from bot.domain.errors import InvalidInput
from bot.domain.orders import Fulfilment, FulfilmentKind
from bot.domain.promo_codes import is_code_shaped, normalise_code

# A question left this long is abandoned: typed text that does not fit it is read as a search.
ABANDONED_AFTER = timedelta(minutes=10)


class CheckoutStep(StrEnum):
    FULFILMENT = "fulfilment"  # pickup or delivery?
    SLOT = "slot"  # pickup: which time slot
    ADDRESS = "address"  # delivery: where to (typed)
    WINDOW = "window"  # delivery: which time window (if the store offers them)
    PHONE = "phone"  # share contact or type a number
    NOTE = "note"  # optional; typed or skipped
    CONFIRM = "confirm"  # summary shown, waiting for Confirm
    PROMO = "promo"  # from the summary: a promo code asked for (typed)

    @property
    def expects_text(self) -> bool:
        return self in (
            CheckoutStep.ADDRESS,
            CheckoutStep.PHONE,
            CheckoutStep.NOTE,
            CheckoutStep.PROMO,
        )


@dataclass(slots=True)
class CheckoutDraft:
    customer_id: int
    step: CheckoutStep
    updated_at: datetime
    kind: FulfilmentKind | None = None
    pickup_slot: datetime | None = None
    address: str | None = None
    delivery_from: datetime | None = None  # the chosen delivery window's start
    phone: str | None = None
    note: str = ""
    promo_code: str | None = None  # given at the summary; checked again at Confirm

    def is_abandoned(self, now: datetime) -> bool:
        return now - self.updated_at > ABANDONED_AFTER

    def fits(self, text: str, country: str) -> bool:
        """Whether text typed after a long break still reads as the answer to this step."""
        if self.step is CheckoutStep.PHONE:
            try:
                normalise_phone(text, country)
            except InvalidInput:
                return False
            return True
        if self.step is CheckoutStep.ADDRESS:
            return len(text.split()) >= 2 and re.search(r"\d", text) is not None
        if self.step in (CheckoutStep.PROMO, CheckoutStep.CONFIRM):
            # A code found in a newsletter a while after the summary was shown.
            return is_code_shaped(normalise_code(text))
        return False

    def fulfilment(
        self, delivery_fee_minor: int, window_length: timedelta = timedelta(0)
    ) -> Fulfilment:
        """The answers as an order's fulfilment; a delivery window lasts `window_length`."""
        if self.kind is FulfilmentKind.PICKUP:
            assert self.pickup_slot is not None
            return Fulfilment.pickup(self.pickup_slot)
        assert self.address is not None
        window = None
        if self.delivery_from is not None and window_length:
            window = (self.delivery_from, self.delivery_from + window_length)
        return Fulfilment.delivery(self.address, delivery_fee_minor, window)
