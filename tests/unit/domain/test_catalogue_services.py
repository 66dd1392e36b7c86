from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from bot.domain.errors import DuplicateSku, InvalidInput, UnknownProduct
from bot.domain.services import catalogue
from bot.domain.services.catalogue import ImportRow
from tests.support.factories import STORE, make_product, stocked
from tests.support.fakes import FakeUnitOfWork


def test_a_new_items_opening_stock_enters_through_the_ledger() -> None:
    uow = FakeUnitOfWork()
    product = stocked(uow, 12, sku="BREAD")
    with uow:
        assert uow.ledger.balance(product.id or 0) == 12


def test_two_items_cannot_share_an_sku_whatever_the_case() -> None:
    uow = FakeUnitOfWork()
    stocked(uow, sku="BREAD")
    with pytest.raises(DuplicateSku):
        catalogue.add_product(make_product(sku="bread"), actor="t", store=STORE, uow=uow)


def test_editing_an_item_reruns_its_rules_and_keeps_its_stock() -> None:
    uow = FakeUnitOfWork()
    stocked(uow, 4, sku="JAM")
    edited = catalogue.update_product(
        "jam", {"price_minor": 399, "name": "Strawberry jam"}, uow=uow
    )
    assert (edited.price_minor, edited.name, edited.stock) == (399, "Strawberry jam", 4)
    with pytest.raises(InvalidInput):
        catalogue.update_product("JAM", {"price_minor": -5}, uow=uow)
    with pytest.raises(InvalidInput, match="stock"):
        catalogue.update_product("JAM", {"stock": Decimal(100)}, uow=uow)


def test_archived_items_leave_the_catalogue_but_are_kept() -> None:
    uow = FakeUnitOfWork()
    stocked(uow, sku="OLD", category="Snacks")
    catalogue.set_active("OLD", False, uow=uow)
    assert catalogue.categories(uow=uow) == []
    with pytest.raises(UnknownProduct):
        catalogue.find_product("OLD", uow=uow)
    assert catalogue.find_product("OLD", uow=uow, include_archived=True).active is False
    catalogue.set_active("OLD", True, uow=uow)
    assert catalogue.categories(uow=uow) == ["Snacks"]


def test_search_finds_by_name_sku_or_category_ignoring_accents() -> None:
    uow = FakeUnitOfWork()
    stocked(uow, sku="CREME", name="Crème fraîche", category="Dairy")
    stocked(uow, sku="RICE-1KG", name="Basmati rice", category="Pantry")
    assert [
        p.sku for p in catalogue.search_products("CREME", offset=0, limit=5, uow=uow).items
    ] == ["CREME"]
    assert catalogue.search_products("rice-1", offset=0, limit=5, uow=uow).total == 1
    assert catalogue.search_products("dairy", offset=0, limit=5, uow=uow).total == 1
    with pytest.raises(InvalidInput):
        catalogue.search_products("a", offset=0, limit=5, uow=uow)


def test_browsing_a_category_pages_through_it() -> None:
    uow = FakeUnitOfWork()
    for n in range(7):
        stocked(uow, sku=f"P{n}", name=f"Pasta {n}", category="Pasta")
    first = catalogue.products_in_category("Pasta", offset=0, limit=5, uow=uow)
    second = catalogue.products_in_category("Pasta", offset=5, limit=5, uow=uow)
    assert (len(first.items), first.has_next, first.has_previous) == (5, True, False)
    assert (len(second.items), second.has_next, second.has_previous) == (2, False, True)


def test_an_import_lands_whole_or_not_at_all() -> None:
    uow = FakeUnitOfWork()
    stocked(uow, 3, sku="TEA")
    rows = [
        ImportRow(2, make_product(sku="TEA", price_minor=500), Decimal(8)),
        ImportRow(3, make_product(sku="COFFEE"), Decimal(4)),
        ImportRow(4, make_product(sku="coffee"), Decimal(1)),
    ]
    with pytest.raises(InvalidInput, match=r"line 4.*line 3"):
        catalogue.import_catalogue(rows, actor="cli", store=STORE, uow=uow)
    result = catalogue.import_catalogue(rows[:2], actor="cli", store=STORE, uow=uow)
    assert (result.created, result.updated, result.stock_changes) == (1, 1, 2)
    tea = catalogue.find_product("TEA", uow=uow)
    assert (tea.price_minor, tea.stock) == (500, 8)
    with uow:
        assert uow.ledger.recent(tea.id or 0, limit=1)[0].reason == "count_correction"


