"""⭐ Favourites and 🔁 Buy again, end to end: the real bot, over HTTP, on SQLite and MariaDB."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Engine, func, select

from bot.domain.services import catalogue
from bot.domain.services.cart import view_cart
from bot.domain.services.customers import CustomerRef
from bot.handlers.button_kinds import (
    BuyAgainItem,
    DropFavourite,
    FavouriteItem,
    MyOrder,
    OrderAction,
    Star,
)
from bot.persistence.models import FavouriteRow
from tests.support.chat_person import ChatPerson
from tests.support.databases import sqlite_only
from tests.support.factories import placed_order
from tests.support.running_bot import RunningBot
from tests.support.shop_factories import logged_in_manager, sell, someone


def ref(person: ChatPerson) -> CustomerRef:
    return CustomerRef(person.person.id, person.person.first_name)


def favourite_rows(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(FavouriteRow)) or 0


async def test_a_starred_item_is_under_favourites_and_says_sold_out_as_the_catalogue_does(
    bot: RunningBot, engine: Engine
) -> None:
    tea = sell(bot, 5, sku="TEA", name="Earl Grey", category="Drinks")
    sell(bot, 5, sku="OLD", name="Old biscuits", category="Pantry")
    ann = someone(bot, "Ann")
    await ann.says("/start p_TEA")
    await ann.presses("☆ Favourite")
    assert ann.toasts[-1] == "Added to your favourites: ⭐ Favourites in the menu."
    assert "⭐ Favourite" in ann.last.button_texts
    await ann.presses_data(FavouriteItem(tea.id or 0, Star.ON).pack())  # a double tap
    assert "⭐ Favourite" in ann.last.button_texts
    await ann.says("/start p_OLD")
    await ann.presses("☆ Favourite")
    assert favourite_rows(engine) == 2
    catalogue.set_active("OLD", False, uow=bot.shop.uow())

    await ann.says("/start")
    await ann.presses("⭐ Favourites")
    assert ann.last.button_texts[0] == "Earl Grey · 2.50 EUR"
    assert "• Old biscuits (no longer sold)" in ann.screen
    clerk = logged_in_manager(bot, "Clerk")
    await clerk.says("/adjust TEA -5 damaged")  # sold out
    await ann.says("/catalogue")
    await ann.presses("Drinks")
    in_the_catalogue = ann.last.button_texts[0]
    assert in_the_catalogue == "Earl Grey · 2.50 EUR (sold out)"
    await ann.says("/favourites")
    assert ann.last.button_texts[0] == in_the_catalogue  # said the same way on both paths
    await ann.presses(in_the_catalogue)
    assert "❌ Sold out" in ann.screen
    assert "🔔 Tell me when it's back" in ann.last.button_texts
    await ann.presses("⭐ Favourite")
    assert ann.toasts[-1] == "Removed from your favourites."
    assert "☆ Favourite" in ann.last.button_texts

    await ann.says("/favourites")
    await ann.presses("🗑 Remove Old biscuits")
    assert ann.toasts[-1] == "Removed from your favourites."
    assert "Nothing here yet. Tap ☆ Favourite on an item's card" in ann.screen
    assert favourite_rows(engine) == 0


async def test_buy_again_lists_the_usual_items_first_and_puts_an_item_or_an_order_back(
    bot: RunningBot,
) -> None:
    tea = sell(bot, 20, sku="TEA", name="Earl Grey")
    jam = sell(bot, 20, sku="JAM", name="Plum jam", price_minor=300)
    rice = sell(bot, 20, sku="RICE", name="Rice", price_minor=150)
    ann = someone(bot, "Ann")
    store, uow = bot.shop.store, bot.shop.uow
    first = placed_order(uow(), ref(ann), (tea, 2), (jam, 1), store=store)
    second = placed_order(uow(), ref(ann), (tea, 1), (rice, 3), store=store)

    await ann.says("/start")
    await ann.presses("🔁 Buy again")
    assert "What you ordered before, most often first." in ann.screen
    assert ann.last.button_texts[:3] == [  # Tea twice; then Rice, ordered later than Jam
        "➕ Earl Grey · 1 pc · 2.50 EUR",
        "➕ Rice · 3 pc · 4.50 EUR",
        "➕ Plum jam · 1 pc · 3.00 EUR",
    ]
    assert ann.last.button_texts[3].startswith(f"🔁 Order {second.code} again · ")
    assert ann.last.button_texts[4].startswith(f"🔁 Order {first.code} again · ")
    await ann.presses("➕ Earl Grey")
    assert ann.toasts[-1] == "Added 1 pc of Earl Grey to your cart."

    clerk = logged_in_manager(bot, "Clerk")
    await clerk.says("/adjust JAM -19 damaged")  # sold out
    await ann.says("/buyagain")
    assert "Plum jam · 3.00 EUR (sold out)" in ann.last.button_texts
    await ann.presses(f"Order {first.code} again")
    assert "Back in your cart: Earl Grey." in ann.screen
    assert "Left out: Plum jam (sold out)." in ann.screen
    assert "Earl Grey — 3 pc" in ann.screen  # the 1 added before, and the order's 2
    cart = view_cart(ref(ann), uow=uow())
    assert [(i.product.sku, i.quantity) for i in cart.items] == [("TEA", Decimal(3))]


@sqlite_only
async def test_forged_star_and_buy_again_buttons_are_refused_politely(bot: RunningBot) -> None:
    old = sell(bot, 5, sku="OLD", name="Old biscuits")
    catalogue.set_active("OLD", False, uow=bot.shop.uow())
    bob, eve = someone(bot, "Bob"), someone(bot, "Eve")
    tea = sell(bot, 5, sku="TEA", name="Earl Grey")
    bobs = placed_order(bot.shop.uow(), ref(bob), (tea, 1), store=bot.shop.store)
    await eve.says("/start")
    forged = {
        FavouriteItem(999_999, Star.ON).pack(): "There is no item 999999.",
        FavouriteItem(old.id or 0, Star.ON).pack(): "Old biscuits is no longer sold.",
        BuyAgainItem(999_999, Decimal(1)).pack(): "There is no item 999999.",
        BuyAgainItem(old.id or 0, Decimal(2)).pack(): "Old biscuits is no longer sold.",
        BuyAgainItem(tea.id or 0, Decimal("0.5")).pack(): "This item is sold in steps of 1 pc",
        MyOrder(OrderAction.REORDER, bobs.code).pack(): f"There is no order {bobs.code}.",
        "again:1:-3": "This button is no longer valid. Send /start for a fresh menu.",
    }
    for data, refusal in forged.items():
        assert await eve.presses_data(data) == refusal, data
    await eve.presses_data(DropFavourite(tea.id or 0, 0).pack())  # not hers: nothing to drop
    assert view_cart(ref(eve), uow=bot.shop.uow()).is_empty
    assert "Nothing here yet" in eve.screen
