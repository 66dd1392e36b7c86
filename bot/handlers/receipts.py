"""The receipt a customer gets when their order is completed: a message, then the same receipt
as a PDF document. Queued in the outbox by the use case that completed the order; worded here,
when sent, in the customer's language, from the completed order itself."""

from __future__ import annotations

import asyncio
import logging
from html import escape as esc
from typing import Any

from telegram import InputFile
from telegram.constants import ParseMode

from bot.domain.money import Currency
from bot.domain.notifications import Notification
from bot.domain.payments import MoneyTaken
from bot.domain.receipts import Receipt, ReceiptDocument, ReceiptMessage
from bot.domain.services.receipts import receipt_for
from bot.domain.store import Store
from bot.domain.text import said
from bot.handlers.context import ShopContext
from bot.handlers.fit import CAPTION, fit
from bot.handlers.receipt_pdf import Row, receipt_pdf
from bot.i18n import Texts

log = logging.getLogger(__name__)
# Receipts are not rendered from their facts but worded from the completed order when sent.
FACTS = (ReceiptMessage, ReceiptDocument)
PAID = {
    MoneyTaken.CASH.value: said("Paid in cash"),
    MoneyTaken.CARD.value: said("Paid by card"),
    MoneyTaken.TELEGRAM.value: said("Paid in Telegram"),
}


def receipt_rows(t: Texts, receipt: Receipt, store: Store) -> list[Row]:
    """The receipt, row by row, for the message and the PDF alike."""
    currency = Currency(receipt.currency)

    def money(minor: int) -> str:
        return t.money(minor, currency)

    issued = receipt.issued_at.astimezone(store.timezone)
    rows = [Row(t("Receipt for order {code}", code=receipt.order_code), bold=True)]
    rows.append(Row(receipt.store_name))
    if receipt.store_address:
        rows.append(Row(receipt.store_address))
    rows += [Row(f"{t.full_date(issued.date())}, {issued:%H:%M}"), Row("")]
    for line in receipt.lines:
        rows.append(Row(line.name, money(line.line_total_minor), item=True))
        each = f"{t.quantity(line.quantity, line.unit)} × {money(line.unit_price_minor)}"
        rows.append(Row(each, detail=True))
    rows += [Row(""), Row(t("Subtotal:"), money(receipt.subtotal_minor))]
    if receipt.discount_minor:
        label = t("Promo code {code}:", code=receipt.promo_code)
        rows.append(Row(label, "−" + money(receipt.discount_minor)))
    if receipt.delivery_fee_minor:
        rows.append(Row(t("Delivery:"), money(receipt.delivery_fee_minor)))
    rows.append(Row(t("Total:"), money(receipt.total_minor), bold=True))
    if receipt.shows_vat:
        rows.append(Row(t("Prices include VAT:")))
        rows += [
            Row(
                t(
                    "VAT {rate} % of {gross} (net {net})",
                    rate=entry.rate,
                    gross=money(entry.gross_minor),
                    net=money(entry.net_minor),
                ),
                money(entry.vat_minor),
                detail=True,
            )
            for entry in receipt.vat
        ]
    if receipt.extra_paid in PAID and receipt.paid in PAID:  # paid in two ways
        first = receipt.total_minor - receipt.extra_paid_minor
        rows.append(Row(t(PAID[receipt.paid]), money(first)))
        rows.append(Row(t(PAID[receipt.extra_paid]), money(receipt.extra_paid_minor)))
    elif receipt.paid in PAID:
        rows.append(Row(t(PAID[receipt.paid])))
    return rows


def receipt_text(rows: list[Row]) -> str:
    """The rows as a chat message (HTML)."""
    lines = []
    for row in rows:
        text = esc(row.text)
        if row.item:
            text = f"• {text} — {esc(row.amount)}"
        elif row.detail:
            text = f"   {text}" + (f" — {esc(row.amount)}" if row.amount else "")
        elif row.amount:
            text = f"{text} {esc(row.amount)}"
        lines.append(f"<b>{text}</b>" if row.bold else text)
    return "🧾 " + "\n".join(lines)


async def send(context: ShopContext, notification: Notification, t: Texts, **extra: Any) -> None:
    """Send the queued receipt message or PDF. A receipt whose order is not (or no longer) a
    completed one is dropped with a warning: there is nothing true to send."""
    store = context.shop.store
    order_id = notification.order_id
    receipt = None if order_id is None else await context.run(receipt_for, order_id, store=store)
    if receipt is None:
        log.warning("notification %s: no completed order %s to word", notification.id, order_id)
        return
    rows = receipt_rows(t, receipt, store)
    if isinstance(notification.facts, ReceiptMessage):
        await context.bot.send_message(
            notification.chat_id, fit(receipt_text(rows)), parse_mode=ParseMode.HTML, **extra
        )
        return
    # Off the event loop: drawing the page takes tens of milliseconds.
    pdf = await asyncio.to_thread(receipt_pdf, rows)
    caption = t("Receipt for order {code} (PDF)", code=receipt.order_code)
    await context.bot.send_document(
        notification.chat_id,
        InputFile(pdf, filename=f"receipt-{receipt.order_code}.pdf"),
        caption=fit(caption, CAPTION),
        **extra,
    )
