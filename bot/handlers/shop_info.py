"""/info: where the shop is, how to reach it, when it is open this week, and where it
delivers at what fee."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape as esc

from telegram import Update

from bot.domain.clock import utc_now
from bot.domain.store import Store
from bot.handlers.context import ShopContext
from bot.handlers.routes import Command, Feature
from bot.handlers.screens import polite, say
from bot.handlers.views import menu_keyboard
from bot.i18n import Texts, said


def descriptions(store: Store, t: Texts) -> tuple[str, str]:
    """The bot's Telegram description (shown before /start) and short description."""
    where = f" {store.address}." if store.address else ""
    long = t(
        "{store}: browse the catalogue, fill a cart and order for pickup or delivery, without "
        "visiting the shop.{where} Send /start to begin; /info for hours.",
        store=store.name,
        where=where,
    )
    short = t("{store} — order for pickup or delivery", store=store.name)
    return long[:512], short[:120]


def week_hours(t: Texts, store: Store, now: datetime) -> list[str]:
    """The next seven days, today first, each with its opening times (or closed)."""
    today = now.astimezone(store.timezone).date()
    lines = []
    for offset in range(7):
        day = today + timedelta(days=offset)
        intervals = store.hours.on(day)
        label = t("Today") if offset == 0 else t.day(day)
        if intervals:
            shown = ", ".join(f"{opens:%H:%M}–{closes:%H:%M}" for opens, closes in intervals)
        else:
            shown = t("closed (holiday)") if day in store.hours.closed else t("closed")
        lines.append(f"{label}: {shown}")
    return lines


def info_text(t: Texts, store: Store, now: datetime) -> str:
    lines = [f"<b>{esc(store.name)}</b>"]
    if store.address:
        lines.append(f"📍 {esc(store.address)}")
    if store.phone:
        lines.append(f"📞 {esc(store.phone)}")
    if store.is_open(now):
        lines.append("🟢 " + t("Open now"))
    else:
        opens = store.next_opening(now)
        closed = t("Closed now · opens {when}", when=t.moment(opens)) if opens else t("Closed now")
        lines.append(f"🔴 {closed}")
    lines.append("\n<b>" + t("Opening hours") + "</b>")
    lines.extend(week_hours(t, store, now))
    lines.append("\n<b>" + t("Delivery") + "</b>")
    lines.extend(delivery_terms(t, store))
    return "\n".join(lines)


def delivery_terms(t: Texts, store: Store) -> list[str]:
    """Each zone's postcodes (as the owner wrote them), fee, minimum basket and free delivery
    from; without zones, the fee anywhere. What checkout would tell, before it is asked."""
    rules, currency = store.deliveries, store.currency

    def fee(minor: int) -> str:
        return t.money(minor, currency) if minor else t("no fee")

    lines = []
    for zone in rules.zones:
        terms = [fee(zone.fee_minor)]
        if zone.minimum_minor:
            terms.append(t("minimum basket {amount}", amount=t.money(zone.minimum_minor, currency)))
        # The zone's own threshold, else the store's: each zone says what applies to it.
        free_from = zone.free_from_minor
        if free_from is None:
            free_from = rules.free_from_minor
        if free_from is not None and zone.fee_minor:
            terms.append(t("free from {amount}", amount=t.money(free_from, currency)))
        lines.append(f"• {esc(zone.label)}: " + ", ".join(terms))
    if not rules.zones:
        lines.append("• " + t("Anywhere: {fee}", fee=fee(rules.flat_fee_minor)))
        if rules.free_from_minor is not None and rules.flat_fee_minor:
            free = t.money(rules.free_from_minor, currency)
            lines.append(t("Free delivery from {amount}.", amount=free))
    return lines


@polite
async def show_info(update: Update, context: ShopContext) -> str | None:
    """/info: the shop's address, phone, map location and this week's hours."""
    store, t = context.shop.store, context.texts(update)
    await say(update, info_text(t, store, utc_now()), menu_keyboard(t))
    chat = update.effective_chat
    if store.location is not None and chat is not None:
        latitude, longitude = store.location
        await chat.send_location(latitude=float(latitude), longitude=float(longitude))
    return None


FEATURE = Feature(
    commands=[Command("info", show_info, menu=said("Address, phone and opening hours"))]
)
