"""Promo codes: set and ended by managers (`/promo`, `/promos`), given by customers at
checkout, redeemed once per order when it is placed (race-proof: the code's row is held)."""

from __future__ import annotations

from datetime import datetime

from bot.domain.clock import Clock, utc_now
from bot.domain.errors import InvalidInput
from bot.domain.money import Currency
from bot.domain.ports import UnitOfWork
from bot.domain.promo_codes import (
    OrderPromo,
    PromoCode,
    PromoRefused,
    UnknownPromoCode,
    is_code_shaped,
    normalise_code,
)
from bot.domain.services.retry import retry_on_conflict
from bot.domain.text import said

MOST_LISTED = 50


@retry_on_conflict
def add_promo_code(promo: PromoCode, *, uow: UnitOfWork, clock: Clock = utc_now) -> PromoCode:
    with uow:
        added = uow.promo_codes.add(promo, clock())
        if added is None:
            raise InvalidInput(
                said("There is a promo code {code} already; choose another name."),
                code=promo.code,
            )
        uow.commit()
        return added


@retry_on_conflict
def end_promo_code(promo_id: int, *, uow: UnitOfWork, clock: Clock = utc_now) -> bool:
    """It applies to no checkout from now (one given at a summary is refused at Confirm);
    orders placed with it keep their discount. False: it had ended already."""
    with uow:
        ended = uow.promo_codes.end(promo_id, clock())
        uow.commit()
        return ended


def promo_codes_not_over(
    *, uow: UnitOfWork, clock: Clock = utc_now, limit: int = MOST_LISTED
) -> list[PromoCode]:
    """Those that apply now or later, by code (a chat message lists fewer than a page)."""
    with uow.reading():
        return uow.promo_codes.not_over(clock(), limit=limit)


def applying(
    uow: UnitOfWork,
    typed: str,
    customer_id: int,
    items_minor: int,
    currency: Currency,
    at: datetime,
    *,
    for_update: bool = False,
) -> PromoCode:
    """The code typed, if it applies now to this customer's basket whose items cost
    `items_minor`; else raises why not. `for_update`: its row is held until the end of the
    transaction, so the uses counted here are not taken meanwhile."""
    code = normalise_code(typed)
    found = (
        uow.promo_codes.get_by_code(code, for_update=for_update) if is_code_shaped(code) else None
    )
    if found is None or found.id is None:
        raise UnknownPromoCode(code[:30])
    found.check(at, items_minor, currency, uow.orders.promo_uses(found.id, customer_id))
    return found


def redeem(
    uow: UnitOfWork, code: str, customer_id: int, items_minor: int, currency: Currency, at: datetime
) -> OrderPromo:
    """Count a use of the code for an order being placed, inside its transaction: checked
    and counted under the code's row lock, so of twelve customers confirming at once for its
    last use, one gets it and the others are told it was used up."""
    promo = applying(uow, code, customer_id, items_minor, currency, at, for_update=True)
    assert promo.id is not None
    if not uow.promo_codes.take_use(promo.id):
        raise PromoRefused(said("Promo code {code} has been used up."), code=promo.code)
    return promo.for_order(items_minor)


def give_back(uow: UnitOfWork, promo: OrderPromo | None) -> None:
    """A cancelled order's use of its code is free again."""
    if promo is not None and promo.promo_id is not None:
        uow.promo_codes.give_back_use(promo.promo_id)
