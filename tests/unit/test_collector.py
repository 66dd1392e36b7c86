"""Bulk work runs with the cyclic collector paused, and leaves it as it found it."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from bot.collector import collector_paused


@pytest.fixture(autouse=True)
def collector_on_after() -> Iterator[None]:
    yield
    gc.enable()


def test_the_collector_is_paused_during_the_work_and_on_again_after_a_failure() -> None:
    gc.enable()
    seen: list[bool] = []

    def bad_import() -> None:
        with collector_paused():
            seen.append(gc.isenabled())
            raise RuntimeError("a bad line")

    with pytest.raises(RuntimeError):
        bad_import()
    assert seen == [False]
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()
