"""Links that open the bot's chat with something to do (t.me/<bot>?start=...), shared by the
chat, which reads them, and the back office, which hands them out."""

from __future__ import annotations

INVITE_PREFIX = "i_"  # /start i_CODE: the invite link a manager forwards
RESET_PREFIX = "r_"  # /start r_CODE: a password reset link


def invite_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={INVITE_PREFIX}{code}"


def reset_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={RESET_PREFIX}{code}"
