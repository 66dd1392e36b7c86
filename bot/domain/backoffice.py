"""Ways into the back office from a browser: a single-use link sent in the chat, and the web
session it (or a Mini App's signed launch data) opens.

A web session hangs on the member's chat login (the staff session it was opened from), so
/logout, a manager switching the account off and the idle time-out end it too, on every
worker. Only hashes of the secrets are stored: a copy of the database opens nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.staff import StaffAccount

LINK_LIFETIME = timedelta(minutes=5)


def new_secret() -> str:
    """256 random bits, safe in a URL and a cookie."""
    return secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class WebLink:
    token_hash: str
    staff_id: int
    telegram_user_id: int
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class WebSession:
    token_hash: str
    staff_id: int
    telegram_user_id: int
    # When the chat login it hangs on began: a later login is another session.
    staff_started_at: datetime
    csrf: str
    last_seen_at: datetime


@dataclass(frozen=True, slots=True)
class WebEntry:
    """What the browser keeps (the session's secret, in a cookie) and what its forms carry."""

    token: str
    csrf: str


@dataclass(frozen=True, slots=True)
class WebMember:
    """The member behind a web request, and the token their forms must carry."""

    account: StaffAccount
    csrf: str
    language: str | None = None  # as the chat speaks to them; None: the store's
