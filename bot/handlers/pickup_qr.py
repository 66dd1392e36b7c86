"""The pickup code as a QR image: staff scan it with any phone camera, which opens the bot
with the code (a deep link), so the hand-over needs no typing and no touching."""

from __future__ import annotations

import io

import segno

HANDOVER_PREFIX = "h_"  # /start h_CODE


def handover_link(bot_username: str, pickup_code: str) -> str:
    return f"https://t.me/{bot_username}?start={HANDOVER_PREFIX}{pickup_code}"


def qr_png(text: str) -> bytes:
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=8, border=4)
    return out.getvalue()
