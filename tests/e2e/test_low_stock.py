"""Managers hear about low stock: on demand, and in a digest at a set local time."""

from __future__ import annotations

from datetime import UTC, datetime, time

from sqlalchemy import Engine

from bot.handlers.low_stock import DIGEST_JOB
from bot.playground.bot_api.server import LocalBotApi
from tests.support.running_bot import RunningBot, running_bot
from tests.support.shop_factories import logged_in_manager as manager
from tests.support.shop_factories import sell


async def test_lowstock_lists_sold_out_then_low_items_with_what_to_reorder(
    bot: RunningBot,
) -> None:
    sell(bot, 0, sku="SALT", name="Sea salt")
    sell(bot, 3, sku="MILK", name="Milk")
    sell(bot, 30, sku="RICE", name="Rice")
    boss = manager(bot)
    await boss.says("/lowstock")
    lines = boss.screen.splitlines()
    assert lines[1].startswith("🔴 SALT Sea salt: 0 pc, no recent sales; reorder 10 pc")
    assert lines[2].startswith("🟠 MILK Milk: 3 pc")
    assert "RICE" not in boss.screen


async def test_the_digest_runs_daily_at_the_set_local_time(
    double: LocalBotApi,
    engine: Engine,
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    async with running_bot(double, url, digest_time=time(7, 30)) as bot:
        assert bot.application.job_queue is not None
        [job] = bot.application.job_queue.get_jobs_by_name(DIGEST_JOB)
        trigger = job.job.trigger
        # 20 Nov (winter, UTC+1): 07:30 in Paris is 06:30 UTC, the same day or the next.
        before = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
        after = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)
        assert trigger.get_next_fire_time(None, before) == datetime(2026, 11, 20, 6, 30, tzinfo=UTC)
        assert trigger.get_next_fire_time(None, after) == datetime(2026, 11, 21, 6, 30, tzinfo=UTC)
        # In summer Paris is UTC+2: the same local time is an hour earlier in UTC.
        summer = datetime(2026, 7, 1, 4, 0, tzinfo=UTC)
        assert trigger.get_next_fire_time(None, summer) == datetime(2026, 7, 1, 5, 30, tzinfo=UTC)


async def test_the_digest_reaches_every_manager_once_a_day(bot: RunningBot) -> None:
    sell(bot, 0, sku="SALT", name="Sea salt")
    boss, deputy = manager(bot), manager(bot, "Deputy")
    assert bot.application.job_queue is not None
    [job] = bot.application.job_queue.get_jobs_by_name(DIGEST_JOB)
    await job.run(bot.application)
    await job.run(bot.application)  # a second process, or a restart, on the same day
    for person in (boss, deputy):
        await bot.double.wait_for(
            lambda p=person: p.has_seen("Good morning: "),  # type: ignore[misc]
            what="the digest",
        )
    await bot.another_sender_round()  # and once more: nothing new
    [digest] = [m.shown_text for m in boss.chat.from_bot if "Good morning: " in m.shown_text]
    today = datetime.now(bot.shop.store.timezone).date()
    assert digest.startswith(f"Good morning: {today:%A %d %B}\nYesterday: 0 orders, 0.00 EUR.")
    assert "Open orders: 0.\n\nLow stock\n" in digest
    assert boss.has_seen("SALT Sea salt: 0 pc")
