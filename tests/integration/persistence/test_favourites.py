"""Favourites through the real repositories, on SQLite and MariaDB: one row per customer and
item whatever the taps, the list in its order with nothing dropped, and the ⭐ read with an
update's record. (Many presses at once: test_concurrency_matrix.py.)"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.domain.errors import ProductArchived, UnknownProduct
from bot.domain.services import catalogue, deliveries
from bot.domain.services.deliveries import Arrival
from bot.domain.services.favourites import favourites, is_favourite, set_favourite
from bot.persistence.models import FavouriteRow
from tests.support.databases import UowFactory
from tests.support.factories import customer, stocked


def rows(new_uow: UowFactory) -> int:
    with new_uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(FavouriteRow)) or 0


def test_starring_twice_keeps_one_favourite_and_unstarring_twice_removes_it_once(
    new_uow: UowFactory,
) -> None:
    tea = stocked(new_uow(), 5, name="Earl Grey")
    assert tea.id is not None
    ann = customer()
    first = set_favourite(ann, tea.id, True, uow=new_uow())
    again = set_favourite(ann, tea.id, True, uow=new_uow())  # a double tap
    assert (first.favourite, first.changed, again.favourite, again.changed) == (
        True,
        True,
        True,
        False,
    )
    assert rows(new_uow) == 1
    assert is_favourite(ann, tea.id, uow=new_uow())
    gone, gone_again = (set_favourite(ann, tea.id, False, uow=new_uow()) for _ in range(2))
    assert (gone.changed, gone_again.changed) == (True, False)
    assert rows(new_uow) == 0
    assert not is_favourite(ann, tea.id, uow=new_uow())


def test_the_list_shows_items_on_sale_by_name_then_those_no_longer_sold(
    new_uow: UowFactory,
) -> None:
    ann, bob = customer(), customer()
    names = ("Yoghurt", "Apples", "Old biscuits", "Milk", "Bread")
    items = {name: stocked(new_uow(), 0 if name == "Milk" else 5, name=name) for name in names}
    for item in items.values():
        set_favourite(ann, item.id or 0, True, uow=new_uow())
    set_favourite(bob, items["Bread"].id or 0, True, uow=new_uow())
    catalogue.set_active(items["Old biscuits"].sku, False, uow=new_uow())
    page = favourites(ann, offset=0, limit=3, uow=new_uow())
    assert [p.name for p in page.items] == ["Apples", "Bread", "Milk"]  # sold out kept
    assert (page.total, page.has_next) == (5, True)
    rest = favourites(ann, offset=3, limit=3, uow=new_uow())
    assert [(p.name, p.active) for p in rest.items] == [("Yoghurt", True), ("Old biscuits", False)]
    assert [p.name for p in favourites(bob, offset=0, limit=6, uow=new_uow()).items] == ["Bread"]
    nobody = favourites(customer(), offset=0, limit=6, uow=new_uow())
    assert (nobody.items, nobody.total) == ([], 0)


def test_an_item_no_longer_sold_cannot_be_starred_but_can_be_taken_off(
    new_uow: UowFactory,
) -> None:
    jam = stocked(new_uow(), 5, sku="JAM", name="Plum jam")
    assert jam.id is not None
    ann, bob = customer(), customer()
    set_favourite(ann, jam.id, True, uow=new_uow())
    catalogue.set_active("JAM", False, uow=new_uow())
    with pytest.raises(ProductArchived, match="Plum jam is no longer sold"):
        set_favourite(bob, jam.id, True, uow=new_uow())
    assert set_favourite(ann, jam.id, False, uow=new_uow()).changed
    with pytest.raises(UnknownProduct):
        set_favourite(ann, 999_999, True, uow=new_uow())
    assert rows(new_uow) == 0


def test_an_item_cards_record_reads_whether_it_is_a_favourite_of_its_sender(
    new_uow: UowFactory,
) -> None:
    tea, jam = stocked(new_uow(), 5, name="Tea"), stocked(new_uow(), 5, name="Jam")
    assert tea.id is not None and jam.id is not None
    ann, bob = customer(), customer()
    set_favourite(ann, tea.id, True, uow=new_uow())
    set_favourite(bob, jam.id, True, uow=new_uow())
    read = deliveries.first_deliveries(
        [
            Arrival(1, ann.telegram_user_id, card_item=tea.id),
            Arrival(2, ann.telegram_user_id, card_item=jam.id),  # Bob's, not Ann's
            Arrival(3, bob.telegram_user_id, card_item=jam.id),
            Arrival(4, bob.telegram_user_id),  # no card: not read
        ],
        uow=new_uow(),
    )
    assert [d.favourite for d in read] == [True, False, True, None]
