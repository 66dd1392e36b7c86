"""Exports are read a chunk at a time, each chunk in a short read of its own that starts just
after the last row of the one before (a keyset, not an OFFSET): a file of any size goes out as
it is read, and a row written meanwhile neither repeats a row already sent nor pushes one out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

Row = TypeVar("Row")
Place = TypeVar("Place")


@dataclass(frozen=True, slots=True)
class Chunk(Generic[Row, Place]):
    rows: list[Row]
    # Where the next chunk starts, to pass back for it; None: this chunk was the last.
    next: Place | None
