"""A completed order's receipt reaches the customer: a message and the same receipt as a PDF,
with the VAT of each rate its lines were sold at."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from sqlalchemy import Engine, select

from bot.domain.catalogue import Unit
from bot.domain.notifications import NotificationKind
from bot.domain.payments import MoneyTaken
from bot.domain.services.customers import CustomerRef
from bot.persistence.models import OutboxRow
from bot.playground.bot_api.spec import UploadedFile
from tests.support.chat_person import ChatPerson
from tests.support.factories import placed_order
from tests.support.running_bot import RunningBot
from tests.support.shop_factories import (
    logged_in_manager,
    sell,
    someone,
    staff_id_of,
    work_to_completed,
)


def _receipts(ann: ChatPerson) -> tuple[list[str], list[UploadedFile]]:
    texts = [m.shown_text for m in ann.chat.from_bot if m.shown_text.startswith("🧾")]
    pdfs = [m.document for m in ann.chat.from_bot if isinstance(m.document, UploadedFile)]
    return texts, pdfs


def _marked_sent(engine: Engine, order_id: int) -> list[str]:
    kinds = [NotificationKind.RECEIPT.value, NotificationKind.RECEIPT_PDF.value]
    with engine.connect() as db:
        return sorted(
            db.scalars(
                select(OutboxRow.kind).where(
                    OutboxRow.order_id == order_id,
                    OutboxRow.kind.in_(kinds),
                    OutboxRow.sent_at.is_not(None),
                )
            )
        )


async def test_a_completed_order_at_two_vat_rates_gets_its_receipt_and_pdf_once(
    vat_shop: RunningBot, engine: Engine
) -> None:
    bot = vat_shop
    boss = logged_in_manager(bot)
    apples = sell(
        bot,
        sku="GALA",
        name="Gala apples",
        unit=Unit.KILOGRAM,
        step=Decimal("0.5"),
        price_minor=329,
    )
    wine = sell(bot, sku="WINE", name="Red wine", price_minor=899)
    await boss.says("/setvat gala 5,5 %")
    assert "Gala apples is now sold at 5.5 % VAT." in boss.screen
    ann = someone(bot, "Ann")
    ref = CustomerRef(ann.person.id, "Ann")
    order = placed_order(
        bot.shop.uow(), ref, (apples, Decimal("1.5")), (wine, 1), store=bot.shop.store
    )
    work_to_completed(bot, staff_id_of(bot, boss), order.code, MoneyTaken.CARD)

    await bot.double.wait_for(lambda: len(_receipts(ann)[1]) == 1, what="the receipt's PDF")
    texts, pdfs = _receipts(ann)
    assert len(texts) == 1
    receipt = texts[0]
    assert f"Receipt for order {order.code}" in receipt
    assert "Corner Shop <&> Co" in receipt
    assert "3 rue des Lilas, Lyon" in receipt
    # 1.5 kg × 3.29 = 4.935, half up: 4.94; with the wine 13.93 in all.
    assert "• Gala apples — 4.94 EUR\n   1.5 kg × 3.29 EUR" in receipt
    assert "• Red wine — 8.99 EUR" in receipt
    assert "Total: 13.93 EUR" in receipt
    # 4.94 × 5.5 / 105.5 = 0.2575 -> 0.26; 8.99 × 20 / 120 = 1.498 -> 1.50.
    assert "VAT 5.5 % of 4.94 EUR (net 4.68 EUR) — 0.26 EUR" in receipt
    assert "VAT 20 % of 8.99 EUR (net 7.49 EUR) — 1.50 EUR" in receipt
    assert "Paid by card" in receipt
    pdf = pdfs[0]
    assert pdf.content.startswith(b"%PDF")
    assert pdf.filename == f"receipt-{order.code}.pdf"
    shown = [m.shown_text for m in ann.chat.from_bot]
    completed = next(n for n, text in enumerate(shown) if "is completed" in text)
    # The news first, then the receipt, then its PDF with a caption naming the order.
    assert shown[completed + 1 :] == [receipt, f"Receipt for order {order.code} (PDF)"]
    # Sent once: each of the two is marked sent in the outbox (the mark follows the send by
    # a moment), and no copy follows.
    for _ in range(50):
        if _marked_sent(engine, order.id or 0) == ["receipt", "receipt_pdf"]:
            break
        await asyncio.sleep(0.1)
    assert _marked_sent(engine, order.id or 0) == ["receipt", "receipt_pdf"]
    await asyncio.sleep(3 * bot.settings.outbox_poll_seconds)
    assert [len(found) for found in _receipts(ann)] == [1, 1]


async def test_the_receipt_is_written_in_the_customers_language(vat_shop: RunningBot) -> None:
    bot = vat_shop
    boss = logged_in_manager(bot)
    apples = sell(
        bot,
        sku="GALA",
        name="Pommes Gala",
        unit=Unit.KILOGRAM,
        step=Decimal("0.5"),
        price_minor=329,
        vat_rate=Decimal("5.5"),
    )
    anne = ChatPerson(bot.double, bot.double.person("Anne", language_code="fr"))
    await anne.says("/start")
    ref = CustomerRef(anne.person.id, "Anne")
    order = placed_order(bot.shop.uow(), ref, (apples, Decimal("1.5")), store=bot.shop.store)
    work_to_completed(bot, staff_id_of(bot, boss), order.code, MoneyTaken.CASH)

    await bot.double.wait_for(lambda: len(_receipts(anne)[1]) == 1, what="the receipt's PDF")
    receipt = _receipts(anne)[0][0]
    # French numbers and money: 1,5 kg at 3,29 € is 4,94 €, of which 0,26 € VAT at 5,5 %.
    assert "1,5 kg × 3,29\xa0€" in receipt
    assert "5,5 %" in receipt
    assert "0,26\xa0€" in receipt
    assert "EUR" not in receipt
