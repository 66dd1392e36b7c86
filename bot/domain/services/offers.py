"""Offers, set by managers (`/offer`, the back office), and the items priced as sold now."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.domain.catalogue import Product, same_category
from bot.domain.clock import Clock, utc_now
from bot.domain.errors import InvalidInput, NotFound, UnknownProduct
from bot.domain.offers import Offer, OfferTerms, priced
from bot.domain.ports import UnitOfWork
from bot.domain.services.retry import retry_on_conflict
from bot.domain.text import said


def prices_now(
    uow: UnitOfWork,
    products: Sequence[Product],
    at: datetime,
    offers: Sequence[Offer] | None = None,
) -> list[Product]:
    """The items as a customer buys them at `at` (bot.domain.offers.price_at), inside a
    unit of work the caller holds open: one read of the offers not yet ended, unless the
    caller has them (`offers`: as a worker keeps them at the update's catalogue version)."""
    if not products:
        return []
    return priced(products, uow.offers.not_ended(at) if offers is None else offers, at)


def prices_by_id(uow: UnitOfWork, product_ids: list[int], at: datetime) -> dict[int, Product]:
    """The items of these ids that exist, priced as sold at `at`, by id."""
    found = uow.products.get_many(product_ids)
    return {p.id: p for p in prices_now(uow, list(found.values()), at) if p.id is not None}


def price_now(
    uow: UnitOfWork, product: Product | None, at: datetime, offers: Sequence[Offer] | None = None
) -> Product | None:
    return None if product is None else prices_now(uow, [product], at, offers)[0]


@dataclass(frozen=True, slots=True)
class ShownOffer:
    """An offer with what it is for, as a list of offers shows it."""

    offer: Offer
    label: str  # the item's name, or the category's
    sku: str | None


@retry_on_conflict
def start_offer(
    terms: OfferTerms, actor: str, *, uow: UnitOfWork, clock: Clock = utc_now
) -> ShownOffer:
    """Put an item (by SKU) or a category (by name, any case) on offer. Screens on every
    worker show it from its start: the catalogue's version moves now, and each worker's
    kept screens last only until the next offer starts or ends (bot.handlers.browsing)."""
    at = clock()
    with uow:
        product_id: int | None = None
        category: str | None = None
        sku: str | None = None
        if terms.is_category:
            category = same_category(terms.target, uow.products.categories())
            if category is None:
                raise NotFound(
                    said("No category “{name}” has items on sale."), name=terms.target[:60]
                )
            label = category
        else:
            product = uow.products.get_by_sku(terms.target.strip().upper()[:32])
            if product is None:
                raise UnknownProduct(terms.target.strip().upper()[:32])
            if not product.active:
                raise InvalidInput(said("{name} is archived; it is not sold."), name=product.name)
            product_id, label, sku = product.id, product.name, product.sku
            if terms.price_minor is not None and terms.price_minor >= product.price_minor:
                raise InvalidInput(
                    said("An offer price must be below the list price."), name=product.name
                )
        offer = uow.offers.add(
            Offer(
                product_id,
                category,
                terms.percent,
                terms.price_minor,
                max(terms.starts_at, at),
                terms.ends_at,
                actor[:64],
            ),
            at,
        )
        uow.catalogue.changed()
        uow.commit()
        return ShownOffer(offer, label, sku)


@retry_on_conflict
def end_offer(offer_id: int, *, uow: UnitOfWork, clock: Clock = utc_now) -> bool:
    """End an offer now (one not yet started is dropped); False if it had ended already."""
    with uow:
        ended = uow.offers.end(offer_id, clock())
        if ended:
            uow.catalogue.changed()
        uow.commit()
        return ended


def offers_not_ended(*, uow: UnitOfWork, clock: Clock = utc_now) -> list[ShownOffer]:
    """Running now or starting later, soonest end first, with what each is for."""
    with uow.reading():
        offers = uow.offers.not_ended(clock())
        items = uow.products.get_many([o.product_id for o in offers if o.product_id is not None])
        shown = []
        for offer in offers:
            if offer.product_id is None:
                assert offer.category is not None
                shown.append(ShownOffer(offer, offer.category, None))
                continue
            item = items.get(offer.product_id)
            shown.append(ShownOffer(offer, item.name if item else "?", item.sku if item else None))
        return shown


def offers_ahead(*, uow: UnitOfWork, clock: Clock = utc_now) -> list[Offer]:
    """The offers not yet ended: a worker keeps them while the catalogue's version stands,
    prices every card with them, and keeps its screens between their starts and ends
    (bot.handlers.browsing)."""
    with uow.reading():
        return uow.offers.not_ended(clock())
