"""Notification facts as the outbox keeps them: a JSON object of strings, a key per field.

The keys and the way each value is written are the ones the bot used before its facts were
typed, so a row queued by an earlier version reads as a row queued now. A key a row lacks (an
alert queued before that fact was kept, or a fact taken out when a customer was forgotten:
bot.domain.personal_data) reads as its field's default; a field with no default that a row
lacks, or a value that does not parse, makes the row `Unreadable`.

How each type is written:
- str as it is; int in decimal digits; Decimal plain ("2.5", never "2.50" nor "25E-1");
  datetime and date in ISO 8601; an enum as its value; bool as "1" (false: the key left out;
  any other non-empty text, such as an older "yes", reads as true);
- `X | None`: None as "" (or the key left out, below; both read as None);
- a field of a nested dataclass (the payment facts several kinds share): its fields beside the
  others', as if they were the kind's own; None when none of them is there;
- `tuple[X, ...]`: X's `packed()` lines joined by newlines when X packs itself (read back with
  `X.unpacked`, a line that does not read being left out), else a JSON list of X's own keys.
A field whose value is its default is left out, as older rows left out what they did not say.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Protocol

from bot.domain.news import AnnouncementNews, CartReminder
from bot.domain.notifications import Facts, NotificationKind, Unreadable
from bot.domain.orders import NewOrderAlert, OrderCancelledAlert, StatusNews
from bot.domain.payments import RefundDueAlert
from bot.domain.picking import PickingNews
from bot.domain.questions import AnswerNews, QuestionAlert
from bot.domain.ratings import RatingRequest
from bot.domain.receipts import ReceiptDocument, ReceiptMessage
from bot.domain.services.backups import BackupWarning
from bot.domain.staff import SwitchedOffNews
from bot.domain.stock import BackInStockNews, LowStockAlert, MorningDigest
from bot.domain.waiting import UnseenAlert

# Every kind's facts: the outbox reads a row of a kind as this class.
FACTS: tuple[type[Facts], ...] = (
    NewOrderAlert,
    StatusNews,
    PickingNews,
    OrderCancelledAlert,
    LowStockAlert,
    MorningDigest,
    BackInStockNews,
    RefundDueAlert,
    QuestionAlert,
    AnswerNews,
    SwitchedOffNews,
    BackupWarning,
    UnseenAlert,
    ReceiptMessage,
    ReceiptDocument,
    RatingRequest,
    AnnouncementNews,
    CartReminder,
)
FACTS_OF: Mapping[NotificationKind, type[Facts]] = {facts.KIND: facts for facts in FACTS}
if len(FACTS_OF) != len(FACTS) or set(FACTS_OF) != set(NotificationKind):
    raise TypeError("every notification kind needs one facts class in bot.domain.stored_facts")


def encode(facts: Facts) -> dict[str, str]:
    """The facts as the outbox's payload column keeps them."""
    if isinstance(facts, Unreadable):
        return dict(facts.stored)  # as it was found: nothing is lost by reading it
    return _fields_of(type(facts)).encode(facts)


def decode(kind: NotificationKind, stored: Mapping[str, Any]) -> Facts:
    """A row's facts, whichever version of the bot queued them; `Unreadable` rather than an
    error, so a row that does not read holds up no other."""
    kept = {str(key): str(value) for key, value in stored.items()}
    try:
        facts: Facts = _fields_of(FACTS_OF[kind]).decode(kept)
        return facts
    except (KeyError, TypeError, ValueError, ArithmeticError, AttributeError) as problem:
        return Unreadable(kind, kept, f"{type(problem).__name__}: {problem}")


# ------------------------------------------------------------------------------ the forms


class _Form(Protocol):
    """How one field is written into a row's keys and read back out of them."""

    def put(self, value: Any, key: str, into: dict[str, str]) -> None: ...
    def take(self, key: str, stored: Mapping[str, str]) -> Any:
        """The field's value; raises KeyError when the row says nothing of it."""


@dataclasses.dataclass(frozen=True)
class _Text:
    write: Callable[[Any], str]
    read: Callable[[str], Any]

    def put(self, value: Any, key: str, into: dict[str, str]) -> None:
        into[key] = self.write(value)

    def take(self, key: str, stored: Mapping[str, str]) -> Any:
        return self.read(stored[key])


class _Flag:
    def put(self, value: Any, key: str, into: dict[str, str]) -> None:
        if value:
            into[key] = "1"

    def take(self, key: str, stored: Mapping[str, str]) -> Any:
        return bool(stored.get(key))


