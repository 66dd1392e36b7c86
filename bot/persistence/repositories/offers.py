"""Offers (bot.domain.offers): the few rows every priced read asks for."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.orm import Session

from bot.domain.offers import Offer
from bot.persistence.models import OfferRow


def _offer(row: Any) -> Offer:
    return Offer(
        row.product_id,
        row.category,
        row.percent,
        row.price_minor,
        row.starts_at,
        row.ends_at,
        row.created_by,
        row.id,
    )


_offers = cast(Table, OfferRow.__table__)
# Every priced read in a transaction runs it (a cart change, each time): built once, over
# plain columns (no ORM objects to make for rows read only to be copied).
_NOT_ENDED = (
    select(
        _offers.c.product_id,
        _offers.c.category,
        _offers.c.percent,
        _offers.c.price_minor,
        _offers.c.starts_at,
        _offers.c.ends_at,
        _offers.c.created_by,
        _offers.c.id,
    )
    .where(_offers.c.ends_at > bindparam("at"))
    .order_by(_offers.c.ends_at, _offers.c.id)
)


class SqlOfferRepository:
    """One per transaction: the offers not yet ended are read once in it (a cart change prices
    the cart and the item it adds), and read again after it adds or ends one."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._ahead: tuple[datetime, list[Offer]] | None = None

    def add(self, offer: Offer, at: datetime) -> Offer:
        row = OfferRow(
            product_id=offer.product_id,
            category=offer.category,
            percent=offer.percent,
            price_minor=offer.price_minor,
            starts_at=offer.starts_at,
            ends_at=offer.ends_at,
            created_by=offer.created_by,
            created_at=at,
        )
        self.session.add(row)
        self.session.flush()
        self._ahead = None
        return _offer(row)

    def not_ended(self, at: datetime) -> list[Offer]:
        """Running at `at` or starting later; soonest end first."""
        if self._ahead is not None and self._ahead[0] <= at:
            return [offer for offer in self._ahead[1] if offer.ends_at > at]
        rows = self.session.execute(_NOT_ENDED, {"at": at})
        found = [_offer(row) for row in rows]
        self._ahead = (at, found)
        return found

    def end(self, offer_id: int, at: datetime) -> bool:
        """End it at `at`: one running ends now (its row stays: what was sold how); one not
        yet started is dropped. False: it had ended already, or never was."""
        self._ahead = None
        # Once: a second manager ending it, even one whose clock read earlier and who
        # commits later (its moment still before the end), finds it ended already.
        ended = self.session.execute(
            update(OfferRow)
            .where(
                OfferRow.id == offer_id,
                OfferRow.ended_at.is_(None),
                OfferRow.starts_at < at,
                OfferRow.ends_at > at,
            )
            .values(ends_at=at, ended_at=at)
        )
        if ended.rowcount:  # type: ignore[attr-defined]
            return True
        dropped = self.session.execute(
            delete(OfferRow).where(
                OfferRow.id == offer_id, OfferRow.ended_at.is_(None), OfferRow.starts_at >= at
            )
        )
        return bool(dropped.rowcount)  # type: ignore[attr-defined]
