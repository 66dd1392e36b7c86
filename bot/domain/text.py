"""Text people type or import is shown to other people: control characters never are."""

from __future__ import annotations

import re
import unicodedata

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
