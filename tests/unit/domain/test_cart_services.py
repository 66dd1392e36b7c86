from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from bot.domain.errors import InvalidInput, NotInCart, OutOfStock, ProductArchived
from bot.domain.offers import Offer
from bot.domain.services import catalogue
from bot.domain.services.cart import (
    add_to_cart,
    empty_cart,
    set_cart_quantity,
    step_cart_line,
    view_cart,
)
from tests.support.factories import STORE, customer, make_kg_product, stocked
from tests.support.fakes import FakeOffers, FakeUnitOfWork


def test_adding_to_the_cart_adds_to_what_is_there() -> None:
    uow = FakeUnitOfWork()
    bread = stocked(uow, 10, price_minor=180)
    ann = customer()
    add_to_cart(ann, bread.id or 0, Decimal(2), uow=uow)
    cart = add_to_cart(ann, bread.id or 0, Decimal(1), uow=uow)
    assert cart.quantity_of(bread.id or 0) == 3
    assert cart.total_minor == 540


def test_items_sold_by_weight_go_in_by_their_step() -> None:
    uow = FakeUnitOfWork()
    apples = catalogue.add_product(
        make_kg_product(price_minor=399), initial_stock=Decimal(5), actor="t", store=STORE, uow=uow
    )
    cart = set_cart_quantity(customer(), apples.id or 0, Decimal("0.75"), uow=uow)
    assert cart.total_minor == 299  # 2.9925 rounds to 2.99
    with pytest.raises(InvalidInput, match="steps"):
        set_cart_quantity(customer(), apples.id or 0, Decimal("0.3"), uow=uow)


def test_you_cannot_put_a_sold_out_item_in_the_cart() -> None:
    uow = FakeUnitOfWork()
    milk = stocked(uow, 0)
    with pytest.raises(OutOfStock) as refused:
        set_cart_quantity(customer(), milk.id or 0, Decimal(1), uow=uow)
    assert refused.value.available == 0


def test_archived_items_cannot_be_added() -> None:
    uow = FakeUnitOfWork()
    old = stocked(uow, 2, sku="OLD-ITEM")
    catalogue.set_active("OLD-ITEM", False, uow=uow)
    with pytest.raises(ProductArchived):
        add_to_cart(customer(), old.id or 0, Decimal(1), uow=uow)


def test_each_customer_has_their_own_cart_and_can_empty_it() -> None:
    uow = FakeUnitOfWork()
    tea = stocked(uow, 10)
    ann, bob = customer(), customer()
    add_to_cart(ann, tea.id or 0, Decimal(1), uow=uow)
    assert view_cart(bob, uow=uow).is_empty
    set_cart_quantity(ann, tea.id or 0, Decimal(0), uow=uow)
    assert view_cart(ann, uow=uow).is_empty
    add_to_cart(ann, tea.id or 0, Decimal(2), uow=uow)
    empty_cart(ann, uow=uow)
    assert view_cart(ann, uow=uow).is_empty


def test_a_cart_holds_at_most_twenty_different_items() -> None:
    uow = FakeUnitOfWork()
    ann = customer()
    items = [stocked(uow, 5) for _ in range(21)]
    for item in items[:20]:
        add_to_cart(ann, item.id or 0, Decimal(1), uow=uow)
    add_to_cart(ann, items[0].id or 0, Decimal(1), uow=uow)  # more of one already there is fine
    with pytest.raises(InvalidInput, match="up to 20 different items"):
        add_to_cart(ann, items[20].id or 0, Decimal(1), uow=uow)


def test_a_cart_line_moves_by_whole_steps_and_leaves_at_zero() -> None:
    uow = FakeUnitOfWork()
    apples = catalogue.add_product(
        make_kg_product(price_minor=400), initial_stock=Decimal(5), actor="t", store=STORE, uow=uow
    )
    ann = customer()
    set_cart_quantity(ann, apples.id or 0, Decimal("0.5"), uow=uow)
    assert step_cart_line(ann, apples.id or 0, 1, uow=uow).quantity_of(apples.id or 0) == (
        Decimal("0.75")
    )
    step_cart_line(ann, apples.id or 0, -1, uow=uow)
    step_cart_line(ann, apples.id or 0, -1, uow=uow)
    assert step_cart_line(ann, apples.id or 0, -1, uow=uow).is_empty
    with pytest.raises(NotInCart):
        step_cart_line(ann, apples.id or 0, 1, uow=uow)


def test_an_item_added_with_the_offers_its_card_was_priced_with_goes_in_at_that_price(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The worker passes the offers it keeps at the update's catalogue version (those its
    card showed): the cart's line is priced with them, and no offer is read again."""
    uow = FakeUnitOfWork()
    tea = stocked(uow, 10, price_minor=400)
    assert tea.id is not None
    now = datetime.now(UTC)
    half = Offer(
        tea.id, None, Decimal(50), None, now - timedelta(hours=1), now + timedelta(hours=1)
    )
    monkeypatch.setattr(FakeOffers, "not_ended", _no_read)  # each unit makes its own
    cart = add_to_cart(customer(), tea.id, Decimal(2), uow=uow, offers=[half])
    assert cart.total_minor == 400  # two at half price


def _no_read(_self: FakeOffers, _at: datetime) -> list[Offer]:
    raise AssertionError("the offers were read again")
