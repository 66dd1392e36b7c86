"""What checkout shows about delivery: the time windows to choose from, and a refused address
or basket with the ways on (another address, the cart, pickup)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.checkout import CheckoutStep
from bot.domain.store import Store
from bot.handlers.button_kinds import (
    CheckoutChoice,
    Choice,
    DeliveryDay,
    DeliveryTime,
    LeaveCheckout,
    Menu,
    Screen,
)
from bot.handlers.views import EPOCH_ORDINAL, LEAVE_CHECKOUT, NO_TIMES_AT_ALL, button
from bot.i18n import Texts

WINDOWS_PER_ROW = 2
MAX_WINDOWS_SHOWN = 24


@dataclass(frozen=True, slots=True)
class WindowChoice:
    """The days with delivery windows left, the day shown, and its windows' starts; and
    whether pickup is there to choose instead when none is left."""

    days: list[date]
    day: date | None
    starts: list[datetime]
    pickup_open: bool = True


def window_choice(store: Store, now: datetime, day: date | None = None) -> WindowChoice:
    """The windows of `day`, else of the first day that has some."""
    windows = store.windows
    pickup_open = bool(store.slots.days(now))
    if windows is None:
        return WindowChoice([], None, [], pickup_open)
    days = windows.days(now)
    shown = day if day in days else (days[0] if days else None)
    return WindowChoice(days, shown, windows.slots_on(shown, now) if shown else [], pickup_open)


def _leave(t: Texts) -> list[InlineKeyboardButton]:
    return [button("✖ " + t(LEAVE_CHECKOUT), LeaveCheckout())]


def window_question(
    t: Texts, choice: WindowChoice, store: Store
) -> tuple[str, InlineKeyboardMarkup]:
    """One day's delivery windows as buttons, and the other days that have some."""
    step = CheckoutStep.WINDOW
    if not choice.pickup_open and not choice.starts:
        return t(NO_TIMES_AT_ALL), InlineKeyboardMarkup([_leave(t)])
    if choice.day is None or not choice.starts:
        return (
            t(
                "Sorry, there are no delivery times in the coming days. You can choose pickup "
                "instead."
            ),
            InlineKeyboardMarkup(
                [[button("🏪 " + t("Pickup"), CheckoutChoice(step, Choice.PICKUP))], _leave(t)]
            ),
        )
    length = store.delivery_window
    times = [
        button(
            f"{start.astimezone(store.timezone):%H:%M}–"
            f"{(start + length).astimezone(store.timezone):%H:%M}",
            DeliveryTime(int(start.timestamp()) // 60),
        )
        for start in choice.starts[:MAX_WINDOWS_SHOWN]
    ]
    rows = [times[i : i + WINDOWS_PER_ROW] for i in range(0, len(times), WINDOWS_PER_ROW)]
    other_days = [
        button("📅 " + t.day(day), DeliveryDay(day.toordinal() - EPOCH_ORDINAL))
        for day in choice.days
        if day != choice.day
    ]
    rows += [other_days[i : i + 4] for i in range(0, len(other_days), 4)]
    day = t.day(choice.day, long=True)
    text = (
        t(
            "When should we deliver? Times on <b>{day}</b> (or choose another day below):",
            day=day,
        )
        if other_days
        else t("When should we deliver? Times on <b>{day}</b>:", day=day)
    )
    return text, InlineKeyboardMarkup([*rows, _leave(t)])


def delivery_refused_keyboard(t: Texts) -> InlineKeyboardMarkup:
    """After an address outside the zones or a basket too small: type another address, edit
    the cart (the address is kept for one tap on the way back), or pick up instead."""
    step = CheckoutStep.ADDRESS
    rows = [
        [
            button("🏪 " + t("Pickup instead"), CheckoutChoice(step, Choice.PICKUP)),
            button("🧺 " + t("Edit cart"), Menu(Screen.CART)),
        ],
        _leave(t),
    ]
    return InlineKeyboardMarkup(rows)