@dataclasses.dataclass(frozen=True)
class _Optional:
    inner: _Form

    def put(self, value: Any, key: str, into: dict[str, str]) -> None:
        # Reached only when None is not the field's default: the key says "none" then.
        if value is None:
            into[key] = ""
        else:
            self.inner.put(value, key, into)

    def take(self, key: str, stored: Mapping[str, str]) -> Any:
        if not stored.get(key):
            return None
        return self.inner.take(key, stored)


@dataclasses.dataclass(frozen=True)
class _Lines:
    element: Any  # a class with packed() and a static unpacked(line)

    def put(self, value: Any, key: str, into: dict[str, str]) -> None:
        into[key] = "\n".join(item.packed() for item in value)

    def take(self, key: str, stored: Mapping[str, str]) -> Any:
        read = (self.element.unpacked(line) for line in stored.get(key, "").split("\n") if line)
        return tuple(item for item in read if item is not None)


@dataclasses.dataclass(frozen=True)
class _JsonList:
    element: type[Any]

    def put(self, value: Any, key: str, into: dict[str, str]) -> None:
        fields = _fields_of(self.element)
        into[key] = json.dumps([fields.encode(item) for item in value], ensure_ascii=False)

    def take(self, key: str, stored: Mapping[str, str]) -> Any:
        fields = _fields_of(self.element)
        kept = json.loads(stored[key]) if stored.get(key) else []
        return tuple(fields.decode({k: str(v) for k, v in item.items()}) for item in kept)


@dataclasses.dataclass(frozen=True)
class _Nested:
    """A dataclass's fields kept beside the others' (one that may be None defaults to None:
    read as None when none of its keys is there)."""

    fields: _Fields

    def put(self, value: Any, key: str, into: dict[str, str]) -> None:
        if value is not None:
            into.update(self.fields.encode(value))

    def take(self, key: str, stored: Mapping[str, str]) -> Any:
        return self.fields.decode(stored)


@dataclasses.dataclass(frozen=True)
class _Field:
    name: str
    form: _Form
    default: Any  # dataclasses.MISSING when the field has none


@dataclasses.dataclass(frozen=True)
class _Fields:
    cls: type[Any]
    fields: tuple[_Field, ...]

    def keys_of(self, field: _Field) -> list[str]:
        """The keys a field is kept under: its name, or a nested dataclass's own keys."""
        nested = field.form
        if not isinstance(nested, _Nested):
            return [field.name]
        return [key for inner in nested.fields.fields for key in nested.fields.keys_of(inner)]

    def encode(self, value: Any) -> dict[str, str]:
        stored: dict[str, str] = {}
        for field in self.fields:
            kept = getattr(value, field.name)
            if field.default is dataclasses.MISSING or kept != field.default:
                field.form.put(kept, field.name, stored)
        return stored

    def decode(self, stored: Mapping[str, str]) -> Any:
        values: dict[str, Any] = {}
        for field in self.fields:
            said = any(key in stored for key in self.keys_of(field))
            if said or field.default is dataclasses.MISSING:
                values[field.name] = _taken(field, stored)
        return self.cls(**values)


def _taken(field: _Field, stored: Mapping[str, str]) -> Any:
    try:
        return field.form.take(field.name, stored)
    except KeyError:
        raise KeyError(f"no {field.name!r}") from None


_FIELDS: dict[type[Any], _Fields] = {}


def _fields_of(cls: type[Any]) -> _Fields:
    """How a class's fields are kept, worked out once per class."""
    if cls not in _FIELDS:
        hints = typing.get_type_hints(cls)
        fields = []
        for field in dataclasses.fields(cls):
            default = field.default
            if field.default_factory is not dataclasses.MISSING:
                default = field.default_factory()
            fields.append(_Field(field.name, _form_of(hints[field.name]), default))
        _FIELDS[cls] = _Fields(cls, tuple(fields))
    return _FIELDS[cls]


def _form_of(hint: Any) -> _Form:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        [inner] = [arg for arg in args if arg is not type(None)]
        if dataclasses.is_dataclass(inner):
            return _Nested(_fields_of(typing.cast(type[Any], inner)))
        return _Optional(_form_of(inner))
    if origin is tuple:
        element, _ = args
        if hasattr(element, "packed") and hasattr(element, "unpacked"):
            return _Lines(element)
        return _JsonList(element)
    if dataclasses.is_dataclass(hint):
        return _Nested(_fields_of(typing.cast(type[Any], hint)))
    if hint is bool:
        return _Flag()
    if hint is str:
        return _Text(str, str)
    if hint is int:
        return _Text(str, int)
    if hint is Decimal:
        return _Text(lambda value: f"{value.normalize():f}", Decimal)
    if hint is datetime:
        return _Text(datetime.isoformat, datetime.fromisoformat)
    if hint is date:
        return _Text(date.isoformat, date.fromisoformat)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return _Text(lambda value: str(value.value), hint)
    raise TypeError(f"no stored form for {hint!r}")
