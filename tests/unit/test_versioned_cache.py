"""A worker's kept values serve while their version stands, and never once it moved."""

from __future__ import annotations

from bot.versioned_cache import VersionedCache


def test_a_value_is_served_again_while_the_version_stands() -> None:
    cache: VersionedCache[str, str] = VersionedCache(10)
    assert cache.get(7, "fruit") is None
    cache.put(7, "fruit", "Apples, Pears")
    assert cache.get(7, "fruit") == "Apples, Pears"


def test_a_version_that_moved_either_way_drops_every_value() -> None:
    cache: VersionedCache[str, str] = VersionedCache(10)
    cache.put(7, "fruit", "Apples")
    assert cache.get(9, "fruit") is None
    cache.put(9, "fruit", "Apples, Pears")
    # Back to a version seen before (a database emptied or restored): nothing from then.
    assert cache.get(7, "fruit") is None
    assert cache.get(9, "fruit") is None


def test_an_unknown_version_is_neither_served_nor_kept() -> None:
    cache: VersionedCache[str, str] = VersionedCache(10)
    cache.put(7, "fruit", "Apples")
    cache.put(None, "fruit", "Pears")
    assert cache.get(None, "fruit") is None
    assert cache.get(7, "fruit") == "Apples"


def test_only_the_most_recently_used_values_are_kept() -> None:
    cache: VersionedCache[int, str] = VersionedCache(3)
    for n in range(3):
        cache.put(1, n, f"item {n}")
    assert cache.get(1, 0) == "item 0"  # used: kept over item 1
    cache.put(1, 3, "item 3")
    assert len(cache) == 3
    assert cache.get(1, 1) is None
    assert [cache.get(1, n) for n in (0, 2, 3)] == ["item 0", "item 2", "item 3"]
