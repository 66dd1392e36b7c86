"""Text people type or import is shown to other people: control characters never are."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol, runtime_checkable

# What people type or import is stored as they see it: nothing in it may change how the text
# around it reads, or hide in it. Gone are controls (a terminal's escapes), and Unicode's
# invisible format characters (category Cf): bidirectional overrides, embeddings, isolates
# and marks (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C), which make "\u202eevil"
# display as "live"; zero-width spaces and joiners, the word joiner, the byte-order mark and
# invisible operators (U+200B-U+200D, U+2060-U+2064, U+FEFF), which make two "Ann"s differ; the
# soft hyphen and tag characters. So are the other characters Unicode says to show as nothing
# (Hangul fillers, the grapheme joiner, Khmer's invisible vowels), which make a name look
# empty. Kept, because text needs them: variation selectors (emoji and CJK); a zero-width
# joiner between two emoji (woman, ZWJ, laptop is one picture, a technologist; without it,
# two); a zero-width joiner or non-joiner between two letters of a script that joins them
# (Arabic, Persian, the Indic scripts: Persian writes "I want" with a non-joiner inside it);
# and the tags of a subdivision flag (black flag, tags "gbsct", cancel tag: Scotland's).
ZWNJ, ZWJ = "\u200c", "\u200d"
_INVISIBLE_LETTERS = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0")
_LINE_BREAKS = frozenset("\n\r\x85\u2028\u2029")
_SPACES = frozenset("\t\v\f")
_FLAG_TAGS = re.compile("\U0001f3f4[\U000e0020-\U000e007e]{1,12}\U000e007f")
# Scripts whose letters join, where ZWJ and ZWNJ choose a letter's form: Arabic, Syriac,
# Thaana, N'Ko and their supplements; the Indic scripts and Sinhala; Mongolian; Arabic
# presentation forms.
_JOINING_SCRIPTS = (
    (0x0600, 0x08FF),
    (0x0900, 0x0DFF),
    (0x1800, 0x18AF),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFC),
)
_SKIN_TONES = range(0x1F3FB, 0x1F400)

_PRINTABLE_ASCII = re.compile(r"[ -~]*")


def without_controls(text: str, *, keep_newlines: bool = False) -> str:
    """Text as people see it, with nothing hidden in it: the one cleaning every stored name,
    address, note, description, question and answer goes through (see above for what goes).
    Tabs and line breaks become spaces, or newlines where `keep_newlines`."""
    if _PRINTABLE_ASCII.fullmatch(text):
        return text  # the common case, in one pass (imports clean 100,000s of names)
    text = text.replace("\r\n", "\n")
    flags = {i for found in _FLAG_TAGS.finditer(text) for i in range(*found.span())}
    out = []
    for i, char in enumerate(text):
        if char in _LINE_BREAKS:
            out.append("\n" if keep_newlines else " ")
        elif char in _SPACES:
            out.append(" ")
        elif i in flags or not _hidden(char) or _joins(text, i):
            out.append(char)
    return "".join(out)


def _hidden(char: str) -> bool:
    category = unicodedata.category(char)
    if category in ("Cc", "Cf", "Cs"):
        return True
    if category == "Cn":  # not yet known to Python; in the tags' plane, invisible
        return 0xE0000 <= ord(char) <= 0xE0FFF
    return char in _INVISIBLE_LETTERS


def _joins(text: str, i: int) -> bool:
    """A joiner (or non-joiner) that shapes what is around it, so it stays."""
    char = text[i]
    if char not in (ZWJ, ZWNJ) or i == 0 or i + 1 == len(text):
        return False
    before, after = text[i - 1], text[i + 1]
    if _joining_letter(before) and _joining_letter(after):
        return True
    return char == ZWJ and _emoji(before, ending=True) and _emoji(after)


def _joining_letter(char: str) -> bool:
    code = ord(char)
    return unicodedata.category(char)[0] in "LM" and any(
        low <= code <= high for low, high in _JOINING_SCRIPTS
    )


def _emoji(char: str, *, ending: bool = False) -> bool:
    """A pictograph, or (`ending` one) the skin tone or emoji presentation that closes it."""
    code = ord(char)
    if ending and (char == "\ufe0f" or code in _SKIN_TONES):
        return True
    category = unicodedata.category(char)
    # Pictographs newer than Python's tables read as unassigned.
    return category == "So" or (category == "Cn" and 0x1F000 <= code <= 0x1FAFF)


def one_line(text: str) -> str:
    """A name, a reason: cleaned, on one line, single spaces."""
    return " ".join(without_controls(text).split())


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
