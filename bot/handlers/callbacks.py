"""callback_data: built and parsed in one place, short prefixes, at most 64 bytes.

Never trusted: a parsed button only names things; the use case decides whether the person
pressing may act on them (a cart is always the presser's own, an order must be theirs).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

MAX_BYTES = 64
SEPARATOR = ":"


@dataclass(frozen=True, slots=True)
class Button:
    action: str
    args: tuple[str, ...] = ()

    def arg(self, index: int) -> str:
        return self.args[index] if index < len(self.args) else ""

    def int_arg(self, index: int) -> int | None:
        text = self.arg(index)
        return int(text) if text.isdigit() and len(text) < 12 else None


def data(action: str, *args: object) -> str:
    """Encode a button; long free text (a search) is cut to fit rather than refused."""
    text = SEPARATOR.join([action, *(str(a) for a in args)])
    encoded = text.encode()
    if len(encoded) <= MAX_BYTES:
        return text
    return encoded[:MAX_BYTES].decode(errors="ignore")


def parse(raw: str | None) -> Button | None:
    if not raw or len(raw.encode()) > MAX_BYTES:
        return None
    action, *args = raw.split(SEPARATOR)
    return Button(action, tuple(args))


def category_key(category: str) -> str:
    """Category names can be long: buttons carry a short, stable digest instead."""
    return hashlib.sha256(category.encode()).hexdigest()[:10]
