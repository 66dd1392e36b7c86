"""🔁 Buy again's screen: an item one tap from the cart, a sold-out one as the catalogue says
it, one no longer sold named, and the latest orders each put back whole."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal

from bot.domain.catalogue import Product
from bot.domain.orders import Fulfilment, Order, OrderLine, OrderStatus
from bot.domain.services.buy_again import BoughtBefore, Usual
from bot.handlers.button_kinds import BuyAgainItem, ItemCard, MyOrder, OrderAction
from bot.handlers.buy_again import bought_before_screen
from bot.handlers.views import product_button
from bot.i18n import Catalogues
from tests.support.factories import STORE, make_kg_product, make_product

T = Catalogues().texts("en")


def item(product: Product, n: int, stock: str = "5") -> Product:
    return dataclasses.replace(product, stock=Decimal(stock), id=n)


def buttons(keyboard: object) -> list[tuple[str, str]]:
    rows = getattr(keyboard, "inline_keyboard", ())
    return [(b.text, str(b.callback_data)) for row in rows for b in row]


def test_nothing_ordered_yet_says_what_the_screen_will_hold() -> None:
    text, keyboard = bought_before_screen(T, BoughtBefore([], []), STORE)
    assert "You have not ordered anything yet" in text
    assert [label for label, _ in buttons(keyboard)] == ["🛍 Catalogue", "« Menu"]


def test_each_usual_item_is_one_tap_from_the_cart_unless_it_cannot_be_bought() -> None:
    apples = item(make_kg_product(name="Apples", price_minor=400), 1)
    milk = item(make_product(name="Milk"), 2, stock="0")
    old = dataclasses.replace(item(make_product(name="Old <biscuits>"), 3), active=False)
    order = Order(
        code="K7P2Q",
        customer_id=1,
        lines=[OrderLine(1, "APPLES", "Apples", "kg", Decimal("1.5"), 400, 600)],
        fulfilment=Fulfilment.pickup(datetime(2026, 11, 21, 10, 0, tzinfo=UTC)),
        phone="+447400123456",
        note="",
        status=OrderStatus.COMPLETED,
        placed_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
        currency="EUR",
    )
    found = BoughtBefore(
        [
            Usual("Apples", apples, 3, Decimal("1.5")),
            Usual("Milk", milk, 2, Decimal(1)),
            Usual("Old <biscuits>", old, 1, Decimal(1)),
            Usual("Gone for good", None, 1, Decimal(1)),
        ],
        [order],
    )
    text, keyboard = bought_before_screen(T, found, STORE)
    shown = buttons(keyboard)
    assert shown[0] == ("➕ Apples · 1.5 kg · 6.00 EUR", BuyAgainItem(1, Decimal("1.5")).pack())
    assert shown[1] == (product_button(T, milk, STORE).text, ItemCard(2).pack())
    assert shown[1][0].endswith("(sold out)")
    assert "• Old &lt;biscuits&gt; (no longer sold)" in text
    assert "• Gone for good (no longer sold)" in text
    assert shown[2] == (
        "🔁 Order K7P2Q again · 20 Nov",
        MyOrder(OrderAction.REORDER, "K7P2Q").pack(),
    )
    assert len(shown) == 5  # and the cart and the menu
