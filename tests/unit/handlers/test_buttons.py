"""Typed buttons: what a button carries comes back exactly, and nothing else comes back."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.domain.orders import OrderStatus
from bot.handlers.button_kinds import AddToCart, ItemCard, MoveOrder, SearchPage
from bot.handlers.buttons import MAX_BYTES


def test_a_button_unpacks_to_what_was_packed() -> None:
    for button in (
        AddToCart(7, Decimal("0.25")),
        ItemCard(7),
        ItemCard(7, Decimal(3)),
        MoveOrder("K7Q2MZ4P", OrderStatus.PLACED, OrderStatus.OUT_FOR_DELIVERY),
        SearchPage(12, "côtes: du rhône"),
    ):
        assert type(button).unpack(button.pack()) == button


@pytest.mark.parametrize(
    "forged",
    [
        "add:7:1e999",
        "add:7:NaN",
        "add:7:-Infinity",
        "add:7:0.0001",
        "add:7:99999999999",
        "add:-7:1",
        "add:7",
        "add:7:1:extra",
        "add:1234567890123:1",
        "add: 7:1",
        "p:x:",
        "so:CODE:placed:teleported",
        "add:" + "1" * 70,
        "",
        "zz:1",
    ],
)
def test_forged_or_stale_data_does_not_unpack(forged: str) -> None:
    assert AddToCart.unpack(forged) is None
    assert ItemCard.unpack(forged) is None
    assert MoveOrder.unpack(forged) is None


@pytest.mark.parametrize("forged", ["add:7:0", "add:7:-5", "add:7:-0.25", "p:7:0", "p:7:-5"])
def test_an_amount_of_nothing_or_less_is_no_button_the_bot_made(forged: str) -> None:
    assert AddToCart.unpack(forged) is None
    assert ItemCard.unpack(forged) is None


def test_a_long_search_is_cut_to_fit_telegrams_64_bytes() -> None:
    packed = SearchPage(6, "é" * 100).pack()
    assert len(packed.encode()) <= MAX_BYTES
    found = SearchPage.unpack(packed)
    assert found is not None and found.offset == 6 and set(found.query) == {"é"}
