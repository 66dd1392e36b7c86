"""/mydata: what the shop keeps about a customer, as messages and a JSON file; /forgetme: erase
it, after a question only the person asked can answer."""

from __future__ import annotations

import json
import time
from datetime import datetime
from html import escape as esc
from typing import Any

from telegram import InputFile, Update

from bot.domain.customers import show_phone
from bot.domain.errors import DomainError
from bot.domain.money import Currency
from bot.domain.news import NewsChoice
from bot.domain.orders import FulfilmentKind, Order
from bot.domain.personal_data import KeptAbout
from bot.domain.services.personal_data import check_erasable, forget_me, what_is_kept
from bot.domain.store import Store
from bot.handlers.button_kinds import Consent, ForgetMe
from bot.handlers.context import ShopContext, user_id_of
from bot.handlers.fit import split
from bot.handlers.routes import Command, Feature, Press
from bot.handlers.screens import polite, say, show
from bot.handlers.views import Keyboard, button, fulfilment_line, promo_line, slot_label
from bot.i18n import SHIPPED, Texts, said

ANSWER_WITHIN_SECONDS = 10 * 60  # an older question is asked again: the person may have moved on
FOOTER = said(
    "/forgetme erases your personal data; your orders stay in the shop's books without your "
    "name, phone number, address or note."
)
QUESTION = said(
    "<b>Erase your personal data?</b>\n"
    "Your name, phone numbers, addresses, notes, questions, back-in-stock requests, "
    "favourites, ratings, cart, checkout and language choice are deleted for good. Your orders "
    "stay in the shop's books for accounting, without your name, phone number, address or "
    "note. This cannot be undone."
)
ERASED = said("Your personal data is erased. Send /start to begin again as a new customer.")
NOT_YOURS = said("This button is not for you.")
EXPIRED = said("This question has expired; send /forgetme again.")
NOTHING_KEPT = said("The shop keeps no personal data about you.")


def _language(code: str | None) -> str:
    return SHIPPED.get(code or "", code or "")


def _order_lines(t: Texts, order: Order, store: Store) -> list[str]:
    status = t.shown(order.status)
    lines = [
        "<b>"
        + t("Order {code}", code=order.code)
        + f"</b> · {esc(slot_label(t, order.placed_at, store))} · {status}"
    ]
    for line in order.lines:
        total = t.money(line.line_total_minor, store.currency)
        lines.append(f"• {esc(line.name)} — {t.quantity(line.quantity, line.unit)} = {total}")
    if order.fulfilment.kind is FulfilmentKind.DELIVERY or order.fulfilment.pickup_slot:
        lines.append(fulfilment_line(t, order.fulfilment, store))
    if order.phone:
        lines.append(f"📞 {esc(show_phone(order.phone, store.country))}")
    if order.note:
        lines.append(f"📝 {esc(order.note)}")
    if order.promo is not None:
        lines.append(promo_line(t, order.promo.code, order.discount_minor, store))
    lines.append(t("Total: {total}", total=t.money(order.total_minor, store.currency)))
    return lines


def news_line(t: Texts, choice: NewsChoice | None) -> str:
    """Whether they get the shop's news, and whether a message to them was refused."""
    if choice is None or not choice.wants:
        return t("News from the shop: off (/news to change)")
    if choice.blocked_at is not None:
        return t("News from the shop: on, but paused since you blocked the bot")
    return t("News from the shop: on (/news to change)")


