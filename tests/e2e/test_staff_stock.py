"""Staff keep stock right by chat: levels, deliveries, corrections, prices, archiving."""

from __future__ import annotations

from decimal import Decimal

from bot.domain.catalogue import Unit
from bot.domain.stock import StockReason
from tests.support.chat_person import ChatPerson
from tests.support.running_bot import RunningBot
from tests.support.shop_factories import logged_in_manager, sell, stock_of


async def test_stock_lists_levels_with_low_and_sold_out_markers_and_pages(
    bot: RunningBot,
) -> None:
    sell(bot, 20, sku="RICE", name="Basmati rice", category="Pantry")
    sell(bot, 2, sku="MILK", name="Whole milk", category="Dairy")
    sell(bot, 0, sku="EGGS", name="Eggs ×6", category="Dairy")
    for n in range(15):
        sell(bot, 9, sku=f"TIN-{n}", name=f"Tin {n}", category="Tins")
    boss = logged_in_manager(bot)
    await boss.says("/stock")
    assert "18 items" in boss.screen
    assert "🟠 MILK Whole milk: 2 pc (min 5 pc)" in boss.screen
    assert "🔴 EGGS Eggs ×6: 0 pc" in boss.screen
    first = boss.last
    await boss.presses("Next ›")
    assert boss.last.message_id == first.message_id
    assert "Tin" in boss.screen
    await boss.says("/stock dairy")
    assert "2 items" in boss.screen
    assert "RICE" not in boss.screen


async def test_stock_sku_shows_the_item_with_its_last_ledger_rows(bot: RunningBot) -> None:
    sell(bot, 5, sku="TEA", name="Earl Grey")
    boss = logged_in_manager(bot)
    await boss.says("/restock tea 10 invoice 4411")
    await boss.says("/stock TEA")
    assert "🟢 TEA Earl Grey: 15 pc" in boss.screen
    assert "+10 pc received → 15 pc by boss – invoice 4411" in boss.screen
    assert "+5 pc received → 5 pc by test" in boss.screen


async def test_restock_adjust_and_count_move_stock_through_the_ledger(bot: RunningBot) -> None:
    sell(bot, 10, sku="EGGS", name="Eggs")
    sell(bot, "2", sku="APPLES", name="Apples", unit=Unit.KILOGRAM, step=Decimal("0.25"))
    boss = logged_in_manager(bot)
    await boss.says("/restock EGGS 6")
    assert "Restocked. Eggs: +6 pc, now 16 pc on hand." in boss.screen
    await boss.says("/adjust eggs -2 damaged dropped a box")
    assert "Adjusted (damaged). Eggs: -2 pc, now 14 pc on hand." in boss.screen
    await boss.says("/count EGGS 12")
    assert "Counted. Eggs: -2 pc, now 12 pc on hand." in boss.screen
    await boss.says("/count EGGS 12")
    assert "The count matches" in boss.screen
    await boss.says("/restock APPLES 1,25")
    assert "now 3.25 kg on hand" in boss.screen
    with bot.shop.uow() as uow:
        eggs = uow.products.get_by_sku("EGGS")
        assert eggs is not None
        assert uow.ledger.balance(eggs.id or 0) == eggs.stock == 12
        reasons = [r.reason for r in uow.ledger.recent(eggs.id or 0, limit=3)]
    assert reasons == [StockReason.COUNT_CORRECTION, StockReason.DAMAGED, StockReason.RECEIVED]


async def test_wrong_stock_input_gets_a_clear_message_and_changes_nothing(
    bot: RunningBot,
) -> None:
    sell(bot, 3, sku="EGGS", name="Eggs")
    sell(bot, "2", sku="APPLES", name="Apples", unit=Unit.KILOGRAM, step=Decimal("0.25"))
    boss = logged_in_manager(bot)
    cases = {
        "/restock": "Usage: /restock SKU QTY",
        "/restock EGGS": "Usage: /restock SKU QTY",
        "/restock NOPE 1": "There is no item NOPE.",
        "/restock EGGS lots": "“lots” is not a quantity",
        "/restock EGGS -3": "The quantity must be more than 0",
        "/restock EGGS 1.5": "sold in steps of 1 pc",
        "/restock APPLES 0.3": "sold in steps of 0.25 kg",
        "/restock EGGS 99999999": "That quantity is too large",
        "/adjust EGGS -1": "Usage: /adjust SKU ±QTY REASON",
        "/adjust EGGS -1 because": "“because” is not a reason I know. Usage: /adjust SKU",
        "/adjust EGGS 2 damaged": "“damaged” takes stock away",
        "/adjust EGGS -5 lost": "Eggs has only 3 on hand; stock cannot go below 0.",
        "/count EGGS -1": "A counted quantity cannot be negative",
        "/setprice EGGS free": "“free” is not a price",
        "/setprice EGGS 1.999": "EUR prices have at most 2 decimal places",
        "/setthreshold EGGS -2": "A low-stock threshold cannot be negative",
        "/archive": "Usage: /archive SKU",
        "/stock NOPE-NOPE": "No item matches “NOPE-NOPE”.",
    }
    for command, answer in cases.items():
        await boss.says(command)
        assert answer in boss.screen, command
    assert stock_of(bot, "EGGS") == 3
    assert stock_of(bot, "APPLES") == 2


