"""Staff add and edit items by chat; every answer is checked as it is typed."""

from __future__ import annotations

from decimal import Decimal

from bot.domain.catalogue import Unit
from bot.domain.services import catalogue
from tests.support.factories import make_product
from tests.support.running_bot import RunningBot
from tests.support.shop_factories import logged_in_manager


async def test_additem_asks_each_detail_checks_it_and_puts_the_item_on_sale(
    bot: RunningBot,
) -> None:
    catalogue.add_product(
        make_product(sku="APPLE"), actor="t", store=bot.shop.store, uow=bot.shop.uow()
    )
    me = logged_in_manager(bot, "Clerk")
    await me.says("/additem")
    assert "What is it called?" in me.screen
    await me.says("Crème fraîche <bio> 200 ml")
    assert "Type ok for CREME-FRAICHE-BIO-200-ML" in me.screen
    await me.says("apple")
    assert "An item with SKU APPLE already exists. Please try again" in me.screen
    await me.says("ok")
    assert "Which category?" in me.screen
    await me.says("Dairy & Eggs")
    await me.says("stone")
    assert "Unknown unit “stone”" in me.screen
    await me.says("kg 0.25")
    await me.says("free")
    assert "“free” is not a price" in me.screen
    await me.says("4,99")
    await me.says("1.3")
    assert "sold in steps of 0.25 kg" in me.screen
    await me.says("1.5")
    await me.says("default")
    assert "Send a photo" in me.screen
    await me.says("maybe")
    assert "Send a photo of the item, or type skip" in me.screen
    bot.double.send_photo(me.person)
    await bot.double.settle()
    assert "✅ Added and on sale" in me.screen
    assert "Crème fraîche <bio> 200 ml" in me.screen
    item = catalogue.find_product("CREME-FRAICHE-BIO-200-ML", uow=bot.shop.uow())
    assert (item.unit, item.step, item.price_minor, item.stock, item.photo_file_id) == (
        Unit.KILOGRAM,
        Decimal("0.25"),
        499,
        Decimal("1.5"),
        "user-photo-1",
    )
    with bot.shop.uow() as uow:
        assert uow.ledger.balance(item.id or 0) == Decimal("1.5")


async def test_edititem_changes_one_field_at_a_time(bot: RunningBot) -> None:
    catalogue.add_product(
        make_product(sku="TEA", name="Tea", price_minor=300),
        initial_stock=Decimal(4),
        actor="t",
        store=bot.shop.store,
        uow=bot.shop.uow(),
    )
    me = logged_in_manager(bot, "Clerk")
    await me.says("/edititem nope")
    assert "There is no item NOPE." in me.screen
    await me.says("/edititem tea")
    assert "What do you want to change?" in me.screen
    await me.presses("Price")
    await me.says("3.75")
    assert "3.75 EUR per pc" in me.screen
    await me.says("/edititem TEA")
    await me.presses("Name")
    await me.says("Earl Grey loose")
    await me.says("/edititem TEA")
    await me.presses("Unit & step")
    await me.says("kg 0.3")
    assert "This item is sold in steps of 0.3 kg" in me.screen  # 4 on hand is not a multiple
    await me.says("/cancel")
    await me.says("/edititem TEA")
    await me.presses("Description")
    await me.says("Smoky, from Assam & Darjeeling")
    product = catalogue.find_product("TEA", uow=bot.shop.uow())
    assert (product.name, product.price_minor, product.unit, product.description) == (
        "Earl Grey loose",
        375,
        Unit.PIECE,
        "Smoky, from Assam & Darjeeling",
    )
