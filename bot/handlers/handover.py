"""Contactless hand-over: staff scan the customer's QR code (it opens `/start h_CODE`) or type
`/handover CODE`; the order is completed and the customer told. Behind the staff guard."""

from __future__ import annotations

from html import escape as esc

from telegram import Update

from bot.domain.errors import InvalidInput, NotAuthorised
from bot.domain.payments import PaymentMethod
from bot.domain.services import orders
from bot.domain.staff import Role
from bot.domain.text import said
from bot.handlers.access import signed_in, staff_member
from bot.handlers.context import ShopContext
from bot.handlers.routes import Command, Feature
from bot.handlers.screens import polite, say

SCANNED_BY_CUSTOMER = said(
    "This is your pickup code: show it to the staff when you collect your order, and they "
    "scan it. Your order is in /myorders."
)


async def hand_over(update: Update, context: ShopContext, code: str) -> None:
    """Complete the order behind a pickup code; say what to collect if it is paid here."""
    account = await signed_in(update, context)
    assert account.id is not None
    store, t = context.shop.store, context.texts(update)
    order = await context.run(orders.hand_over, account.id, code, store=store)
    lines = [
        "🤝 " + t("<b>Order {code} handed over.</b> The customer is told.", code=esc(order.code))
    ]
    if order.payment.method is PaymentMethod.ON_HANDOVER:
        total = t.money(order.total_minor, store.currency)
        lines.append("💶 " + t("Collect <b>{total}</b>: it was not paid in Telegram.", total=total))
    else:
        lines.append("💳 " + t("Already paid in Telegram: nothing to collect."))
    lines += [
        f"• {esc(line.name)} — {t.quantity(line.quantity, line.unit)}" for line in order.lines
    ]
    await say(update, "\n".join(lines))


@polite
async def handover_command(update: Update, context: ShopContext) -> str | None:
    if not context.args:
        raise InvalidInput(
            said(
                "Usage: /handover CODE (the pickup code the customer shows), e.g. /handover K7Q2MZ"
            )
        )
    await hand_over(update, context, context.args[0])
    return None


async def scanned(update: Update, context: ShopContext, code: str) -> None:
    """A pickup QR opened the bot. Staff hand the order over; anyone else is told what the
    code is for (a customer scanning their own code learns nothing new)."""
    if await staff_member(update, context) is None:
        await say(update, context.texts(update)(SCANNED_BY_CUSTOMER))
        return
    try:
        await hand_over(update, context, code)
    except NotAuthorised:
        await say(update, context.texts(update)(SCANNED_BY_CUSTOMER))


FEATURE = Feature(
    commands=[
        Command(
            "handover",
            handover_command,
            Role.STAFF,
            said("Hand an order over: /handover CODE"),
            said(
                "/handover CODE – give a ready order to the customer showing this pickup code "
                "(or scan their QR code): /handover K7Q2MZ"
            ),
        )
    ],
)
