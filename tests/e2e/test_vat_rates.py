"""Managers set an item's VAT rate with /setvat, typed as people type it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from bot.domain.services import catalogue
from bot.playground.bot_api.server import LocalBotApi
from tests.support.running_bot import RunningBot, running_bot
from tests.support.shop_factories import logged_in_manager, sell


@pytest.fixture
async def vat_shop(double: LocalBotApi, engine: Engine, mode: str) -> AsyncIterator[RunningBot]:
    """A store whose items are at 20 % VAT unless they say otherwise."""
    url = engine.url.render_as_string(hide_password=False)
    async with running_bot(double, url, mode, default_vat_rate="20") as running:
        yield running


def rate_of(bot: RunningBot, sku: str) -> Decimal | None:
    return catalogue.find_product(sku, uow=bot.shop.uow(), include_archived=True).vat_rate


async def test_a_manager_sets_an_items_rate_and_puts_it_back_to_the_default(
    vat_shop: RunningBot,
) -> None:
    bot = vat_shop
    boss = logged_in_manager(bot)
    sell(bot, sku="GALA", name="Gala apples")
    await boss.says("/setvat  gala   5,5")
    assert "Gala apples is now sold at 5.5 % VAT." in boss.screen
    assert rate_of(bot, "GALA") == Decimal("5.5")
    await boss.says("/setvat GALA Default")
    assert "Gala apples now follows the store's VAT rate (20 %)." in boss.screen
    assert rate_of(bot, "GALA") is None
    await boss.says("/setvat GALA 2.1")
    assert rate_of(bot, "GALA") == Decimal("2.1")
    await boss.says("/setvat GALA par défaut")  # the word for it in any shipped language
    assert rate_of(bot, "GALA") is None


@pytest.mark.parametrize(
    ("typed", "told"),
    [
        ("/setvat GALA five", "“five” is not a VAT rate; write it like 20 or 5,5"),
        ("/setvat GALA 120", "A VAT rate is a percentage from 0 to 99.99, like 20 or 5.5"),
        ("/setvat GALA 5.555", "A VAT rate has at most two decimal places, like 5.5"),
        ("/setvat GALA", "Usage: /setvat SKU RATE (or default), e.g. /setvat APPLES-GALA 5,5"),
    ],
)
async def test_a_rate_that_cannot_be_used_is_refused_politely_and_changes_nothing(
    vat_shop: RunningBot, typed: str, told: str
) -> None:
    bot = vat_shop
    boss = logged_in_manager(bot)
    sell(bot, sku="GALA", name="Gala apples", vat_rate=Decimal(10))
    await boss.says(typed)
    assert told in boss.screen
    assert rate_of(bot, "GALA") == Decimal(10)


async def test_an_unknown_item_is_named_in_the_refusal(vat_shop: RunningBot) -> None:
    boss = logged_in_manager(vat_shop)
    await boss.says("/setvat NOPE 5,5")
    assert "NOPE" in boss.screen
