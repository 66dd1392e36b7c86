"""Text people type or import is shown to other people: control characters never are."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol, runtime_checkable

# Bidirectional overrides and isolates can make a name display as something else.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


_PRINTABLE_ASCII = re.compile(r"[ -~]*")


def without_controls(text: str, *, keep_newlines: bool = False) -> str:
    """Drop control characters (and bidi overrides); tabs and newlines become spaces unless
    newlines are kept."""
    if _PRINTABLE_ASCII.fullmatch(text):
        return text  # the common case, in one pass (imports clean 100,000s of names)
    out = []
    for char in text:
        if char == "\n" and keep_newlines:
            out.append(char)
        elif char in "\t\n\r\v\f":
            out.append(" ")
        elif char in _BIDI_CONTROLS or unicodedata.category(char) == "Cc":
            continue
        else:
            out.append(char)
    return "".join(out)


def said(message: str) -> str:
    """Marks an English text for the translation catalogues where it is written; it is
    translated where it is shown (`Texts` in `bot.i18n`), in the reader's language."""
    return message


@dataclass(frozen=True, slots=True)
class Amount:
    """A quantity with its unit, kept apart so each language writes it its own way."""

    quantity: Decimal
    unit: str

    def __str__(self) -> str:
        return f"{self.quantity.normalize():f} {self.unit}"


class UnitLabel(str):
    """A unit's code ("kg", "pc") in a template, shown as each language abbreviates it."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Words:
    """A sentence the domain says, as a marked template and its values: the handler shows it
    in the reader's language, `str()` in English (logs, the command line)."""

    template: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.template.format(**{key: english(value) for key, value in self.params.items()})


def english(value: object) -> str:
    """A template's value as the English text shows it (the catalogues show it per language)."""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, tuple):
        return "\n".join(english(part) for part in value)
    if isinstance(value, Labelled):  # an order status: "out for delivery"
        return value.label
    return str(value)


@runtime_checkable
class Labelled(Protocol):
    """A value with its own English name (an order status)."""

    @property
    def label(self) -> str: ...
