"""⭐ on a card and the ⭐ Favourites list: what each shows, said as the catalogue says it."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from bot.domain.catalogue import Product
from bot.domain.services.catalogue import Page
from bot.handlers.button_kinds import DropFavourite, FavouriteItem, ItemCard, Star
from bot.handlers.favourites import favourites_screen
from bot.handlers.views import product_button, product_card
from bot.i18n import Catalogues
from tests.support.factories import STORE, make_product

T = Catalogues().texts("en")


def item(n: int, stock: int = 5, **fields: object) -> Product:
    return dataclasses.replace(make_product(**fields), stock=Decimal(stock), id=n)


def buttons(keyboard: object) -> list[tuple[str, str]]:
    rows = getattr(keyboard, "inline_keyboard", ())
    return [(b.text, str(b.callback_data)) for row in rows for b in row]


def test_a_cards_star_shows_whether_it_is_a_favourite_and_sets_the_other_way() -> None:
    for stock in (5, 0):  # on sale, and sold out beside "Tell me when it's back"
        tea = item(42, stock, name="Tea")
        plain = buttons(product_card(T, tea, STORE, picked=tea.step, in_cart=Decimal(0))[1])
        starred = buttons(
            product_card(T, tea, STORE, picked=tea.step, in_cart=Decimal(0), favourite=True)[1]
        )
        assert ("☆ Favourite", FavouriteItem(42, Star.ON).pack()) in plain
        assert ("⭐ Favourite", FavouriteItem(42, Star.OFF).pack()) in starred


def test_an_empty_list_says_how_to_add_a_favourite() -> None:
    text, keyboard = favourites_screen(T, Page([], 0, 0, 6), STORE)
    assert "Tap ☆ Favourite on an item's card" in text
    assert [label for label, _ in buttons(keyboard)] == ["🛍 Catalogue", "« Menu"]


def test_each_favourite_is_listed_as_the_catalogue_lists_it_and_none_is_dropped() -> None:
    tea, milk = item(1, name="Tea"), item(2, 0, name="Milk <whole>")
    gone = dataclasses.replace(item(3, name="Old biscuits & co"), active=False)
    text, keyboard = favourites_screen(T, Page([tea, milk, gone], 3, 0, 6), STORE)
    shown = buttons(keyboard)
    for on_sale in (tea, milk):
        catalogue = product_button(T, on_sale, STORE)
        assert (catalogue.text, ItemCard(on_sale.id or 0).pack()) in shown
    assert ("Milk <whole> · 2.50 EUR (sold out)", ItemCard(2).pack()) in shown
    assert "• Old biscuits &amp; co (no longer sold)" in text
    assert ("🗑 Remove Old biscuits & co", DropFavourite(3, 0).pack()) in shown


def test_a_long_list_pages_and_says_which_page_it_is() -> None:
    page = Page([item(n, name=f"Item {n}") for n in range(6)], 8, 6, 6)
    text, keyboard = favourites_screen(T, page, STORE)
    assert "page 2 of 2" in text
    assert ("‹ Previous", "favs:0") in buttons(keyboard)
