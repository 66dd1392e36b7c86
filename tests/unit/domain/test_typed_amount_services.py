"""An amount typed right after an item's card: for that item, exactly that much, or refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.services import catalogue
from bot.domain.services.cart import card_seen, set_typed_amount, view_cart
from bot.domain.services.typed import CARD_LIFETIME, read_typed
from bot.domain.typed_amount import read_amount
from tests.support.factories import STORE, customer, make_kg_product
from tests.support.fakes import FakeUnitOfWork

NOW = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)


def apples(uow: FakeUnitOfWork, stock: str = "5") -> int:
    product = catalogue.add_product(
        make_kg_product(name="Gala apples"),
        initial_stock=Decimal(stock),
        actor="t",
        store=STORE,
        uow=uow,
    )
    assert product.id is not None
    return product.id


def test_a_typed_amount_sets_the_line_rather_than_adding_to_it() -> None:
    uow = FakeUnitOfWork()
    gala, ann = apples(uow), customer()
    amount = read_amount("1,5 kg")
    assert amount is not None
    set_typed_amount(ann, gala, amount, uow=uow)
    cart = set_typed_amount(ann, gala, amount, uow=uow)
    assert cart.quantity_of(gala) == Decimal("1.5")


def test_a_refused_amount_leaves_the_cart_as_it_was() -> None:
    uow = FakeUnitOfWork()
    gala, ann = apples(uow, stock="2"), customer()
    one = read_amount("1 kg")
    assert one is not None
    set_typed_amount(ann, gala, one, uow=uow)
    for text in ("1.3", "0", "-1", "2 l", "1.0001"):
        amount = read_amount(text)
        assert amount is not None
        with pytest.raises(InvalidInput):
            set_typed_amount(ann, gala, amount, uow=uow)
        assert view_cart(ann, uow=uow).quantity_of(gala) == 1, text


def test_an_amount_is_for_the_card_seen_last_while_it_is_fresh_else_it_is_text() -> None:
    uow = FakeUnitOfWork()
    gala, ann = apples(uow), customer()
    user = ann.telegram_user_id
    assert read_typed(user, "1,5 kg", limit=6, uow=uow, clock=lambda: NOW).card is None
    card_seen(user, gala, uow=uow, clock=lambda: NOW)
    fresh = read_typed(user, "1,5 kg", limit=6, uow=uow, clock=lambda: NOW + CARD_LIFETIME)
    assert (fresh.card, fresh.amount) == (gala, read_amount("1,5 kg"))
    later = NOW + CARD_LIFETIME + timedelta(seconds=1)
    assert read_typed(user, "1,5 kg", limit=6, uow=uow, clock=lambda: later).card is None
    assert read_typed(customer().telegram_user_id, "1,5 kg", limit=6, uow=uow).card is None
