"""Shared fixtures. Every test that touches a database runs on SQLite and on MariaDB, but for
the end-to-end tests in which the bot only reads and shows (tests.support.databases.sqlite_only)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.support.api_tally import CHECKED
from tests.support.databases import (
    BACKENDS,
    UowFactory,
    empty_all_tables,
    fresh_database,
    migrated_engine,
    uow_factory,
)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto` (pyproject.toml): a worker per core, and two more. The end-to-end tests spend
    much of their time waiting on real time (Telegram's 10 s for a payment question, a worker
    silent for 15 s, a 20 s database stall, messages paced at 27 a second), not on a core. On
    two cores, three workers left the cores 20% idle and took 6 min 59 s; four left them 7%
    idle and took 5 min 14 s (the same tree, 2026-12-06). PYTEST_XDIST_AUTO_NUM_WORKERS still
    says otherwise."""
    chosen = os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS")
    if chosen:
        return int(chosen)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cores or 1) + 2


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Under xdist each worker hands its tally of checked Bot API calls to the controller."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output["bot_api_checked"] = dict(CHECKED)


def pytest_testnodedown(node: Any, error: object) -> None:
    for key, value in getattr(node, "workeroutput", {}).get("bot_api_checked", {}).items():
        CHECKED[key] += value


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if CHECKED["tests"]:
        terminalreporter.write_line(
            f"Bot API double: {CHECKED['calls']} calls from the bot checked against the "
            f"Bot API 10.1 spec in {CHECKED['tests']} tests; {CHECKED['invalid']} invalid."
        )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("backend") == "mariadb":
            item.add_marker(pytest.mark.mariadb)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One migrated database per backend for the whole run; tests empty it after use."""
    with fresh_database(backend, tmp_path_factory.mktemp(backend)) as url:
        yield url


@pytest.fixture(scope="session")
def shared_engine(database_url: str) -> Iterator[Engine]:
    # Room for the concurrency tests' threads to hold a connection each at once.
    engine = migrated_engine(database_url, pool_size=64, max_overflow=8)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(shared_engine: Engine) -> Iterator[Engine]:
    yield shared_engine
    empty_all_tables(shared_engine)


@pytest.fixture
def new_uow(engine: Engine) -> UowFactory:
    """Makes a fresh unit of work per use-case call, as the bot does."""
    return uow_factory(engine)
