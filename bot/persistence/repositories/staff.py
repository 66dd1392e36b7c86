"""Staff accounts, their sessions, invites and login throttles. Repositories never commit."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import datetime

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.orm import Session

from bot.domain.ports import StaffSession
from bot.domain.prompts import LoginThrottle
from bot.domain.staff import Invite, Role, StaffAccount
from bot.persistence.models import (
    InviteRow,
    LoginThrottleRow,
    StaffRow,
    StaffSessionRow,
)


class SqlStaffRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    @staticmethod
    def _to_domain(row: StaffRow) -> StaffAccount:
        return StaffAccount(
            username=row.username,
            display_name=row.display_name,
            password_hash=row.password_hash,
            role=Role(row.role),
            active=row.active,
            telegram_user_id=row.telegram_user_id,
            id=row.id,
        )

    @staticmethod
    def _copy(account: StaffAccount, row: StaffRow) -> None:
        row.username = account.username
        row.display_name = account.display_name
        row.password_hash = account.password_hash
        row.role = account.role.value
        row.active = account.active
        row.telegram_user_id = account.telegram_user_id

    def add(self, account: StaffAccount) -> StaffAccount:
        row = StaffRow()
        self._copy(account, row)
        self.session.add(row)
        self.session.flush()
        return self._to_domain(row)

    def get(self, staff_id: int) -> StaffAccount | None:
        row = self.session.get(StaffRow, staff_id, populate_existing=True)
        return self._to_domain(row) if row else None

    def get_by_username(self, username: str) -> StaffAccount | None:
        row = self.session.scalars(
            select(StaffRow).where(StaffRow.username == username)
        ).one_or_none()
        return self._to_domain(row) if row else None

    def update(self, account: StaffAccount) -> None:
        row = self.session.get(StaffRow, account.id)
        if row is None:
            raise LookupError(f"staff account {account.id} vanished")
        self._copy(account, row)
        self.session.flush()

    def linked_to(self, telegram_user_id: int) -> list[StaffAccount]:
        rows = self.session.scalars(
            select(StaffRow).where(StaffRow.telegram_user_id == telegram_user_id)
        )
        return [self._to_domain(r) for r in rows]

    def all(self) -> list[StaffAccount]:
        return [
            self._to_domain(r)
            for r in self.session.scalars(select(StaffRow).order_by(StaffRow.username))
        ]


class SqlSessionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def open(self, staff_session: StaffSession) -> None:
        self.close(staff_session.telegram_user_id)
        self.session.add(
            StaffSessionRow(
                telegram_user_id=staff_session.telegram_user_id,
                staff_id=staff_session.staff_id,
                started_at=staff_session.started_at,
                last_seen_at=staff_session.last_seen_at,
            )
        )
        self.session.flush()

    def get(self, telegram_user_id: int) -> StaffSession | None:
        row = self.session.get(StaffSessionRow, telegram_user_id, populate_existing=True)
        if row is None:
            return None
        return StaffSession(row.telegram_user_id, row.staff_id, row.started_at, row.last_seen_at)

    def touch(self, telegram_user_id: int, at: datetime) -> None:
        self.session.execute(
            update(StaffSessionRow)
            .where(StaffSessionRow.telegram_user_id == telegram_user_id)
            .values(last_seen_at=at)
        )

    def close(self, telegram_user_id: int) -> None:
        self.session.execute(
            delete(StaffSessionRow).where(StaffSessionRow.telegram_user_id == telegram_user_id)
        )
        self.session.flush()

    def forget_idle_before(self, at: datetime) -> int:
        result = self.session.execute(
            delete(StaffSessionRow).where(StaffSessionRow.last_seen_at < at)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def close_all_for(self, staff_id: int) -> None:
        self.session.execute(delete(StaffSessionRow).where(StaffSessionRow.staff_id == staff_id))

    def on_duty(self, *, since: datetime) -> list[StaffSession]:
        rows = self.session.scalars(
            select(StaffSessionRow)
            .join(StaffRow, StaffRow.id == StaffSessionRow.staff_id)
            .where(StaffRow.active.is_(True), StaffSessionRow.last_seen_at >= since)
            .order_by(StaffSessionRow.telegram_user_id)
        )
        return [
            StaffSession(r.telegram_user_id, r.staff_id, r.started_at, r.last_seen_at) for r in rows
        ]


def invite_digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


class SqlInviteRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, invite: Invite) -> Invite:
        row = InviteRow(
            code_digest=invite_digest(invite.code),
            role=invite.role.value,
            created_by=invite.created_by,
            expires_at=invite.expires_at,
            resets=invite.resets,
        )
        self.session.add(row)
        self.session.flush()
        return dataclasses.replace(invite, id=row.id)

    def get_by_code(self, code: str) -> Invite | None:
        row = self.session.scalars(
            select(InviteRow).where(InviteRow.code_digest == invite_digest(code))
        ).one_or_none()
        if row is None:
            return None
        return Invite(
            code,
            Role(row.role),
            row.created_by,
            row.expires_at,
            row.used_at,
            row.used_by,
            row.id,
            resets=row.resets,
        )

    def forget_before(self, at: datetime) -> int:
        result = self.session.execute(
            delete(InviteRow).where(
                or_(
                    InviteRow.expires_at < at,
                    and_(InviteRow.used_at.is_not(None), InviteRow.used_at < at),
                )
            )
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def mark_used(self, invite_id: int, staff_id: int, at: datetime) -> bool:
        result = self.session.execute(
            update(InviteRow)
            .where(InviteRow.id == invite_id, InviteRow.used_at.is_(None))
            .values(used_at=at, used_by=staff_id)
        )
        return result.rowcount == 1  # type: ignore[attr-defined,no-any-return]


class SqlThrottleRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, telegram_user_id: int) -> LoginThrottle:
        row = self.session.get(LoginThrottleRow, telegram_user_id, populate_existing=True)
        if row is None:
            return LoginThrottle(telegram_user_id)
        return LoginThrottle(row.telegram_user_id, row.failed_attempts, row.locked_until)

    def count_miss(self, telegram_user_id: int) -> int:
        """UPDATE first (it takes the row's exclusive lock at once, so concurrent misses
        queue rather than deadlock); the first miss inserts, and a concurrent first miss
        fails on the key and its use case runs again."""
        mine = LoginThrottleRow.telegram_user_id == telegram_user_id
        counted = self.session.execute(
            update(LoginThrottleRow)
            .where(mine)
            .values(failed_attempts=LoginThrottleRow.failed_attempts + 1)
            .execution_options(synchronize_session=False)
        )
        if counted.rowcount == 0:  # type: ignore[attr-defined]
            self.session.add(LoginThrottleRow(telegram_user_id=telegram_user_id, failed_attempts=1))
            self.session.flush()
        return int(self.session.scalars(select(LoginThrottleRow.failed_attempts).where(mine)).one())

    def lock(self, telegram_user_id: int, until: datetime) -> None:
        self.session.execute(
            update(LoginThrottleRow)
            .where(LoginThrottleRow.telegram_user_id == telegram_user_id)
            .values(locked_until=until)
            .execution_options(synchronize_session=False)
        )

    def forget_before(self, at: datetime) -> int:
        result = self.session.execute(
            delete(LoginThrottleRow).where(
                or_(LoginThrottleRow.locked_until.is_(None), LoginThrottleRow.locked_until < at)
            )
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def reset(self, telegram_user_id: int) -> None:
        self.session.execute(
            delete(LoginThrottleRow).where(LoginThrottleRow.telegram_user_id == telegram_user_id)
        )
