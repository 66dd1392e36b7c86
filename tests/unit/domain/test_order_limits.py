"""No one order holds more of an item than the store allows, or than half of what is on hand:
the cart, the reorder and the checkout all stop there and say so in the same words."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.domain.cart import most_per_order
from bot.domain.errors import CartChanged, TooMuchForOneOrder
from bot.domain.services import orders
from bot.domain.services.buy_again import order_again
from bot.domain.services.cart import add_to_cart, set_cart_quantity, step_cart_line, view_cart
from tests.support.factories import (
    STORE,
    customer,
    make_kg_product,
    make_product,
    pickup_details,
    placed_order,
    stocked,
)
from tests.support.fakes import FakeUnitOfWork


def said_as_english(capped: TooMuchForOneOrder | None) -> str:
    assert capped is not None, "nothing was said"
    return str(capped.words)


def test_an_order_holds_at_most_the_stores_maximum_counted_in_steps_of_the_item() -> None:
    tea = make_product(stock=Decimal(500))
    apples = make_kg_product(stock=Decimal(500))  # sold by 0.25 kg
    assert most_per_order(tea, 20) == 20
    assert most_per_order(apples, 20) == Decimal(5)  # twenty portions, not twenty kilos
    assert most_per_order(tea, 3) == 3


@pytest.mark.parametrize(
    ("on_hand", "most"),
    [(10, 5), (5, 3), (3, 2), (2, 1), (1, 1), (0, 1)],
)
def test_an_order_holds_at_most_half_of_what_is_on_hand_rounded_up_and_at_least_one_step(
    on_hand: int, most: int
) -> None:
    assert most_per_order(make_product(stock=Decimal(on_hand)), 20) == most


def test_more_than_one_order_may_hold_is_set_to_the_most_and_said() -> None:
    uow = FakeUnitOfWork()
    tea = stocked(uow, 500, name="Earl Grey")
    ann = customer()
    cart = set_cart_quantity(ann, tea.id or 0, Decimal(500), uow=uow)
    assert cart.quantity_of(tea.id or 0) == 20
    assert said_as_english(cart.capped) == ("You can take at most 20 pc of Earl Grey per order.")
    assert view_cart(ann, uow=uow).quantity_of(tea.id or 0) == 20


def test_adding_and_plus_stop_at_the_most_and_say_it_the_same_way() -> None:
    uow = FakeUnitOfWork()
    jam = stocked(uow, 10, name="Strawberry jam")
    ann = customer()
    added = add_to_cart(ann, jam.id or 0, Decimal(3), uow=uow)
    assert added.capped is None
    more = add_to_cart(ann, jam.id or 0, Decimal(4), uow=uow)
    plus = step_cart_line(ann, jam.id or 0, 1, uow=uow)
    for view in (more, plus):
        assert view.quantity_of(jam.id or 0) == 5
        assert said_as_english(view.capped) == (
            "You can take at most 5 pc of Strawberry jam per order."
        )
    assert step_cart_line(ann, jam.id or 0, -1, uow=uow).capped is None


def test_the_stores_own_maximum_is_used_when_given() -> None:
    uow = FakeUnitOfWork()
    tea = stocked(uow, 500)
    cart = set_cart_quantity(customer(), tea.id or 0, Decimal(9), uow=uow, max_per_item=4)
    assert cart.quantity_of(tea.id or 0) == 4


def test_confirming_after_the_shelf_emptied_holds_at_most_half_of_what_is_left() -> None:
    uow = FakeUnitOfWork()
    tea = stocked(uow, 10, sku="TEA", name="Earl Grey")
    ann = customer()
    set_cart_quantity(ann, tea.id or 0, Decimal(5), uow=uow)
    placed_order(uow, customer(), (tea, 5))  # 5 left: one order may hold 3 now
    with pytest.raises(CartChanged) as changed:
        orders.place_order(ann, pickup_details(), store=STORE, uow=uow)
    assert str(changed.value).endswith("You can take at most 3 pc of Earl Grey per order.")
    assert view_cart(ann, uow=uow).quantity_of(tea.id or 0) == 3
    order = orders.place_order(ann, pickup_details(), store=STORE, uow=uow)
    assert [line.quantity for line in order.lines] == [3]


def test_a_reorder_stops_at_the_most_and_says_so() -> None:
    uow = FakeUnitOfWork()
    tea = stocked(uow, 60, sku="TEA", name="Earl Grey")
    ann = customer()
    old = placed_order(uow, ann, (tea, 15))  # 45 left
    set_cart_quantity(ann, tea.id or 0, Decimal(10), uow=uow)
    result = order_again(ann, old.code, uow=uow)
    assert result.added == ["Earl Grey"]
    assert result.left_out == []
    assert [str(words) for words in result.capped] == [
        "You can take at most 20 pc of Earl Grey per order."
    ]
    assert view_cart(ann, uow=uow).quantity_of(tea.id or 0) == 20
    again = order_again(ann, old.code, uow=uow)  # full already: nothing added, said again
    assert again.added == [] and again.left_out == [] and len(again.capped) == 1
