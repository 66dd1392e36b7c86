"""What a worker read once and serves again while the data's version stands."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

Version = Hashable  # the catalogue's version, with the offers' moment (bot.handlers.browsing)

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class VersionedCache(Generic[K, V]):
    """Values read at one version of the data, the most recently used `size` of them.

    The version comes with each request (the catalogue's, read with the update's record);
    one that differs from the cache's drops everything the cache holds, whichever way it
    moved (a database emptied or restored goes back), and the cache holds the new version's
    values from then on. A value is put under the version the request came with, read after
    that version was: never older than its label. None as a version: not known, so nothing is
    served or kept. Event loop only (no locks)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._version: Version | None = None
        self._values: OrderedDict[K, V] = OrderedDict()

    def get(self, version: Version | None, key: K) -> V | None:
        if version is None:
            return None
        self._at(version)
        value = self._values.get(key)
        if value is not None:
            self._values.move_to_end(key)
        return value

    def put(self, version: Version | None, key: K, value: V) -> None:
        if version is None:
            return
        self._at(version)
        self._values[key] = value
        self._values.move_to_end(key)
        if len(self._values) > self._size:
            self._values.popitem(last=False)

    def __len__(self) -> int:
        return len(self._values)

    def _at(self, version: Version) -> None:
        if version != self._version:
            self._values.clear()
            self._version = version
