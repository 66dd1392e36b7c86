"""A question's typed draft as JSON and back, by its fields' types (the column holds text)."""

from __future__ import annotations

import dataclasses
import typing
from decimal import Decimal
from enum import StrEnum
from typing import Any

from bot.annotations import field_types
from bot.domain.prompts import DRAFTS, Draft, PromptKind

Json = dict[str, str | int | None]


def draft_to_json(draft: Draft) -> Json:
    out: Json = {}
    for f in dataclasses.fields(draft):
        value = getattr(draft, f.name)
        if isinstance(value, StrEnum):
            out[f.name] = value.value
        elif isinstance(value, Decimal):
            out[f.name] = str(value)
        else:
            out[f.name] = value
    return out


def _read(kind: Any, value: object) -> object:
    if value is None:
        return None
    args = [a for a in typing.get_args(kind) if a is not type(None)]
    if args:
        kind = args[0]
    if kind is Decimal:
        return Decimal(str(value))
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        return kind(str(value))
    if kind is int:
        return int(str(value))
    return str(value)


def draft_from_json(kind: PromptKind, data: Json) -> Draft:
    """Unknown keys (from an older version) are dropped; missing ones take their default."""
    cls = DRAFTS[kind]
    hints = field_types(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {k: _read(hints[k], v) for k, v in data.items() if k in known}
    return cls(**values)
