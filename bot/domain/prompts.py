"""A question the bot asked one person and waits for them to answer by typing.

Login, sign-up, a cancellation reason, a new item: multi-step talks kept in the database,
so a restart or a second bot process picks them up. Passwords are never kept here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

PROMPT_LIFETIME = timedelta(minutes=15)


class PromptKind(StrEnum):
    LOGIN = "login"
    SIGNUP = "signup"
    CANCEL_REASON = "cancel_reason"
    ADD_ITEM = "add_item"
    EDIT_ITEM = "edit_item"


@dataclass(slots=True)
class Prompt:
    telegram_user_id: int
    kind: PromptKind
    step: str
    updated_at: datetime
    data: dict[str, str] = field(default_factory=dict)

    def is_stale(self, now: datetime) -> bool:
        return now - self.updated_at > PROMPT_LIFETIME


@dataclass(slots=True)
class LoginThrottle:
    """Wrong passwords typed in a row from one Telegram account, whatever username they tried:
    it covers every pair (account, Telegram user) of that person."""

    telegram_user_id: int
    failed_attempts: int = 0
    locked_until: datetime | None = None

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until
