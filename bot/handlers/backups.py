"""The scheduled daily backup (the use case decides which worker takes it)."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from html import escape as esc

from bot.domain.services import backups
from bot.domain.services.backups import BackupWarning
from bot.domain.store import Store
from bot.handlers.context import ShopContext
from bot.handlers.notification_texts import Rendered, renders
from bot.i18n import Texts

log = logging.getLogger(__name__)
JOB_NAME = "daily-backup"


async def back_up(context: ShopContext) -> None:
    """Take today's backup into the folder the job was given (its data: the `Backups`)."""
    assert context.job is not None
    copies = context.job.data
    assert isinstance(copies, backups.Backups)
    keep = timedelta(days=context.shop.settings.backup_keep_days)
    started = time.monotonic()
    done = await context.run(
        backups.daily_backup, backups=copies, store=context.shop.store, keep=keep
    )
    if done.made is not None:
        log.info(
            "backup written: %s (%d bytes) in %.1f s; %d older removed",
            done.made.path,
            done.made.size,
            time.monotonic() - started,
            len(done.pruned),
        )
    elif done.ran:
        log.error("backup failed: %s; %d managers warned", done.failure, done.warned)


@renders(BackupWarning)
def backup_warning_text(t: Texts, warning: BackupWarning, store: Store) -> Rendered:
    """The managers' warning that the daily backup failed, with the reason (in English, as
    the server said it)."""
    failed = t(
        "<b>The daily backup failed:</b> {reason}\nThe shop keeps running, but there is no "
        "fresh copy of its data until this is fixed: tell whoever looks after the server.",
        reason=esc(warning.reason),
    )
    return f"⚠️ {failed}", None
