"""Who is ordering: customers are known by their Telegram user id."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.customers import Customer
from bot.domain.ports import UnitOfWork
from bot.domain.text import one_line


@dataclass(frozen=True, slots=True)
class CustomerRef:
    """What the chat tells us about the person; names can change between visits."""

    telegram_user_id: int
    name: str
    username: str | None = None


def identify(uow: UnitOfWork, ref: CustomerRef, *, lock: bool = False) -> Customer:
    """The customer row for this person, created on first contact (inside the caller's unit);
    `lock`: held until the caller's transaction ends (a new row is, being new)."""
    customer = uow.customers.get_by_telegram_id(ref.telegram_user_id, for_update=lock)
    name = one_line(ref.name or "")[:120] or "Customer"
    if customer is None:
        return uow.customers.add(Customer(ref.telegram_user_id, name, ref.username))
    if (customer.name, customer.username) != (name, ref.username):
        customer.name, customer.username = name, ref.username
        uow.customers.update(customer)
    return customer