async def test_prices_thresholds_and_archiving_change_what_customers_see(
    bot: RunningBot,
) -> None:
    sell(bot, 10, sku="TEA", name="Earl Grey", price_minor=300)
    boss = logged_in_manager(bot)
    await boss.says("/setprice TEA 3.49")
    assert "Earl Grey now costs 3.49 EUR per pc." in boss.screen
    await boss.says("/setthreshold TEA 12")
    assert "counts as low at 12 pc or less" in boss.screen
    ann = ChatPerson(bot.double, bot.double.person("Ann"))
    await ann.says("/start p_TEA")
    assert "3.49 EUR per pc" in ann.screen
    assert "Only 10 pc left" in ann.screen
    await boss.says("/archive TEA")
    assert "archived" in boss.screen
    await ann.says("/start p_TEA")
    assert "Earl Grey is no longer sold." in ann.screen  # as a cart holding it would say
    await boss.says("/unarchive TEA")
    await ann.says("/start p_TEA")
    assert "Earl Grey" in ann.screen
    await boss.says("/setthreshold TEA default")
    assert "counts as low at 5 pc or less" in boss.screen


async def test_a_sale_crossing_the_threshold_alerts_every_manager_once(bot: RunningBot) -> None:
    sell(bot, 7, sku="TEA", name="Earl Grey", low_stock_threshold=Decimal(5))
    boss = logged_in_manager(bot)
    deputy = logged_in_manager(bot, "Deputy")
    ann = ChatPerson(bot.double, bot.double.person("Ann"))
    await ann.says("/start p_TEA")
    await ann.presses("➕")
    await ann.presses("to cart")
    await ann.says("/checkout")
    await ann.presses("Pickup")
    await ann.presses(ann.last.button_texts[0])
    await ann.shares_phone("+441234567890")
    await ann.presses("Skip")
    await ann.presses("✅ Confirm")
    for manager in (boss, deputy):
        await bot.double.wait_for(
            lambda m=manager: m.has_seen("Low stock: Earl Grey"),  # type: ignore[misc]
            what="the low-stock alert",
        )
        assert manager.has_seen("is down to 5 pc (threshold 5 pc)")
    await boss.says("/adjust TEA -1 damaged")
    await bot.another_sender_round()  # and once more: nothing new
    assert sum("Low stock" in m.shown_text for m in boss.chat.from_bot) == 1


async def test_an_item_that_falls_to_nothing_is_reported_sold_out(bot: RunningBot) -> None:
    sell(bot, 8, sku="JAM", name="Strawberry jam")
    boss = logged_in_manager(bot)
    await boss.says("/adjust JAM -8 broken")
    assert boss.has_seen("Adjusted (damaged). Strawberry jam: -8 pc, now 0 pc on hand.")
    await bot.double.wait_for(lambda: boss.has_seen("Sold out: Strawberry jam"), what="alert")
    alert = next(m.shown_text for m in boss.chat.from_bot if "Sold out" in m.shown_text)
    assert alert == "🔴 Sold out: Strawberry jam (JAM). /restock JAM QTY when it arrives."


async def test_restock_of_a_sku_that_does_not_exist_offers_the_closest_items(
    bot: RunningBot,
) -> None:
    sell(bot, 24, sku="MILK-1L", name="Whole milk 1 l", category="Dairy")
    sell(bot, 6, sku="MILK-SK", name="Skimmed milk 1 l", category="Dairy")
    sell(bot, 10, sku="EGGS", name="Eggs")
    boss = logged_in_manager(bot)
    await boss.says("/restock milk 12 crate 7")
    assert "“milk” fits several items. Restock 12 of which one?" in boss.screen
    offer = boss.last
    assert offer.button_texts == ["MILK-SK · Skimmed milk 1 l", "MILK-1L · Whole milk 1 l"]
    assert stock_of(bot, "MILK-1L") == 24, "nothing moves before a choice"

    await boss.presses("MILK-1L", on=offer)
    assert "Restocked. Whole milk 1 l: +12 pc, now 36 pc on hand." in boss.screen
    assert offer.button_texts == [], "the offer turns into the result"
    with bot.shop.uow() as uow:
        milk = uow.products.get_by_sku("MILK-1L")
        assert milk is not None
        [entry] = uow.ledger.recent(milk.id or 0, limit=1)
    assert entry.note == "crate 7"

    # A double tap (the same button again) restocks once: the level moved on from 24.
    data = "rsa:12:24:MILK-1L:crate 7"
    alert = await boss.presses_data(data, on=offer)
    assert alert is not None and "changed a moment ago (now 36 pc on hand)" in alert
    assert stock_of(bot, "MILK-1L") == 36


async def test_restock_of_a_sku_like_nothing_says_so_plainly(bot: RunningBot) -> None:
    sell(bot, 10, sku="EGGS", name="Eggs")
    boss = logged_in_manager(bot)
    await boss.says("/restock ZZZQ 3")
    assert boss.screen == "There is no item ZZZQ."
    assert boss.last.button_texts == []
