"""A browse screen shows a stock level only where shown_stock says it does: a worker keeps an
item's card and a category's page while the catalogue's version stands, and the version moves
with stock only when shown_stock changes."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from bot.domain.catalogue import Product
from bot.domain.services.catalogue import Page
from bot.domain.stock import shown_stock
from bot.handlers.views import category_screen, product_card
from bot.i18n import Catalogues
from tests.support.factories import STORE, make_kg_product, make_product

T = Catalogues().texts("en")
PLENTY = range(40, 400, 7)  # in steps; STORE: low at 5, at most 20 steps in one order


def _at(item: Product, steps: int) -> Product:
    return dataclasses.replace(item, stock=item.step * steps, id=42)


@pytest.mark.parametrize("item", [make_product(), make_kg_product()], ids=["pieces", "kg"])
@pytest.mark.parametrize("in_cart_steps", [0, 1, 19, 20])
@pytest.mark.parametrize("picked_steps", [1, 2, 20, 21])
def test_an_items_card_looks_the_same_at_every_level_its_stock_is_not_shown(
    item: Product, in_cart_steps: int, picked_steps: int
) -> None:
    cards = set()
    for steps in PLENTY:
        shown = _at(item, steps)
        assert shown_stock(shown, shown.stock, STORE) is None
        text, keyboard = product_card(
            T,
            shown,
            STORE,
            picked=item.step * picked_steps,
            in_cart=item.step * in_cart_steps,
        )
        cards.add((text, keyboard))
    assert len(cards) == 1


def test_a_category_page_looks_the_same_at_every_level_its_stock_is_not_shown() -> None:
    item = make_product()
    pages = {
        category_screen(T, "Pantry", Page([_at(item, steps)], 1, 0, 6), STORE) for steps in PLENTY
    }
    assert len(pages) == 1


def test_a_card_shows_a_level_shown_stock_calls_shown() -> None:
    item = make_product()
    low, sold_out = _at(item, 3), _at(item, 0)
    assert "Only 3 pc left" in product_card(T, low, STORE, picked=item.step, in_cart=Decimal(0))[0]
    assert shown_stock(low, low.stock, STORE) == 3
    assert "Sold out" in product_card(T, sold_out, STORE, picked=item.step, in_cart=Decimal(0))[0]
