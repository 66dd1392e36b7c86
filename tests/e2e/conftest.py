"""End-to-end fixtures: the real bot over HTTP against the Bot API double."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy import Engine

from bot.playground.bot_api.server import LocalBotApi
from tests.support.api_tally import CHECKED
from tests.support.log_check import Records, leaks, personal_data_given
from tests.support.running_bot import RunningBot, running_bot
from tests.support.shop_factories import PROVIDER_TOKEN


@pytest.fixture(autouse=True)
def no_phone_number_or_address_in_the_logs(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every record logged during the test, at INFO and up from every logger and at DEBUG from
    the bot's own, must hold none of the phone numbers and addresses people gave the bot."""
    records = Records()
    root, ours = logging.getLogger(), logging.getLogger("bot")
    levels = root.level, ours.level
    root.addHandler(records)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    ours.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        root.removeHandler(records)
        root.setLevel(levels[0])
        ours.setLevel(levels[1])
    used = list(getattr(request.node, "funcargs", {}).values())
    doubles = [v for v in used if isinstance(v, LocalBotApi)]
    doubles += [v.double for v in used if isinstance(v, RunningBot)]
    found = leaks(records.records, personal_data_given(doubles))
    assert not found, "a log record holds a phone number or an address:\n" + "\n".join(found)


@pytest.fixture
def double() -> Iterator[LocalBotApi]:
    """A fresh double; the test fails if the bot made any call Telegram would refuse."""
    with LocalBotApi() as api:
        yield api
        invalid = api.invalid_calls
        CHECKED["calls"] += len(api.calls)
        CHECKED["invalid"] += len(invalid)
        CHECKED["tests"] += 1
        assert not invalid, "the bot made invalid Bot API calls:\n" + "\n".join(
            f"{c.method} -> {c.status} {c.error}" for c in invalid
        )


@pytest.fixture
def mode() -> str:
    """Long polling: how updates arrive matters only to the tests marked `both_modes` (or
    parametrized with "webhook"), where it changes what the bot does."""
    return "polling"


@pytest.fixture
async def bot(double: LocalBotApi, engine: Engine, mode: str) -> AsyncIterator[RunningBot]:
    url = engine.url.render_as_string(hide_password=False)
    async with running_bot(double, url, mode) as running:
        yield running


@pytest.fixture
async def paying_shop(double: LocalBotApi, engine: Engine, mode: str) -> AsyncIterator[RunningBot]:
    """A store that takes payments in the chat and at pickup."""
    url = engine.url.render_as_string(hide_password=False)
    async with running_bot(
        double, url, mode, payment_provider_token=PROVIDER_TOKEN, payment_timeout_minutes=30
    ) as running:
        yield running


@pytest.fixture
async def vat_shop(double: LocalBotApi, engine: Engine, mode: str) -> AsyncIterator[RunningBot]:
    """A store whose items are at 20 % VAT unless they say otherwise, with its address (for
    its receipts)."""
    url = engine.url.render_as_string(hide_password=False)
    async with running_bot(
        double, url, mode, default_vat_rate="20", store_address="3 rue des Lilas, Lyon"
    ) as running:
        yield running
