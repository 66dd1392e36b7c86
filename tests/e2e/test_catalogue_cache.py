"""Browse screens a worker has shown once are shown again without reading the catalogue, until
the catalogue's version moves: a change made on any worker is seen on the next tap on every
other, and an item's card shows the person's cart as it is (SQLite and MariaDB)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from bot.domain.services import catalogue, stock
from bot.domain.services.cart import set_cart_quantity
from bot.domain.services.customers import CustomerRef
from bot.playground.bot_api.server import LocalBotApi
from tests.support.chat_person import ChatPerson
from tests.support.running_bot import RunningBot, running_bot
from tests.support.shop_factories import sell, someone
from tests.support.transactions import screen_work, updates_alone


async def browse_to(person: ChatPerson, *steps: str) -> None:
    await person.says("/catalogue")
    for step in steps:
        await person.presses(step)


@pytest.mark.parametrize("mode", ["polling"])
async def test_browse_taps_a_worker_has_shown_before_cost_only_their_record(
    bot: RunningBot,
) -> None:
    sell(bot, sku="HONEY", name="Acacia honey", category="Pantry")
    ann, bob = someone(bot, "Ann"), someone(bot, "Bob")
    await browse_to(ann, "Pantry", "Acacia honey")  # the worker reads them, and keeps them
    await bob.says("/start")
    with updates_alone(bot) as seen:
        await browse_to(bob, "Pantry", "Acacia honey")
    assert "Acacia honey" in bob.screen and "In stock" in bob.screen
    assert screen_work(seen) == []
    with updates_alone(bot) as seen:
        await bob.presses("to cart")
    assert "In your cart: 1 pc" in bob.screen
    assert len(screen_work(seen)) == 1  # the cart changes, in a transaction of its own
    with updates_alone(bot) as seen:
        await bob.presses("Pantry")
        await bob.presses("Acacia honey")
        await bob.presses("➕")
    assert "In your cart: 1 pc" in bob.screen
    assert any("Add 2 pc to cart" in label for label in bob.last.button_texts)
    assert screen_work(seen) == []


@asynccontextmanager
async def two_workers(
    double: LocalBotApi, engine: Engine
) -> AsyncIterator[tuple[RunningBot, RunningBot]]:
    """Two bots on one database, each with its own Bot API double (so each person's updates
    go to the worker the test chose); the second's update ids start above the first's."""
    url = engine.url.render_as_string(hide_password=False)
    with LocalBotApi(first_update_id=1_000_000) as other:
        async with running_bot(double, url) as one, running_bot(other, url) as two:
            yield one, two
        assert not other.invalid_calls


async def test_a_change_made_on_one_worker_shows_on_the_next_tap_on_another(
    double: LocalBotApi, engine: Engine
) -> None:
    async with two_workers(double, engine) as (one, two):
        sell(one, 100, sku="HONEY", name="Acacia honey", category="Pantry", price_minor=450)
        sell(one, 100, sku="JAM", name="Plum jam", category="Pantry")
        sell(one, 0, sku="MILK", name="Oat milk", category="Pantry")
        ann = someone(two, "Ann")
        await browse_to(ann, "Pantry", "Acacia honey")
        with updates_alone(two) as seen:
            await ann.presses("Pantry")
            await ann.presses("Acacia honey")
        assert screen_work(seen) == []  # shown from what the second worker keeps

        catalogue.update_product("HONEY", {"price_minor": 520}, uow=one.shop.uow())
        await ann.presses("Pantry")
        assert "Acacia honey · 5.20 EUR" in ann.last.button_texts
        await ann.presses("Acacia honey")
        assert "5.20 EUR per pc" in ann.screen

        catalogue.set_active("JAM", False, uow=one.shop.uow())
        await ann.presses("Pantry")
        assert not any("Plum jam" in label for label in ann.last.button_texts)

        assert "Oat milk · 2.50 EUR (sold out)" in ann.last.button_texts
        await ann.presses("Oat milk")
        assert "Sold out" in ann.screen
        store = one.shop.store
        stock.receive_stock("MILK", Decimal(3), store=store, actor="test", uow=one.shop.uow())
        await ann.presses("Pantry")
        await ann.presses("Oat milk")
        assert "Only 3 pc left" in ann.screen
        assert any("Add 1 pc to cart" in label for label in ann.last.button_texts)


async def test_an_items_card_shows_the_cart_as_another_worker_left_it(
    double: LocalBotApi, engine: Engine
) -> None:
    async with two_workers(double, engine) as (one, two):
        honey = sell(one, 100, sku="HONEY", name="Acacia honey", category="Pantry")
        ann = someone(two, "Ann")
        await browse_to(ann, "Pantry", "Acacia honey", "to cart")
        assert "In your cart: 1 pc" in ann.screen
        who = CustomerRef(ann.person.id, "Ann")
        set_cart_quantity(who, honey.id or 0, Decimal(3), uow=one.shop.uow())
        await ann.presses("Pantry")
        with updates_alone(two) as seen:
            await ann.presses("Acacia honey")
        assert "In your cart: 3 pc" in ann.screen
        assert screen_work(seen) == []  # read with the update's record
        set_cart_quantity(who, honey.id or 0, Decimal(0), uow=one.shop.uow())
        await ann.presses("➕")
        assert "In your cart" not in ann.screen
