"""People who order."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.errors import InvalidInput

_PHONE = re.compile(r"^\+?[0-9]{6,15}$")


@dataclass(slots=True)
class Customer:
    telegram_user_id: int
    name: str
    username: str | None = None
    phone: str | None = None
    id: int | None = None


def normalise_phone(text: str) -> str:
    """Accept '+44 20 7946-0958' and '(020) 7946 0958'; keep digits and one leading '+'."""
    stripped = re.sub(r"[\s().-]", "", text.strip())
    if not _PHONE.match(stripped):
        raise InvalidInput("That does not look like a phone number; write it like +44 20 7946 0958")
    return stripped
