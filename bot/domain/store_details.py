"""What managers set from the back office about the shop itself — its opening hours, its
holidays, its address and phone, its flat delivery fee — over what the environment says.
Kept in the database, so every worker shows the same (each reads it with its heartbeat)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from bot.domain.errors import InvalidInput
from bot.domain.money import MAX_PRICE_MINOR
from bot.domain.opening_hours import HoursUnreadable, OpeningHours
from bot.domain.store import Store
from bot.domain.text import one_line, said

MAX_ADDRESS = 200
MAX_PHONE = 40


@dataclass(frozen=True, slots=True)
class StoreDetails:
    """Each None: as the environment says."""

    hours: str | None = None  # as SHOPKEEPS_OPENING_HOURS: "mon-sat 09:00-19:00"
    closed: str | None = None  # as SHOPKEEPS_CLOSED_DATES: "2026-12-25, 2027-01-01"
    address: str | None = None
    phone: str | None = None
    delivery_fee_minor: int | None = None
    changed_at: datetime | None = None
    changed_by: str = ""

    def applied_to(self, store: Store, hours: str, closed: str) -> Store:
        """The store as the bot uses it: `hours` and `closed` are the environment's texts,
        which a set one replaces."""
        if self.hours is not None or self.closed is not None:
            opening = OpeningHours.parse(
                self.hours if self.hours is not None else hours,
                self.closed if self.closed is not None else closed,
            )
            delivering = store.delivery_hours
            store = dataclasses.replace(
                store,
                hours=opening,
                # The holidays close deliveries too.
                delivery_hours=None
                if delivering is None
                else dataclasses.replace(delivering, closed=opening.closed),
            )
        fee, rules = store.delivery_fee_minor, store.delivery
        if self.delivery_fee_minor is not None:
            fee = self.delivery_fee_minor
            # Checkout quotes from the delivery rules: their flat fee is this one (zones keep
            # their own fees).
            rules = None if rules is None else dataclasses.replace(rules, flat_fee_minor=fee)
        return dataclasses.replace(
            store,
            address=store.address if self.address is None else self.address,
            phone=store.phone if self.phone is None else self.phone,
            delivery_fee_minor=fee,
            delivery=rules,
        )


def checked(details: StoreDetails) -> StoreDetails:
    """The details cleaned, or InvalidInput saying what is wrong."""
    if details.hours is not None or details.closed is not None:
        try:
            OpeningHours.parse(details.hours or "mon-sun 00:00-23:59", details.closed or "")
        except HoursUnreadable as problem:
            raise InvalidInput(
                said("The opening hours or holidays cannot be read: {problem}"),
                problem=problem.words,
            ) from None
    address = one_line(details.address) if details.address is not None else None
    if address is not None and len(address) > MAX_ADDRESS:
        raise InvalidInput(said("An address has at most {limit} characters"), limit=MAX_ADDRESS)
    phone = one_line(details.phone) if details.phone is not None else None
    if phone is not None and len(phone) > MAX_PHONE:
        raise InvalidInput(said("That phone number is too long."))
    fee = details.delivery_fee_minor
    if fee is not None and not 0 <= fee <= MAX_PRICE_MINOR:
        raise InvalidInput(said("A delivery fee cannot be negative"))
    return dataclasses.replace(details, address=address, phone=phone)