def kept_lines(t: Texts, kept: KeptAbout, store: Store) -> list[str]:
    """/mydata as lines of HTML, every kept text escaped; each line short enough to send."""
    who = kept.customer
    none = t("none")
    lines = [
        t("<b>What {shop} keeps about you</b>", shop=esc(store.name)),
        "👤 " + t("Name: {name}", name=esc(who.name)),
    ]
    if who.username:
        lines.append("👤 " + t("Telegram username: {username}", username=esc("@" + who.username)))
    if kept.language:
        language = esc(_language(kept.language))
        lines.append("🗣 " + t("Language: {language} (chosen with /language)", language=language))
    elif kept.app_language:
        language = esc(_language(kept.app_language))
        lines.append("🗣 " + t("Language: {language} (your Telegram app's)", language=language))
    phone = esc(show_phone(who.phone, store.country)) if who.phone else none
    lines.append("📞 " + t("Phone number: {phone}", phone=phone))
    address = esc(kept.last_address) if kept.last_address else none
    lines.append("📍 " + t("Delivery address: {address}", address=address))
    lines.append("📣 " + news_line(t, kept.news))
    lines += ["", t("<b>Your orders</b>")]
    for order in kept.orders:
        lines += _order_lines(t, order, store)
    if not kept.orders:
        lines.append(none)
    lines += ["", t("<b>Questions you asked</b>")]
    for question in kept.questions:
        lines.append(f"• {esc(slot_label(t, question.asked_at, store))}: {esc(question.text)}")
        if question.answer is not None:
            by, answer = esc(question.answered_by or ""), esc(question.answer)
            lines.append("  ↳ " + t("Answer from {by}: {answer}", by=by, answer=answer))
    if not kept.questions:
        lines.append(none)
    lines += ["", t("<b>Items you asked to hear about</b>")]
    lines += [f"• {esc(w.name)} ({esc(w.sku)})" for w in kept.watches] or [none]
    lines += ["", t("<b>Your favourites</b>")]
    lines += [f"• {esc(f.name)} ({esc(f.sku)})" for f in kept.favourites] or [none]
    lines += ["", "<b>" + t("Your ratings") + "</b>"]
    lines += [
        f"• {esc(r.order_code)}: {'★' * r.stars}" + (f" — {esc(r.comment)}" if r.comment else "")
        for r in kept.ratings
    ] or [none]
    lines += ["", "<b>" + t("Your cart") + "</b>"]
    lines += [
        f"• {esc(item.name)} — {t.quantity(item.quantity, item.unit)}" for item in kept.cart
    ] or [none]
    if (card := kept.last_card) is not None:
        lines += ["", t("<b>The item you looked at last</b> (an amount you type next is for it)")]
        seen = esc(slot_label(t, card.at, store))
        lines.append(f"• {esc(card.name)} ({esc(card.sku)}), {seen}")
    draft = kept.checkout
    if draft is not None:
        lines += ["", t("<b>Checkout in progress</b>")]
        if draft.address:
            lines.append("🚚 " + t("Delivery to {address}", address=esc(draft.address)))
        if draft.phone:
            lines.append(f"📞 {esc(show_phone(draft.phone, store.country))}")
        if draft.note:
            lines.append(f"📝 {esc(draft.note)}")
    lines += ["", t(FOOTER)]
    return lines


def _money(minor: int, currency: Currency) -> str:
    return f"{currency.to_major(minor):f}"


def _order_json(t: Texts, order: Order) -> dict[str, Any]:
    currency = Currency(order.currency)
    return {
        "code": order.code,
        "placed_at": order.placed_at.isoformat(),
        "status": order.status.value,
        "status_shown": str(t.shown(order.status)),
        "fulfilment": order.fulfilment.kind.value,
        "pickup_at": (
            order.fulfilment.pickup_slot.isoformat() if order.fulfilment.pickup_slot else None
        ),
        "address": order.fulfilment.address,
        "phone": order.phone,
        "note": order.note,
        "currency": order.currency,
        "delivery_fee": _money(order.fulfilment.delivery_fee_minor, currency),
        "promo_code": order.promo.code if order.promo else None,
        "discount": _money(order.discount_minor, currency),
        "total": _money(order.total_minor, currency),
        "lines": [
            {
                "sku": line.sku,
                "name": line.name,
                "unit": line.unit,
                "quantity": f"{line.quantity.normalize():f}",
                "unit_price": _money(line.unit_price_minor, currency),
                "total": _money(line.line_total_minor, currency),
            }
            for line in order.lines
        ],
    }