def test_search_matches_every_word_in_any_order() -> None:
    uow = FakeUnitOfWork()
    stocked(uow, sku="WINE", name="Côtes du Rhône 🍷", category="Drinks")
    assert catalogue.search_products("🍷 cotes", offset=0, limit=5, uow=uow).total == 1
    assert catalogue.search_products("rhone beer", offset=0, limit=5, uow=uow).total == 0


def _version(uow: FakeUnitOfWork) -> int:
    with uow:
        return uow.catalogue.current()


def test_adding_editing_and_archiving_an_item_each_move_the_catalogues_version() -> None:
    uow = FakeUnitOfWork()
    versions = [_version(uow)]
    stocked(uow, 4, sku="JAM")
    versions.append(_version(uow))
    catalogue.update_product("JAM", {"price_minor": 399}, uow=uow)
    versions.append(_version(uow))
    catalogue.set_active("JAM", False, uow=uow)
    versions.append(_version(uow))
    assert len(set(versions)) == 4


def test_an_import_moves_the_catalogues_version_only_when_it_changes_an_item() -> None:
    uow = FakeUnitOfWork()
    jam = stocked(uow, 4, sku="JAM")
    row = ImportRow(2, jam, Decimal(4))
    before = _version(uow)
    catalogue.import_catalogue([row], store=STORE, actor="t", uow=uow)
    assert _version(uow) == before  # exported and imported again as it was
    dearer = dataclasses.replace(jam, price_minor=jam.price_minor + 100)
    catalogue.import_catalogue([ImportRow(2, dearer, Decimal(4))], store=STORE, actor="t", uow=uow)
    assert _version(uow) != before


def test_a_fetched_photo_keeps_telegrams_file_id_unless_the_photo_changed_meanwhile() -> None:
    uow = FakeUnitOfWork()
    address = "https://shop.example/tea.jpg"
    tea = stocked(uow, 3, sku="TEA", photo_file_id=address)
    jam = stocked(uow, 3, sku="JAM", photo_file_id="photo-from-edititem")
    version = uow.committed.catalogue_version
    assert catalogue.keep_fetched_photo(tea.id or 0, address, "photo-7", uow=uow)
    assert uow.committed.catalogue_version == version + 1  # its cards are drawn again
    assert not catalogue.keep_fetched_photo(jam.id or 0, address, "photo-8", uow=uow)
    assert uow.committed.catalogue_version == version + 1
    found = {p.sku: p.photo_file_id for p in catalogue.all_products(uow=uow)}
    assert found == {"TEA": "photo-7", "JAM": "photo-from-edititem"}


def test_the_same_photo_address_imported_again_keeps_the_photo_telegram_fetched() -> None:
    uow = FakeUnitOfWork()
    address, other = "https://shop.example/tea.jpg", "https://shop.example/tea-2.jpg"
    tea = stocked(uow, 3, sku="TEA", photo_file_id=address)
    catalogue.keep_fetched_photo(tea.id or 0, address, "photo-7", uow=uow)
    before = _version(uow)

    def imported(photo: str | None) -> tuple[str | None, str | None]:
        row = dataclasses.replace(tea, photo_file_id=photo, photo_address=None)
        catalogue.import_catalogue([ImportRow(2, row, Decimal(3))], store=STORE, actor="t", uow=uow)
        found = catalogue.find_product("TEA", uow=uow)
        return found.photo_file_id, found.photo_address

    assert imported(address) == ("photo-7", address)  # the file's own address: nothing to do
    assert imported("photo-7") == ("photo-7", address)  # as exported before this version
    assert _version(uow) == before
    assert imported(other) == (other, None)  # a new address: fetched when next shown
    assert _version(uow) != before
