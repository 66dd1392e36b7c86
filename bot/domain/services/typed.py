"""A typed message costs one read: what waits for it and, when nothing does, the search it is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.domain.catalogue import Product
from bot.domain.clock import Clock, utc_now
from bot.domain.ports import UnitOfWork
from bot.domain.services.catalogue import Page, search_in, searchable
from bot.domain.services.prompts import Waiting, waiting_in
from bot.domain.typed_amount import TypedAmount, read_amount

# An amount typed this long after an item's card is still for that item.
CARD_LIFETIME = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class Typed:
    waiting: Waiting
    found: Page[Product] | None = None  # the first page of the search the text is
    # An amount typed right after an item's card: for that item (not a search).
    amount: TypedAmount | None = None
    card: int | None = None


def read_typed(
    telegram_user_id: int,
    text: str | None,
    *,
    limit: int,
    uow: UnitOfWork,
    clock: Clock = utc_now,
) -> Typed:
    """What a typed message answers and, when it answers nothing, the item card an amount
    ("1,5 kg") is for, or the first page of the search the text is, in one read transaction.
    Text too short to search is left to the search feature, which says so without reading
    anything."""
    with uow.reading():
        now = clock()
        waiting = waiting_in(uow, telegram_user_id, now)
        amount = read_amount(text) if waiting.nothing and text is not None else None
        if amount is not None:
            card = uow.carts.card_shown(telegram_user_id, now - CARD_LIFETIME)
            if card is not None:
                return Typed(waiting, amount=amount, card=card)
        if waiting.nothing and text is not None and searchable(text):
            return Typed(waiting, search_in(uow, text, offset=0, limit=limit))
    return Typed(waiting)
