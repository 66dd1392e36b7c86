"""A use case is run again when the database aborted it or its connection broke before the
commit; a connection that keeps breaking is said as "the database cannot save", and a
deadlock or two before it do not use up its tries."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.domain.errors import ConcurrentUpdate, ConnectionLost, StoreUnavailable
from bot.domain.services import retry


def failing(*failures: Exception) -> Callable[[], str]:
    """A use case that fails with these, in order, then succeeds."""
    left = list(failures)

    @retry.retry_on_conflict
    def use_case() -> str:
        if left:
            raise left.pop(0)
        return "done"

    return use_case


def test_a_connection_lost_after_deadlocks_is_still_run_again() -> None:
    deadlock, lost = ConcurrentUpdate("1213"), ConnectionLost("2013")
    assert failing(deadlock, deadlock, lost)() == "done"


def test_a_connection_that_keeps_breaking_is_said_as_the_database_cannot_save() -> None:
    lost = [ConnectionLost("2013") for _ in range(retry.LOST_CONNECTION_ATTEMPTS)]
    with pytest.raises(StoreUnavailable):
        failing(*lost)()
    assert failing(*lost[:-1])() == "done"
