"""The browse screens a worker has read, kept while the catalogue's version stands.

Every update's record reads the catalogue's version in its own transaction
(bot.domain.services.deliveries); a change to what these screens show moves it in the
transaction that makes the change (bot.persistence.repositories.catalogue.SqlCatalogueVersion),
whichever worker makes it. So a browse tap whose version this worker has seen before is
answered without a read of its own, and the tap after a change, on any worker, reads afresh.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import TypeVar

from bot.domain.catalogue import Product
from bot.domain.offers import Offer, boundaries
from bot.handlers.views import Keyboard
from bot.versioned_cache import Version, VersionedCache

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
    as stored; `cards`: an item's card as drawn (CardKey: it shows the person's cart);
    `offers`: those not yet ended (`screens_at`)."""

    names: VersionedCache[str, list[str]] = field(default_factory=lambda: VersionedCache(1))
    screens: VersionedCache[tuple[str, str, int], Screen] = field(
        default_factory=lambda: VersionedCache(SCREENS_KEPT)
    )
    items: VersionedCache[int, Product] = field(default_factory=lambda: VersionedCache(ITEMS_KEPT))
    cards: VersionedCache[CardKey, Screen] = field(
        default_factory=lambda: VersionedCache(CARDS_KEPT)
    )
    # The offers not yet ended: every card is priced with them, and the screens above hold
    # only between two of their starts and ends.
    offers: VersionedCache[str, list[Offer]] = field(default_factory=lambda: VersionedCache(1))


def screens_at(version: int | None, offers: list[Offer], now: datetime, zone: tzinfo) -> Version:
    """The version the screens are kept under: the catalogue's, and while offers are set, how
    many of their starts and ends have passed and the shop's date (a card says "until 20:00"
    on the offer's last day), so a screen drawn before an offer began or ended is not served
    after, on any worker, with no message between them."""
    if version is None or not offers:
        return version
    return (version, bisect_right(boundaries(offers), now), now.astimezone(zone).date())


async def kept(
    cache: VersionedCache[K, V], version: Version | None, key: K, read: Callable[[], Awaitable[V]]
) -> V:
    """The value kept for this version, else read (and kept)."""
    value = cache.get(version, key)
    if value is None:
        value = await read()
        cache.put(version, key, value)
    return value
