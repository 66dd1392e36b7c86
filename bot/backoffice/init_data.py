"""A Mini App's launch data (`initData`), checked as Telegram specifies: the fields but `hash`,
sorted and joined by newlines, signed with HMAC-SHA256 under the key HMAC-SHA256("WebAppData",
bot token); and no older than MAX_AGE, so a copied launch cannot be replayed for long."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode

MAX_AGE = timedelta(hours=1)
MAX_LENGTH = 4096  # Telegram's launch data is well under 1 kB; anything past this is not it


class InitDataRefused(Exception):
    """Why the launch data cannot be trusted (for the log; the person sees one polite line)."""


def _secret(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def _signature(fields: dict[str, str], bot_token: str) -> str:
    checked = "\n".join(f"{k}={fields[k]}" for k in sorted(fields))
    return hmac.new(_secret(bot_token), checked.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class Launch:
    """Who opened the Mini App, as Telegram vouches: their id, and their app's language."""

    user_id: int
    language_code: str | None


def telegram_user_id(raw: str, bot_token: str, now: datetime) -> int:
    """The Telegram user Telegram vouches for in `raw`, or InitDataRefused."""
    return launched(raw, bot_token, now).user_id


def launched(raw: str, bot_token: str, now: datetime) -> Launch:
    """The launch Telegram vouches for in `raw`, or InitDataRefused."""
    if not raw or len(raw) > MAX_LENGTH:
        raise InitDataRefused("missing or too long")
    pairs = parse_qsl(raw, keep_blank_values=True, strict_parsing=False)
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InitDataRefused("a field given twice")
    sent = fields.pop("hash", "")
    if not hmac.compare_digest(_signature(fields, bot_token).encode(), sent.encode()):
        raise InitDataRefused("bad signature")
    try:
        signed_at = datetime.fromtimestamp(int(fields["auth_date"]), tz=now.tzinfo)
        user = json.loads(fields["user"])
        user_id = int(user["id"])
        language = user.get("language_code")
    except (KeyError, ValueError, TypeError, AttributeError) as missing:
        raise InitDataRefused(f"unreadable: {type(missing).__name__}") from None
    if not timedelta(seconds=-60) <= now - signed_at <= MAX_AGE:
        raise InitDataRefused("too old")
    return Launch(user_id, language if isinstance(language, str) else None)


def signed(user: dict[str, object], bot_token: str, at: datetime) -> str:
    """Launch data as Telegram would sign it (the playground's Mini App panel, and tests)."""
    fields = {
        "auth_date": str(int(at.timestamp())),
        "query_id": "AAHplayground",
        "user": json.dumps(user, separators=(",", ":"), ensure_ascii=False),
    }
    return urlencode(fields | {"hash": _signature(fields, bot_token)})
