"""The daily backup: taken once across workers, old copies pruned, managers warned on failure.

Making the copy is the storage's business (the `Backups` port); the rules are here: which
worker takes it (the first to claim the day, as the daily clean-up does), that old copies go
only once a new one exists, and who hears when it fails.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import ClassVar, Protocol, runtime_checkable

from bot.domain.clock import Clock, utc_now
from bot.domain.notifications import Facts, Notification, NotificationKind
from bot.domain.ports import UnitOfWork
from bot.domain.services.low_stock import manager_chats
from bot.domain.services.retry import retry_on_conflict
from bot.domain.store import Store

CHORE = "backup"
REASON_LENGTH = 300  # of the failure, in the managers' warning: the log has it whole


class BackupFailed(Exception):
    """No backup was made; the message says why and how to fix it (English: for the log and
    the operator; the managers' warning words it in their language around it)."""


@dataclass(frozen=True, slots=True)
class BackupWarning(Facts):
    """To the managers: the daily backup could not be made, and why (in English, as the
    server said it)."""

    KIND: ClassVar[NotificationKind] = NotificationKind.BACKUP_FAILED
    reason: str = ""


@dataclass(frozen=True, slots=True)
class BackupMade:
    path: str
    size: int  # bytes


@runtime_checkable
class Backups(Protocol):
    def take(self, at: datetime) -> BackupMade:
        """A consistent copy of the whole database, named for `at`; raises BackupFailed."""

    def prune(self, before: datetime) -> list[str]:
        """Delete this database's backups made before `before`; their names."""


@dataclass(frozen=True)
class DailyBackup:
    ran: bool  # False: another worker (or an earlier run) took today's
    made: BackupMade | None = None
    pruned: list[str] = field(default_factory=list)
    failure: str = ""
    warned: int = 0  # managers told of the failure


def daily_backup(
    *,
    backups: Backups,
    store: Store,
    keep: timedelta,
    uow: UnitOfWork,
    clock: Clock = utc_now,
) -> DailyBackup:
    """Today's backup unless another worker took it; then backups older than `keep` go.

    Blocking (it copies the whole database): run it off the event loop. A failure keeps every
    old backup and queues one warning to each active manager."""
    now = clock()
    if not _first_today(store=store, at=now, uow=uow):
        return DailyBackup(ran=False)
    try:
        made = backups.take(now)
    except BackupFailed as failure:
        reason = str(failure)
        return DailyBackup(ran=True, failure=reason, warned=warn_managers(reason, at=now, uow=uow))
    return DailyBackup(ran=True, made=made, pruned=backups.prune(now - keep))


@retry_on_conflict
def _first_today(*, store: Store, at: datetime, uow: UnitOfWork) -> bool:
    with uow:
        if not uow.chores.first_today(CHORE, at.astimezone(store.timezone).date(), at):
            return False
        uow.commit()
        return True


@retry_on_conflict
def warn_managers(reason: str, *, at: datetime, uow: UnitOfWork) -> int:
    """Queue the failed-backup warning to every active manager; how many."""
    with uow:
        chats = manager_chats(uow)
        short = reason if len(reason) <= REASON_LENGTH else reason[: REASON_LENGTH - 1] + "…"
        for chat_id in chats:
            uow.outbox.add(Notification(chat_id, BackupWarning(short), at))
        uow.commit()
        return len(chats)