def kept_json(t: Texts, kept: KeptAbout, store: Store) -> bytes:
    """The same as a JSON document: English keys, values as kept (amounts in the currency's
    major unit, times in UTC, ISO 8601), and each status also in the reader's words."""
    who = kept.customer
    draft = kept.checkout
    document: dict[str, Any] = {
        "shop": store.name,
        "customer": {
            "telegram_user_id": who.telegram_user_id,
            "name": who.name,
            "username": who.username,
            "language": kept.language,
            "telegram_app_language": kept.app_language,
            "phone": who.phone,
            "last_delivery_address": kept.last_address,
        },
        "orders": [_order_json(t, order) for order in kept.orders],
        "questions": [
            {
                "asked_at": q.asked_at.isoformat(),
                "text": q.text,
                "answer": q.answer,
                "answered_at": q.answered_at.isoformat() if q.answered_at else None,
                "answered_by": q.answered_by,
            }
            for q in kept.questions
        ],
        "back_in_stock_requests": [
            {"sku": w.sku, "name": w.name, "since": w.since.isoformat()} for w in kept.watches
        ],
        "news": {
            "wants": bool(kept.news and kept.news.wants),
            "asked_at": _moment(kept.news.asked_at if kept.news else None),
            "chosen_at": _moment(kept.news.chosen_at if kept.news else None),
            "blocked_at": _moment(kept.news.blocked_at if kept.news else None),
        },
        "favourites": [
            {"sku": f.sku, "name": f.name, "since": f.since.isoformat()} for f in kept.favourites
        ],
        "ratings": [
            {
                "order": r.order_code,
                "stars": r.stars,
                "comment": r.comment,
                "rated_at": r.rated_at.isoformat(),
            }
            for r in kept.ratings
        ],
        "cart": [
            {
                "sku": item.sku,
                "name": item.name,
                "unit": item.unit,
                "quantity": f"{item.quantity.normalize():f}",
                "unit_price": _money(item.price_minor, store.currency),
            }
            for item in kept.cart
        ],
        "last_item_card": None
        if kept.last_card is None
        else {
            "sku": kept.last_card.sku,
            "name": kept.last_card.name,
            "seen_at": kept.last_card.at.isoformat(),
        },
        "checkout_in_progress": None
        if draft is None
        else {
            "step": draft.step.value,
            "fulfilment": draft.kind.value if draft.kind else None,
            "pickup_at": draft.pickup_slot.isoformat() if draft.pickup_slot else None,
            "address": draft.address,
            "phone": draft.phone,
            "note": draft.note,
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


@polite
async def my_data(update: Update, context: ShopContext) -> str | None:
    """/mydata: everything kept about the person, to read and as a file."""
    t, store = context.texts(update), context.shop.store
    kept = await context.run(what_is_kept, user_id_of(update))
    if kept is None:
        await say(update, t(NOTHING_KEPT))
        return None
    for part in split(kept_lines(t, kept, store)):
        await say(update, part)
    chat = update.effective_chat
    assert chat is not None
    await chat.send_document(
        InputFile(kept_json(t, kept, store), filename="my-data.json"),
        caption=t("The same, as a JSON file."),
    )
    return None


def _question_keyboard(t: Texts, user: int) -> Keyboard:
    asked = int(time.time())
    return Keyboard(
        [
            [button("🗑 " + t("Yes, erase my data"), ForgetMe(user, asked, Consent.YES))],
            [button(t("Keep my data"), ForgetMe(user, asked, Consent.NO))],
        ]
    )


@polite
async def ask_to_forget(update: Update, context: ShopContext) -> str | None:
    """/forgetme: refused at once while an order is open, else asked with a button."""
    t, user = context.texts(update), user_id_of(update)
    if not await context.run(check_erasable, user):
        await say(update, t(NOTHING_KEPT))
        return None
    await say(update, t(QUESTION), _question_keyboard(t, user))
    return None


@polite
async def confirm_forget(update: Update, context: ShopContext) -> str | None:
    """The answer to /forgetme's question: only the person it was asked of, only soon after."""
    pressed, user = ForgetMe.of(update), user_id_of(update)
    if pressed.user != user:
        raise DomainError(NOT_YOURS)
    if not 0 <= time.time() - pressed.asked <= ANSWER_WITHIN_SECONDS:
        raise DomainError(EXPIRED)
    t = context.texts(update)
    if pressed.answer is Consent.NO:
        await show(update, t("Nothing was erased."))
        return None
    await context.run(forget_me, user)  # a second press finds nobody left: the same answer
    await show(update, t(ERASED))
    return None


FEATURE = Feature(
    commands=[
        Command("mydata", my_data, menu=said("What the shop keeps about you")),
        Command("forgetme", ask_to_forget, menu=said("Erase your personal data")),
    ],
    presses=[Press(ForgetMe, confirm_forget)],
)


def _moment(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None
