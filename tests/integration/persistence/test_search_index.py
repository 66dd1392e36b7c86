"""The search index on SQLite and MariaDB: the same answers the domain's rules give."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.domain.services import catalogue
from bot.domain.services.catalogue import ImportRow
from tests.support.databases import UowFactory
from tests.support.factories import STORE, make_product, stocked

SHELF = [
    ("EGGS-6", "Free-range eggs ×6", "Dairy & Eggs"),
    ("BUTTER", "Butter 250 g", "Dairy & Eggs"),
    ("DISH", "Washing-up liquid", "Household"),
    ("TOMATO", "Vine tomatoes", "Fruit & Veg"),
    ("BANANA", "Bananas", "Fruit & Veg"),
    ("MILK", "Whole milk 1 l", "Dairy & Eggs"),
    ("CREME", "Crème fraîche", "Dairy & Eggs"),
]


@pytest.fixture
def shelf(new_uow: UowFactory) -> UowFactory:
    for sku, name, category in SHELF:
        stocked(new_uow(), 5, sku=sku, name=name, category=category)
    return new_uow


def names(new_uow: UowFactory, text: str, *, staff: bool = False) -> list[str]:
    if staff:
        page = catalogue.stock_levels(text, offset=0, limit=20, uow=new_uow())
    else:
        page = catalogue.search_products(text, offset=0, limit=20, uow=new_uow())
    assert page.total == len(page.items)
    return [p.name for p in page.items]


def test_items_named_after_the_word_come_before_items_in_a_category_of_that_name(
    shelf: UowFactory,
) -> None:
    assert names(shelf, "eggs") == [
        "Free-range eggs ×6",
        "Butter 250 g",
        "Crème fraîche",
        "Whole milk 1 l",
    ]


def test_words_match_from_their_start_not_their_middle(shelf: UowFactory) -> None:
    assert names(shelf, "hi") == []
    assert names(shelf, "tom") == ["Vine tomatoes"]


def test_one_typo_in_a_long_word_is_forgiven(shelf: UowFactory) -> None:
    assert names(shelf, "tomatos") == ["Vine tomatoes"]
    assert names(shelf, "bananna") == ["Bananas"]
    assert names(shelf, "buttr") == ["Butter 250 g"]  # "butter" with its "e" missing
    assert names(shelf, "tomtos") == []  # two typos are too many


def test_accents_and_case_do_not_matter(shelf: UowFactory) -> None:
    assert names(shelf, "CREME FRAICHE") == ["Crème fraîche"]


def test_every_word_must_match_in_any_order(shelf: UowFactory) -> None:
    assert names(shelf, "milk whole") == ["Whole milk 1 l"]
    assert names(shelf, "milk bananas") == []


def test_a_renamed_item_is_found_by_its_new_words_only(shelf: UowFactory) -> None:
    catalogue.update_product("MILK", {"name": "Oat drink"}, uow=shelf())
    assert names(shelf, "whole") == []  # its SKU, MILK, still finds it
    assert names(shelf, "oat") == ["Oat drink"]


def test_archived_items_are_found_by_staff_not_customers(shelf: UowFactory) -> None:
    catalogue.set_active("BANANA", False, uow=shelf())
    assert names(shelf, "banana") == []
    assert names(shelf, "banana", staff=True) == ["Bananas"]


def test_imported_items_are_indexed_too(new_uow: UowFactory) -> None:
    rows = [
        ImportRow(n, make_product(sku=f"SOUP-{n}", name=f"Tomato soup no. {n}"), Decimal(1))
        for n in range(1, 1201)
    ]
    catalogue.import_catalogue(rows, store=STORE, actor="test", uow=new_uow())
    page = catalogue.search_products("tomatto soup", offset=0, limit=5, uow=new_uow())
    assert page.total == 1200
    assert [p.name for p in page.items] == [
        f"Tomato soup no. {n}" for n in (1, 10, 100, 1000, 1001)
    ]
