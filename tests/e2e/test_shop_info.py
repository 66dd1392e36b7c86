"""The shop, described: /info, opening hours with a lunch break and holidays, and what a
customer who orders while the shop is closed is told."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from bot.domain.opening_hours import DAYS
from bot.handlers.button_kinds import PickupDay
from bot.playground.bot_api.server import LocalBotApi
from tests.support.databases import sqlite_only
from tests.support.running_bot import RunningBot, running_bot
from tests.support.shop_factories import checkout_for_pickup, fill_cart, sell, someone

PARIS = ZoneInfo("Europe/Paris")


def today() -> datetime:
    return datetime.now(PARIS)


@pytest.fixture
async def described_shop(
    double: LocalBotApi, engine: Engine, mode: str
) -> AsyncIterator[RunningBot]:
    """Open every day but today, with a lunch break; tomorrow is a holiday."""
    now = today()
    open_days = [DAYS[(now.weekday() + n) % 7] for n in range(1, 7)]
    hours = "; ".join(f"{d} 09:00-12:30; {d} 15:00-19:00" for d in open_days)
    url = engine.url.render_as_string(hide_password=False)
    async with running_bot(
        double,
        url,
        mode,
        opening_hours=hours,
        closed_dates=(now + timedelta(days=1)).date().isoformat(),
        store_address="12 Rue de la Paix, 75002 Paris",
        store_phone="+33 1 23 45 67 89",
        store_location="48.8686,2.3314",
    ) as running:
        yield running


@sqlite_only
async def test_info_gives_address_phone_map_and_this_weeks_hours(
    described_shop: RunningBot,
) -> None:
    ann = someone(described_shop, "Ann")
    await ann.says("/info")
    text = ann.chat.from_bot[-2].shown_text
    assert "📍 12 Rue de la Paix, 75002 Paris" in text
    assert "📞 +33 1 23 45 67 89" in text
    assert "Today: closed" in text
    assert "closed (holiday)" in text  # tomorrow
    assert "09:00–12:30, 15:00–19:00" in text  # the lunch break keeps both halves
    assert "🔴 Closed now · opens" in text
    assert ann.last.location == {"latitude": 48.8686, "longitude": 2.3314}
    assert "info" in described_shop.double.commands_for(ann.person)


async def test_pickup_times_skip_the_lunch_break_and_the_holiday(
    described_shop: RunningBot,
) -> None:
    sell(described_shop, 5, sku="TEA", name="Earl Grey")
    ann = someone(described_shop, "Ann")
    await fill_cart(ann, "Earl Grey")
    await ann.says("/checkout")
    await ann.presses("Pickup")
    day_after = today() + timedelta(days=2)
    assert f"Times on {day_after:%A %d %B}" in ann.screen  # today closed, tomorrow a holiday
    buttons = ann.last.button_texts
    times = [b for b in buttons if b[:2].isdigit()]
    assert times[0] == "09:00" and "12:00" in times and "15:00" in times
    assert "12:30" not in times and "14:30" not in times
    # The other days with times left, up to a week ahead, are a tap away.
    later = [today() + timedelta(days=n) for n in range(3, 7)]
    assert [b for b in buttons if b.startswith("📅")] == [f"📅 {d:%a %d}" for d in later]
    await ann.presses(f"📅 {later[-1]:%a %d}")
    assert f"Times on {later[-1]:%A %d %B}" in ann.screen
    assert f"📅 {day_after:%a %d}" in ann.last.button_texts
    await ann.presses("18:30")
    assert "share your phone number" in ann.screen
    summary_slot = f"{later[-1]:%a %d %b}, 18:30"
    await ann.shares_phone("+33 6 12 34 56 78")
    await ann.presses("Skip")
    assert summary_slot in ann.screen


async def test_an_order_placed_while_closed_says_when_the_shop_will_see_it(
    described_shop: RunningBot,
) -> None:
    sell(described_shop, 5, sku="TEA", name="Earl Grey")
    ann = someone(described_shop, "Ann")
    await fill_cart(ann, "Earl Grey")
    await checkout_for_pickup(ann)
    await ann.presses("✅ Confirm")
    day_after = (today() + timedelta(days=2)).strftime("%a %d %b")
    assert f"The shop is closed now; it opens {day_after}, 09:00 and will see your order" in (
        ann.screen
    )


@sqlite_only
async def test_the_bots_description_comes_from_the_settings(described_shop: RunningBot) -> None:
    descriptions = described_shop.double.descriptions
    assert "12 Rue de la Paix" in descriptions["long"]
    assert descriptions["short"].startswith("Corner Shop <&> Co")


async def test_a_forged_pickup_day_is_refused_politely(described_shop: RunningBot) -> None:
    sell(described_shop, 5, sku="TEA", name="Earl Grey")
    ann = someone(described_shop, "Ann")
    await fill_cart(ann, "Earl Grey")
    await ann.says("/checkout")
    await ann.presses("Pickup")
    beyond = await ann.presses_data(PickupDay(10**11).pack())  # past the year 9999
    assert beyond == "That question was already answered. Please use the latest message."
    assert await ann.presses_data(PickupDay(0).pack()) is None  # 1970: the first day shows
    assert "When would you like to pick it up?" in ann.screen
