"""Favourites: the items a customer keeps one tap away (⭐ on an item's card, ⭐ Favourites in
the menu). Kept in the database, one row per customer and item, so every worker sees the same."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.catalogue import Product
from bot.domain.clock import Clock, utc_now
from bot.domain.errors import UnknownProduct
from bot.domain.ports import UnitOfWork
from bot.domain.services.catalogue import Page, for_sale
from bot.domain.services.customers import CustomerRef, identify
from bot.domain.services.offers import prices_now
from bot.domain.services.retry import retry_on_conflict


@dataclass(frozen=True, slots=True)
class Starred:
    """An item after ⭐ was pressed: as it is now (its card is drawn from it), whether it is a
    favourite now, and whether this press changed that (False: a double tap, or another
    worker's press of the same button, came first)."""

    product: Product
    favourite: bool
    changed: bool


@retry_on_conflict
def set_favourite(
    customer: CustomerRef,
    product_id: int,
    favourite: bool,
    *,
    uow: UnitOfWork,
    clock: Clock = utc_now,
) -> Starred:
    """Make the item one of the customer's favourites, or no longer one.

    The button says which of the two it does, drawn from what the card showed ("☆": make it
    one; "⭐": no longer), rather than "the other way round": two taps of one button, or the
    same press taken by two workers, mean the same and change it once. Adding is one insert
    that skips a row already there (the key is customer and item), so no read-then-write race
    leaves two rows or an error. An item no longer sold is refused by name; taking one off the
    list is always allowed (its card cannot be opened any more)."""
    with uow:
        product = uow.products.get(product_id)
        if product is None:
            raise UnknownProduct(str(product_id))
        if favourite:
            for_sale(product, product_id)
            who = identify(uow, customer)
            assert who.id is not None
            changed = uow.favourites.add(who.id, product_id, clock())
        else:
            known = uow.customers.get_by_telegram_id(customer.telegram_user_id)
            changed = bool(
                known and known.id is not None and uow.favourites.remove(known.id, product_id)
            )
        uow.commit()
        return Starred(product, favourite, changed)


def is_favourite(customer: CustomerRef, product_id: int, *, uow: UnitOfWork) -> bool:
    """Whether the item's card shows ⭐ for this person (a card drawn outside a button press,
    whose record reads it: bot.domain.services.deliveries)."""
    with uow.reading():
        who = uow.customers.get_by_telegram_id(customer.telegram_user_id)
        return who is not None and who.id is not None and uow.favourites.has(who.id, product_id)


def favourites(customer: CustomerRef, *, offset: int, limit: int, uow: UnitOfWork) -> Page[Product]:
    """A page of the customer's favourites: those on sale first (sold out ones too), then
    those no longer sold, each part by name. Nothing is dropped from the list because it
    cannot be bought now: the list says so, and offers to take it off."""
    with uow.reading():
        who = uow.customers.get_by_telegram_id(customer.telegram_user_id)
        if who is None or who.id is None:
            return Page([], 0, offset, limit)
        items = prices_now(uow, uow.favourites.items(who.id, limit=limit, offset=offset), utc_now())
        return Page(items, uow.favourites.count(who.id), offset, limit)
