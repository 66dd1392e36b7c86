"""A well-formed button of any kind, for tests that press what someone may forge."""

from __future__ import annotations

import dataclasses
import typing
from decimal import Decimal
from enum import StrEnum
from typing import Any

from bot.handlers.buttons import ButtonData


def _sample(kind: Any) -> object:
    args = [a for a in typing.get_args(kind) if a is not type(None)]
    if args:
        kind = args[0]
    if kind is int:
        return 1
    if kind is Decimal:
        return Decimal(1)
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        return next(iter(kind))
    return "X1"


def sample_button(kind: type[ButtonData]) -> ButtonData:
    hints = typing.get_type_hints(kind)
    fields = dataclasses.fields(kind)  # type: ignore[arg-type]
    return kind(**{f.name: _sample(hints[f.name]) for f in fields})
