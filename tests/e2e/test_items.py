"""Staff add and edit items by chat; every answer is checked as it is typed."""

from __future__ import annotations

from decimal import Decimal

from bot.domain.catalogue import Unit, category_key
from bot.domain.services import catalogue
from bot.domain.services.item_prompts import ItemStep
from bot.handlers.button_kinds import ItemCategory, ItemWord
from tests.support.chat_person import ChatPerson
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
    assert "Tap to use CREME-FRAICHE-BIO-200-ML" in me.screen
    await me.says("apple")
    assert "An item with SKU APPLE already exists. Please try again" in me.screen
    await me.says("ok")
    assert "Which category?" in me.screen
    await me.says("Dairy & Eggs")  # no such category yet, and nothing near it: a new one
    assert "A few words for customers" in me.screen
    await me.says("From the Normandy coast.\nKeep cold.")
    assert "How is it sold?" in me.screen
    await me.says("stone")
    assert "Unknown unit “stone”" in me.screen
    await me.says("kg 0.25")
    assert "Price per kg" in me.screen
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
    assert "From the Normandy coast.\nKeep cold." in me.screen
    item = catalogue.find_product("CREME-FRAICHE-BIO-200-ML", uow=bot.shop.uow())
    assert (item.unit, item.step, item.price_minor, item.stock, item.photo_file_id) == (
        Unit.KILOGRAM,
        Decimal("0.25"),
        499,
        Decimal("1.5"),
        "user-photo-1",
    )
    assert (item.category, item.description) == (
        "Dairy & Eggs",
        "From the Normandy coast.\nKeep cold.",
    )
    with bot.shop.uow() as uow:
        assert uow.ledger.balance(item.id or 0) == Decimal("1.5")


async def test_additem_offers_buttons_for_the_usual_answers_and_each_keeps_its_answer(
    bot: RunningBot,
) -> None:
    for category in ("Dairy & Eggs", "Pantry"):
        catalogue.add_product(
            make_product(category=category), actor="t", store=bot.shop.store, uow=bot.shop.uow()
        )
    me = logged_in_manager(bot, "Clerk")
    await me.says("/additem")
    await me.says("Goat cheese")
    await me.presses("Use GOAT-CHEESE")
    assert me.chat.from_bot[-2].shown_text.endswith("✅ GOAT-CHEESE")
    assert me.chat.from_bot[-2].buttons == []  # the answered question has nothing left to tap
    assert me.last.button_texts == ["Dairy & Eggs", "Pantry"]
    forged = await me.presses_data(ItemCategory("0123456789").pack())
    assert forged == "That category has no items on sale any more; type its name"
    await me.presses("Dairy & Eggs")
    assert me.chat.from_bot[-2].shown_text.endswith("✅ Dairy & Eggs")
    await me.presses("Skip")
    await me.presses("kg 0.1")
    assert "Price per kg" in me.screen
    await me.says("12.90 EUR")
    await me.says("2")
    await me.presses("The store's default")
    await me.presses("Skip")
    assert "✅ Added and on sale" in me.screen
    item = catalogue.find_product("GOAT-CHEESE", uow=bot.shop.uow())
    assert (item.category, item.description, item.step, item.low_stock_threshold) == (
        "Dairy & Eggs",
        "",
        Decimal("0.1"),
        None,
    )
    # A question's button tapped again once it is answered changes nothing.
    again = await me.presses_data(ItemWord(ItemStep.PHOTO, "skip").pack())
    assert again == "That question was already answered (or /additem was stopped)."
    assert len(catalogue.all_products(uow=bot.shop.uow())) == 3


async def types_a_category(me: ChatPerson, *typed: str) -> None:
    """A new /additem, up to the category question, answered by typing each of `typed`."""
    for text in ("/cancel", "/additem", "Oat milk", "ok", *typed):
        await me.says(text)


async def test_a_category_typed_near_an_existing_one_asks_which_was_meant(
    bot: RunningBot,
) -> None:
    catalogue.add_product(
        make_product(category="Dairy & Eggs"), actor="t", store=bot.shop.store, uow=bot.shop.uow()
    )
    me = logged_in_manager(bot, "Clerk")
    await types_a_category(me, "dairy & EGGS")  # an existing category, whatever the case
    assert "A few words for customers" in me.screen
    await types_a_category(me, "Dairy")
    assert "There is no category “Dairy” yet. Is it one of these?" in me.screen
    assert me.last.button_texts == ["Dairy & Eggs", "✨ New: Dairy"]
    await me.presses("New: Dairy")
    assert me.chat.from_bot[-2].shown_text.endswith("✅ Dairy")
    await types_a_category(me, "Diary", "Diary")  # typed twice: meant as typed
    assert "A few words for customers" in me.screen
    await me.says("x" * 1001)
    assert "A description has at most 1000 characters; this one has 1001" in me.screen
    late = await me.presses_data(ItemCategory(category_key("Dairy & Eggs")).pack())
    assert late == "That question was already answered (or /additem was stopped)."


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
    await me.says("/edititem TEA")
    await me.presses("Category")
    await me.says("PANTRY")  # the existing category, as it is spelt
    product = catalogue.find_product("TEA", uow=bot.shop.uow())
    assert (product.name, product.price_minor, product.unit, product.description) == (
        "Earl Grey loose",
        375,
        Unit.PIECE,
        "Smoky, from Assam & Darjeeling",
    )
    assert product.category == "Pantry"


async def test_additem_in_a_store_that_charges_vat_asks_the_items_rate(
    vat_shop: RunningBot,
) -> None:
    me = logged_in_manager(vat_shop, "Clerk")
    for answer in ("/additem", "Gala apples", "ok", "Fruit", "skip", "kg 0.1", "3,29"):
        await me.says(answer)
    assert "VAT rate? Type it, like 5,5" in me.screen
    assert me.last.button_texts == ["The store's default (20 % VAT)"]
    await me.says("lots")
    assert "“lots” is not a VAT rate; write it like 20 or 5,5" in me.screen
    await me.says("none")  # not the default: no VAT would be a rate, 0
    assert "“none” is not a VAT rate; write it like 20 or 5,5" in me.screen
    await me.says("5,5 %")
    assert "How much is in stock now?" in me.screen
    for answer in ("12", "default", "skip"):
        await me.says(answer)
    assert "✅ Added and on sale" in me.screen
    assert "3.29 EUR per kg · sold in steps of 0.1 kg · 5.5 % VAT" in me.screen
    assert catalogue.find_product("GALA-APPLES", uow=vat_shop.shop.uow()).vat_rate == Decimal("5.5")

    for answer in ("/additem", "Red wine", "ok", "Drinks", "skip", "pc", "8,99"):
        await me.says(answer)
    await me.presses("The store's default (20 % VAT)")
    assert me.chat.from_bot[-2].shown_text.endswith("✅ The store's default")
    for answer in ("6", "default", "skip"):
        await me.says(answer)
    assert "8.99 EUR per pc · sold in steps of 1 pc · 20 % VAT" in me.screen
    assert catalogue.find_product("RED-WINE", uow=vat_shop.shop.uow()).vat_rate is None
