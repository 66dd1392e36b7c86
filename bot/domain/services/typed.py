"""A typed message costs one read: what waits for it and, when nothing does, the search it is."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.catalogue import Product
from bot.domain.clock import Clock, utc_now
from bot.domain.ports import UnitOfWork
from bot.domain.services.catalogue import Page, search_in, searchable
from bot.domain.services.prompts import Waiting, waiting_in


@dataclass(frozen=True, slots=True)
class Typed:
    waiting: Waiting
    found: Page[Product] | None = None  # the first page of the search the text is


def read_typed(
    telegram_user_id: int,
    text: str | None,
    *,
    limit: int,
    uow: UnitOfWork,
    clock: Clock = utc_now,
) -> Typed:
    """What a typed message answers and, when it answers nothing and reads as a search, that
    search's first page, in one read transaction. Text too short to search is left to the
    search feature, which says so without reading anything."""
    with uow:
        waiting = waiting_in(uow, telegram_user_id, clock())
        if waiting.nothing and text is not None and searchable(text):
            return Typed(waiting, search_in(uow, text, offset=0, limit=limit))
    return Typed(waiting)
