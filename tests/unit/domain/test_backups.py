"""The daily backup is taken once a day whatever the workers; old copies go only after a new
one exists; a failure warns every active manager once."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.notifications import NotificationKind
from bot.domain.ports import UnitOfWork
from bot.domain.services import backups, staff
from bot.domain.services.backups import BackupFailed, BackupMade
from bot.domain.staff import Role
from bot.domain.stored_facts import encode
from tests.support.factories import FAST_HASHER, STORE, FixedClock
from tests.support.fakes import FakeUnitOfWork

KEEP = timedelta(days=14)
PASSWORD = "correct horse battery"


class FakeBackups:
    def __init__(self, failure: str | None = None) -> None:
        self.failure = failure
        self.taken: list[datetime] = []
        self.pruned_before: list[datetime] = []

    def take(self, at: datetime) -> BackupMade:
        if self.failure is not None:
            raise BackupFailed(self.failure)
        self.taken.append(at)
        return BackupMade(f"/backups/{len(self.taken)}", 1234)

    def prune(self, before: datetime) -> list[str]:
        self.pruned_before.append(before)
        return ["an old one"]


def a_team(uow: UnitOfWork) -> list[int]:
    """Two active managers, a switched-off one and a clerk; the active managers' chats."""
    boss = staff.create_manager("boss", PASSWORD, uow=uow, hasher=FAST_HASHER)
    assert boss.id is not None
    for name, chat in (("boss", 501), ("deputy", 502), ("gone", 503)):
        if name != "boss":
            staff.create_manager(name, PASSWORD, uow=uow, hasher=FAST_HASHER)
        staff.log_in(name, PASSWORD, telegram_user_id=chat, uow=uow, hasher=FAST_HASHER)
    invite = staff.create_invite(boss.id, Role.STAFF, uow=uow)
    staff.sign_up(
        invite.code, "clerk", "", PASSWORD, telegram_user_id=504, uow=uow, hasher=FAST_HASHER
    )
    with uow:
        gone = uow.staff.get_by_username("gone")
    assert gone is not None and gone.id is not None
    staff.set_staff_active(boss.id, gone.id, False, uow=uow)
    return [501, 502]


def warnings(uow: UnitOfWork, clock: FixedClock) -> list[tuple[int, dict[str, str]]]:
    with uow:
        return [
            (n.chat_id, encode(n.facts))
            for n in uow.outbox.due(clock() + timedelta(minutes=1), limit=100)
            if n.kind is NotificationKind.BACKUP_FAILED
        ]


def test_the_backup_is_taken_once_a_day_then_older_backups_are_removed() -> None:
    uow, clock, copies = FakeUnitOfWork(), FixedClock(), FakeBackups()
    first = backups.daily_backup(backups=copies, store=STORE, keep=KEEP, uow=uow, clock=clock)
    assert first.ran
    assert first.made == BackupMade("/backups/1", 1234)
    assert first.pruned == ["an old one"]
    assert copies.pruned_before == [clock() - KEEP]
    clock.advance(hours=1)  # another worker, or a restart, the same day
    again = backups.daily_backup(backups=copies, store=STORE, keep=KEEP, uow=uow, clock=clock)
    assert not again.ran
    assert len(copies.taken) == 1
    clock.advance(days=1)
    assert backups.daily_backup(backups=copies, store=STORE, keep=KEEP, uow=uow, clock=clock).ran
    assert len(copies.taken) == 2


def test_a_failed_backup_warns_each_active_manager_once_and_keeps_the_old_backups() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    managers = a_team(uow)
    copies = FakeBackups(failure="cannot write the backup in /backups: No space left on device")
    done = backups.daily_backup(backups=copies, store=STORE, keep=KEEP, uow=uow, clock=clock)
    assert done.ran and done.made is None and done.warned == 2
    assert "No space left" in done.failure
    assert copies.pruned_before == []  # nothing is removed while no new backup exists
    backups.daily_backup(backups=copies, store=STORE, keep=KEEP, uow=uow, clock=clock)
    told = warnings(uow, clock)
    assert sorted(chat for chat, _ in told) == managers
    assert {payload["reason"] for _, payload in told} == {copies.failure}


def test_a_long_reason_is_cut_short_in_the_warning() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    a_team(uow)
    copies = FakeBackups(failure="mariadb-dump failed: " + "x" * 1000)
    backups.daily_backup(backups=copies, store=STORE, keep=KEEP, uow=uow, clock=clock)
    reasons = [payload["reason"] for _, payload in warnings(uow, clock)]
    assert reasons and all(len(r) == backups.REASON_LENGTH and r.endswith("…") for r in reasons)
