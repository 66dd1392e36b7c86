"""Typed buttons: one small class per kind of button, packed into callback_data and back.

A button is a frozen dataclass with a short prefix. Its fields are ints (0 to 10¹²), quantities
(Decimal, at most 3 places), StrEnums, or text; `pack()` writes `prefix:field:field` in at most
64 bytes and `unpack()` gives the button back only if every field reads as its type. Anything
else (forged, stale, out of range, `1e999`, NaN, over 64 bytes, or values no button of the
kind carries, such as an amount of 0 or -5: `makes_sense`) unpacks to None, and the route
that declared the kind never sees it. Unpacking is not trusting: the use case still decides
whether the person pressing may act on what the button names.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import types
import typing
from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar, Self

from telegram import Update

from bot.annotations import field_types

MAX_BYTES = 64
SEPARATOR = ":"
MAX_INT = 10**12
_INT = re.compile(r"^(0|[1-9][0-9]{0,11})$")
_QUANTITY = re.compile(r"^-?(0|[1-9][0-9]{0,6})(\.[0-9]{1,3})?$")


class Unpackable(ValueError):
    """A field that does not read as its type."""


def _reader(kind: Any) -> Callable[[str], object]:
    """How a field of this type is read from callback_data (raising Unpackable)."""
    optional = typing.get_origin(kind) in (typing.Union, types.UnionType) and type(None) in (
        typing.get_args(kind)
    )
    if optional:
        inner = _reader(next(a for a in typing.get_args(kind) if a is not type(None)))
        return lambda text: None if text == "" else inner(text)
    if kind is int:
        return _read_int
    if kind is Decimal:
        return _read_quantity
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        return functools.partial(_read_enum, kind)
    if kind is str:
        return str
    raise TypeError(f"buttons cannot carry {kind!r}")


def _read_int(text: str) -> int:
    if not _INT.match(text):
        raise Unpackable(text)
    return int(text)


def _read_quantity(text: str) -> Decimal:
    if not _QUANTITY.match(text):
        raise Unpackable(text)
    return Decimal(text)


def _read_enum(kind: type[StrEnum], text: str) -> StrEnum:
    try:
        return kind(text)
    except ValueError:
        raise Unpackable(text) from None


def _write(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, StrEnum):
        return value.value
    return str(value)


Fields = tuple[tuple[str, Callable[[str], object]], ...]
_FIELDS: dict[type, Fields] = {}


def _fields(kind: type) -> Fields:
    """Each field's name and reader, in order: worked out once per kind (every press unpacks
    its button once per route it is tried against)."""
    fields = _FIELDS.get(kind)
    if fields is None:
        hints = field_types(kind)
        fields = _FIELDS[kind] = tuple(
            (f.name, _reader(hints[f.name])) for f in dataclasses.fields(kind)
        )
    return fields


class ButtonData:
    """Base of every button kind; subclasses are frozen dataclasses with a PREFIX."""

    PREFIX: ClassVar[str]
    _kinds: ClassVar[dict[str, type[ButtonData]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        prefix = cls.__dict__.get("PREFIX")
        if prefix is not None:
            if prefix in ButtonData._kinds:
                raise TypeError(f"two button kinds share the prefix {prefix!r}")
            ButtonData._kinds[prefix] = cls

    def pack(self) -> str:
        """callback_data; a trailing text field (a search) is cut to fit 64 bytes."""
        fields = [getattr(self, name) for name, _ in _fields(type(self))]
        values = [_write(field) for field in fields]
        for value in values[:-1]:
            if SEPARATOR in value:
                raise ValueError(f"only the last field of a button may hold {SEPARATOR!r}")
        text = SEPARATOR.join([self.PREFIX, *values])
        encoded = text.encode()
        if len(encoded) <= MAX_BYTES:
            return text
        if not fields or not isinstance(fields[-1], str):
            raise ValueError(f"{text!r} does not fit in {MAX_BYTES} bytes")
        return encoded[:MAX_BYTES].decode(errors="ignore")

    @classmethod
    def unpack(cls, data: object) -> Self | None:
        if not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_BYTES:
            return None
        prefix, separator, rest = data.partition(SEPARATOR)
        if prefix != cls.PREFIX:
            return None
        fields = _fields(cls)
        if not fields:
            return None if separator else cls()
        parts = rest.split(SEPARATOR, len(fields) - 1)
        if not separator or len(parts) != len(fields):
            return None
        try:
            values = {name: read(p) for (name, read), p in zip(fields, parts, strict=True)}
        except Unpackable:
            return None
        pressed = cls(**values)
        return pressed if pressed.makes_sense() else None

    def makes_sense(self) -> bool:
        """Whether the fields, each read as its type, are also ones the bot could have put
        on a button (an amount of 0 or -5 never is): a button that does not unpacks to None."""
        return True

    @classmethod
    def of(cls, update: Update) -> Self:
        """The pressed button; its route matched it, so it unpacks."""
        query = update.callback_query
        pressed = cls.unpack(query.data if query is not None else None)
        if pressed is None:
            raise LookupError(f"this update holds no {cls.__name__} button")
        return pressed
