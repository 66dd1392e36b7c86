"""Ratings: asked once an order is completed, given with a tap, a comment if the customer
wishes; managers read them in /report and the back office (bot.domain.services.sales)."""

from __future__ import annotations

from datetime import datetime

from bot.domain.clock import Clock, utc_now
from bot.domain.errors import InvalidInput, UnknownOrder
from bot.domain.notifications import Notification
from bot.domain.orders import Order, OrderStatus, normalise_order_code
from bot.domain.ports import UnitOfWork
from bot.domain.ratings import Rating, RatingRequest, check_stars, clean_comment
from bot.domain.services.customers import CustomerRef
from bot.domain.services.retry import retry_on_conflict
from bot.domain.text import said


def ask_for_rating(uow: UnitOfWork, order: Order, chat_id: int, at: datetime) -> None:
    """In the transaction that completes the order, after its receipt: one question, with
    five stars to tap (sent through the outbox, once)."""
    assert order.id is not None
    uow.outbox.add(Notification(chat_id, RatingRequest(order.code), at, order.id))


def _completed_own(uow: UnitOfWork, customer: CustomerRef, code: str) -> Order:
    wanted = normalise_order_code(code)
    who = uow.customers.get_by_telegram_id(customer.telegram_user_id)
    order = uow.orders.get_by_code(wanted)
    if order is None or who is None or order.customer_id != who.id:
        raise UnknownOrder(wanted)  # someone else's order is as unknown as none
    if order.status is not OrderStatus.COMPLETED:
        raise InvalidInput(said("An order can be rated once you have it."))
    return order


@retry_on_conflict
def rate_order(
    customer: CustomerRef, code: str, stars: int, *, uow: UnitOfWork, clock: Clock = utc_now
) -> Rating:
    """The customer's stars for their completed order; another tap changes them (a comment
    given stays)."""
    check_stars(stars)
    with uow:
        order = _completed_own(uow, customer, code)
        assert order.id is not None
        uow.ratings.rate(order.id, order.customer_id, stars, clock())
        rating = uow.ratings.get(order.id)
        assert rating is not None
        uow.commit()
        return rating


def rated(customer: CustomerRef, code: str, *, uow: UnitOfWork) -> Rating:
    """The customer's rating of their order, before a comment is asked for."""
    with uow.reading():
        order = _completed_own(uow, customer, code)
        assert order.id is not None
        rating = uow.ratings.get(order.id)
    if rating is None:
        raise InvalidInput(said("Tap the stars first, then add a comment."))
    return rating


@retry_on_conflict
def comment_order(
    customer: CustomerRef, code: str, text: str, *, uow: UnitOfWork, clock: Clock = utc_now
) -> Rating:
    comment = clean_comment(text)
    with uow:
        order = _completed_own(uow, customer, code)
        assert order.id is not None
        if not uow.ratings.add_comment(order.id, comment, clock()):
            raise InvalidInput(said("Tap the stars first, then add a comment."))
        rating = uow.ratings.get(order.id)
        assert rating is not None
        uow.commit()
        return rating
