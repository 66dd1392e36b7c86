"""Staff accounts, their passwords and invites."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import ClassVar

from bot.domain.errors import InvalidInput
from bot.domain.notifications import Facts, NotificationKind
from bot.domain.text import said

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 72  # bcrypt ignores bytes past 72; refuse rather than silently truncate
MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=15)
MAX_LOCKOUT = timedelta(hours=24)
INVITE_LIFETIME = timedelta(hours=48)
RESET_LIFETIME = timedelta(hours=24)
# How long a "Yes, deactivate" button stays good: a confirmation is given while looking at it.
CONFIRMATION_LIFETIME = timedelta(minutes=10)


class Role(StrEnum):
    STAFF = "staff"
    MANAGER = "manager"


@dataclass(slots=True)
class StaffAccount:
    username: str
    display_name: str
    password_hash: str
    role: Role
    active: bool = True
    telegram_user_id: int | None = None
    id: int | None = None


@dataclass(slots=True)
class Invite:
    code: str
    role: Role
    created_by: int
    expires_at: datetime
    used_at: datetime | None = None
    used_by: int | None = None
    id: int | None = None
    # A password reset for this account (a manager's code for a member who forgot theirs).
    resets: int | None = None

    def is_usable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at


def normalise_username(text: str) -> str:
    """Usernames compare case-insensitively, so they are stored lower-case."""
    username = text.strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise InvalidInput(
            said(
                "A username has 3-32 letters, digits, '.', '-' or '_' and starts with a letter "
                "or digit"
            )
        )
    return username


def check_password_rules(password: str, username: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(said("A password needs at least {n} characters"), n=MIN_PASSWORD)
    if len(password.encode()) > MAX_PASSWORD:
        raise InvalidInput(said("A password can have at most {n} bytes"), n=MAX_PASSWORD)
    if password.strip().casefold() == username.casefold():
        raise InvalidInput(said("The password cannot be the username"))


def lockout_after(misses: int) -> timedelta | None:
    """How long a Telegram user waits after this many wrong passwords in a row: 15 minutes at
    the fifth, doubling with each further miss, at most a day. Only the person who typed them
    waits: an account is never locked, so a stranger cannot lock staff out."""
    if misses < MAX_FAILED_ATTEMPTS:
        return None
    doublings = min(misses - MAX_FAILED_ATTEMPTS, 10)
    return min(LOCKOUT * (1 << doublings), MAX_LOCKOUT)


# Invite codes are read aloud and typed on phones: capitals and digits that cannot be taken
# for one another (no O/0, I/1), 16 of them (80 bits), matched whatever the case and spaces.
INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
INVITE_LENGTH = 16


def new_invite_code() -> str:
    return "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH))


def invite_code_forms(typed: str) -> list[str]:
    """The codes a typed invite may be: as a code is shown (capitals, without the spaces or
    dashes people add), then exactly as typed (codes made before they were capitals)."""
    exact = typed.strip()
    shown = "".join(exact.split()).replace("-", "").upper()
    return [shown] if shown == exact else [shown, exact]


@dataclass(frozen=True, slots=True)
class SwitchedOffNews(Facts):
    """To a staff member a manager deactivated: they are logged out."""

    KIND: ClassVar[NotificationKind] = NotificationKind.ACCOUNT_SWITCHED_OFF
    username: str = ""
