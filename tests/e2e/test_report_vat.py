"""/report states the VAT per rate of the period's completed orders, as their receipts did."""

from __future__ import annotations

from decimal import Decimal

from bot.domain.catalogue import Unit
from bot.domain.payments import MoneyTaken
from bot.domain.services.customers import CustomerRef
from tests.support.factories import placed_order
from tests.support.running_bot import RunningBot
from tests.support.shop_factories import (
    logged_in_manager,
    sell,
    someone,
    staff_id_of,
    work_to_completed,
)


async def test_the_report_gives_the_vat_of_each_rate_in_completed_orders_only(
    vat_shop: RunningBot,
) -> None:
    bot = vat_shop
    boss = logged_in_manager(bot)
    boss_id = staff_id_of(bot, boss)
    apples = sell(
        bot,
        sku="GALA",
        name="Gala apples",
        unit=Unit.KILOGRAM,
        step=Decimal("0.5"),
        price_minor=329,
        vat_rate=Decimal("5.5"),
    )
    wine = sell(bot, sku="WINE", name="Red wine", price_minor=899)
    ann = CustomerRef(someone(bot, "Ann").person.id, "Ann")
    for quantity in (Decimal("1.5"), Decimal(3)):
        order = placed_order(
            bot.shop.uow(), ann, (apples, quantity), (wine, 1), store=bot.shop.store
        )
        work_to_completed(bot, boss_id, order.code, MoneyTaken.CASH)
    # Placed, not completed: not in the figures, VAT included.
    placed_order(bot.shop.uow(), ann, (wine, 2), store=bot.shop.store)

    await boss.says("/report today")
    report = next(m.shown_text for m in boss.chat.from_bot if "VAT included" in m.shown_text)
    # Apples: 4.94 (0.26 VAT) and 9.87 (0.51 VAT); wine: twice 8.99 (1.50 VAT each).
    assert "VAT 5.5 %: 0.77 EUR of 14.81 EUR (net 14.04 EUR)" in report
    assert "VAT 20 %: 3.00 EUR of 17.98 EUR (net 14.98 EUR)" in report
