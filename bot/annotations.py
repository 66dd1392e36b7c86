"""Dataclass field types, resolved once per class.

Typed buttons and saved drafts read their fields' types on every press and every typed
answer; resolving the (string) annotations each time cost ~5 % of the bot's time under load.
The cache holds code metadata only, never business state.
"""

from __future__ import annotations

import typing
from typing import Any

_FIELD_TYPES: dict[type, dict[str, Any]] = {}


def field_types(kind: type) -> dict[str, Any]:
    if kind not in _FIELD_TYPES:
        _FIELD_TYPES[kind] = typing.get_type_hints(kind)
    return _FIELD_TYPES[kind]
