"""The browse screens a worker has read, kept while the catalogue's version stands.

Every update's record reads the catalogue's version in its own transaction
(bot.domain.services.deliveries); a change to what these screens show moves it in the
transaction that makes the change (bot.persistence.repositories.catalogue.SqlCatalogueVersion),
whichever worker makes it. So a browse tap whose version this worker has seen before is
answered without a read of its own, and the tap after a change, on any worker, reads afresh.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from bot.domain.catalogue import Product
from bot.handlers.views import Keyboard
from bot.versioned_cache import VersionedCache

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

# Bounded: a store may have 100,000 items. Kept: the items looked at most recently, their
# cards and the screens (per language) of the categories and pages most recently shown, about
# 5 kB an item with its card: some 15 MB at most.
ITEMS_KEPT = 2048
CARDS_KEPT = 2048
SCREENS_KEPT = 1024

Screen = tuple[str, Keyboard]
# An item's card as drawn for a language, an item, the amount picked, the amount in the cart,
# (sold out) whether the person waits for it to come back, and whether it is a favourite.
CardKey = tuple[str, int, Decimal, Decimal, bool, bool]


@dataclass
class Browsing:
    """`names`: the categories on sale (one entry); `screens`: the categories screen by
    language, and a category's page by language, category key and offset; `items`: each item
    as stored; `cards`: an item's card as drawn (CardKey: it shows the person's cart)."""

    names: VersionedCache[str, list[str]] = field(default_factory=lambda: VersionedCache(1))
    screens: VersionedCache[tuple[str, str, int], Screen] = field(
        default_factory=lambda: VersionedCache(SCREENS_KEPT)
    )
    items: VersionedCache[int, Product] = field(default_factory=lambda: VersionedCache(ITEMS_KEPT))
    cards: VersionedCache[CardKey, Screen] = field(
        default_factory=lambda: VersionedCache(CARDS_KEPT)
    )


async def kept(
    cache: VersionedCache[K, V], version: int | None, key: K, read: Callable[[], Awaitable[V]]
) -> V:
    """The value kept for this version, else read (and kept)."""
    value = cache.get(version, key)
    if value is None:
        value = await read()
        cache.put(version, key, value)
    return value
