"""The daily backup in the running bot: at the set local time, once a day, and a failure
reaches every manager in their chat, in their language."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

from sqlalchemy import Engine

from bot.domain.services.customers import CustomerRef
from bot.domain.services.languages import choose_language
from bot.handlers.backups import JOB_NAME
from bot.i18n import SHIPPED
from bot.playground.bot_api.server import LocalBotApi
from tests.support.running_bot import RunningBot, running_bot
from tests.support.shop_factories import logged_in_manager as manager
from tests.support.shop_factories import sell


async def test_the_daily_backup_runs_at_the_set_local_time_and_once_a_day(
    double: LocalBotApi, engine: Engine, tmp_path: Path
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    folder = tmp_path / "backups"
    async with running_bot(double, url, backup_dir=folder, backup_time=time(2, 30)) as bot:
        sell(bot, 5, sku="TEA", name="Tea")
        assert bot.application.job_queue is not None
        [job] = bot.application.job_queue.get_jobs_by_name(JOB_NAME)
        # 20 Nov (winter, UTC+1): 02:30 in Paris is 01:30 UTC.
        before = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
        assert job.job.trigger.get_next_fire_time(None, before) == datetime(
            2026, 11, 20, 1, 30, tzinfo=UTC
        )
        await job.run(bot.application)
        await job.run(bot.application)  # a second worker, or a restart, the same day
        [made] = list(folder.iterdir())
        kind = "sqlite" if engine.dialect.name == "sqlite" else "mariadb.sql"
        assert made.name.startswith("shopkeeps-") and made.name.endswith(f".{kind}.gz")


async def test_without_a_backup_folder_there_is_no_daily_backup(bot: RunningBot) -> None:
    assert bot.application.job_queue is not None
    assert bot.application.job_queue.get_jobs_by_name(JOB_NAME) == ()


async def test_a_failed_backup_warns_every_manager_in_their_language(
    double: LocalBotApi, engine: Engine, tmp_path: Path
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    in_the_way = tmp_path / "backups"
    in_the_way.write_text("a file where the folder should be")
    async with running_bot(double, url, backup_dir=in_the_way) as bot:
        boss, deputy = manager(bot), manager(bot, "Deputy")
        choose_language(
            CustomerRef(deputy.person.id, "Deputy"), "de", shipped=SHIPPED, uow=bot.shop.uow()
        )
        assert bot.application.job_queue is not None
        [job] = bot.application.job_queue.get_jobs_by_name(JOB_NAME)
        await job.run(bot.application)
        await job.run(bot.application)
        await bot.double.wait_for(
            lambda: (
                boss.has_seen("The daily backup failed:")
                and deputy.has_seen("Die tägliche Sicherung ist fehlgeschlagen:")
            ),
            what="the warnings",
        )
        await bot.another_sender_round()
        for person in (boss, deputy):
            warned = [m for m in person.chat.from_bot if "cannot write the backup" in m.shown_text]
            assert len(warned) == 1
            assert str(in_the_way) in warned[0].shown_text
