"""“Tell me when it's back” seen from the customer's side: whether they wait for an item, and
changing their mind. (Asking is `stock.watch_product`; telling is `stock.tell_watchers`.)"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.catalogue import Product
from bot.domain.ports import UnitOfWork
from bot.domain.services.catalogue import for_sale
from bot.domain.services.customers import CustomerRef
from bot.domain.services.retry import retry_on_conflict


def is_watching(customer: CustomerRef, product_id: int, *, uow: UnitOfWork) -> bool:
    """Whether this person asked to be told when the item is back (a sold-out card says so)."""
    with uow:
        who = uow.customers.get_by_telegram_id(customer.telegram_user_id)
        return who is not None and who.id is not None and uow.watches.has(who.id, product_id)


@dataclass(frozen=True, slots=True)
class Unwatched:
    product: Product  # as it is now: back on sale meanwhile, its card shows it
    was_watching: bool


@retry_on_conflict
def stop_watching(customer: CustomerRef, product_id: int, *, uow: UnitOfWork) -> Unwatched:
    """“Don't tell me” after all; pressing it twice (or on an old card) changes nothing more."""
    with uow:
        product = for_sale(uow.products.get(product_id), product_id)
        who = uow.customers.get_by_telegram_id(customer.telegram_user_id)
        removed = who is not None and who.id is not None and uow.watches.remove(who.id, product_id)
        uow.commit()
        return Unwatched(product, removed)
