"""The bot's one web server: Telegram's webhook, /healthz, /readyz and /metrics, over real HTTP
against the running bot (webhook mode; both databases)."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import timedelta

import aiohttp
import pytest
from sqlalchemy import Engine, insert, text

from bot.domain.clock import utc_now
from bot.handlers import notifications
from bot.persistence.models import OutboxRow
from bot.playground.bot_api.server import LocalBotApi
from bot.web.server import PROBE_JOB, drain
from bot.web.webhook import SECRET_HEADER
from tests.support.chat_person import ChatPerson
from tests.support.databases import sqlite_only
from tests.support.running_bot import WEBHOOK_SECRET, RunningBot, running_bot
from tests.support.shop_factories import checkout_for_pickup, fill_cart, sell

HOOK = "/telegram-hook"


@pytest.fixture
async def bot(double: LocalBotApi, engine: Engine) -> RunningBot:  # type: ignore[misc]
    url = engine.url.render_as_string(hide_password=False)
    async with running_bot(double, url, "webhook") as running:
        yield running


async def get(bot: RunningBot, path: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(bot.web_url + path) as response:
        return response.status, await response.text()


async def post_hook(
    bot: RunningBot, body: bytes, secret: str | None = WEBHOOK_SECRET
) -> tuple[int, str]:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    async with (
        aiohttp.ClientSession() as http,
        http.post(bot.web_url + HOOK, data=body, headers=headers) as response,
    ):
        return response.status, await response.text()


async def answer_to_headers_alone(bot: RunningBot, headers: dict[str, str]) -> bytes:
    """Send a request's headers and only the first bytes of the body it declares: a server that
    reads the body before judging the request would wait for the rest and never answer."""
    assert bot.served.port is not None
    reader, writer = await asyncio.open_connection("127.0.0.1", bot.served.port)
    lines = [f"POST {HOOK} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items())]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + b'{"update_id": 1, "x": "')
    await writer.drain()
    try:
        return await asyncio.wait_for(reader.readline(), timeout=5)
    finally:
        writer.close()


def metric(page: str, name: str) -> float:
    """One sample's value from the Prometheus text page (0 when absent)."""
    for line in page.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    return 0.0


async def test_it_says_it_lives_and_is_ready(bot: RunningBot) -> None:
    assert await get(bot, "/healthz") == (200, "ok\n")
    assert await get(bot, "/readyz") == (200, "ready\n")


@sqlite_only
async def test_a_stranger_without_the_secret_is_refused_before_the_body_is_read(
    bot: RunningBot,
) -> None:
    huge = {"Content-Type": "application/json", "Content-Length": str(95 * 1024 * 1024)}
    status_line = await answer_to_headers_alone(bot, huge)
    assert status_line.startswith(b"HTTP/1.1 403")
    forged = huge | {SECRET_HEADER: "not-the-secret"}
    assert (await answer_to_headers_alone(bot, forged)).startswith(b"HTTP/1.1 403")
    assert (await post_hook(bot, b'{"update_id": 5}', secret=None))[0] == 403
    _, page = await get(bot, "/metrics")
    assert metric(page, 'shopkeeps_webhook_refused_total{reason="secret"}') == 3


@sqlite_only
async def test_a_body_over_one_megabyte_is_refused_declared_or_streamed(bot: RunningBot) -> None:
    declared = {
        "Content-Type": "application/json",
        "Content-Length": str(2 * 1024 * 1024),
        SECRET_HEADER: WEBHOOK_SECRET,
    }
    assert (await answer_to_headers_alone(bot, declared)).startswith(b"HTTP/1.1 413")

    async def chunks() -> object:
        for _ in range(20):
            yield b"x" * 100_000

    async with (
        aiohttp.ClientSession() as http,
        http.post(
            bot.web_url + HOOK, data=chunks(), headers={SECRET_HEADER: WEBHOOK_SECRET}
        ) as response,
    ):
        assert response.status == 413


@sqlite_only
async def test_malformed_json_and_non_updates_get_a_clear_400(bot: RunningBot) -> None:
    assert await post_hook(bot, b"{not json") == (400, "the body is not JSON\n")
    assert await post_hook(bot, b"\xff\xfe") == (400, "the body is not JSON\n")
    for not_an_update in (b"[]", b'{"message": {}}', b'{"update_id": "7"}', b"null"):
        assert await post_hook(bot, not_an_update) == (400, "the body is not a Telegram update\n")
    assert await get(bot, "/healthz") == (200, "ok\n")  # and the bot goes on


@sqlite_only
async def test_no_update_body_reaches_the_log(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    ann = ChatPerson(bot.double, bot.double.person("Ann"))
    await ann.says("Flat 4, 221B Baker Street")  # a search, as a stray address would be
    await post_hook(bot, b'{"update_id": 1, "note": "Flat 5, 222C Baker Street"', secret="bad")
    await post_hook(bot, b'{"update_id": 2, "note": "Flat 6, 223D Baker Street"')
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Baker Street" not in logged
    assert "webhook request refused: secret" in logged  # what happened, without the body


async def test_metrics_count_updates_orders_and_refusals(bot: RunningBot) -> None:
    sell(bot, sku="TEA", name="Earl Grey", price_minor=250)
    ann = ChatPerson(bot.double, bot.double.person("Ann"))
    await fill_cart(ann, "Earl Grey")
    await checkout_for_pickup(ann)
    await ann.presses("✅ Confirm")
    boss = ChatPerson(bot.double, bot.double.person("Mallory"))
    await boss.says("/login")
    await boss.says("nobody")
    await boss.says("wrong password 123")
    status, page = await get(bot, "/metrics")
    assert status == 200
    # Search, /cart, the shared phone, /login and its two answers; seven button presses.
    assert metric(page, 'shopkeeps_updates_total{kind="message"}') == 6
    assert metric(page, 'shopkeeps_updates_total{kind="callback_query"}') == 7
    assert metric(page, "shopkeeps_update_seconds_count") == sum(
        metric(page, f'shopkeeps_updates_total{{kind="{kind}"}}')
        for kind in ("message", "callback_query")
    )
    assert metric(page, "shopkeeps_orders_placed_total") == 1
    assert metric(page, "shopkeeps_logins_refused_total") == 1
    assert metric(page, "shopkeeps_ready") == 1
    assert metric(page, "shopkeeps_telegram_reachable") == 1
    assert "shopkeeps_outbox_backlog " in page


async def test_an_old_schema_makes_it_not_ready_with_what_to_run(bot: RunningBot) -> None:
    with bot.shop.engine.begin() as connection:
        head = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        connection.execute(text("UPDATE alembic_version SET version_num = '0013'"))
    try:
        status, body = await get(bot, "/readyz")
        assert status == 503
        assert "database schema is at 0013" in body
        assert "run `shopkeeps db upgrade`" in body
        assert await get(bot, "/healthz") == (200, "ok\n")  # alive all the same
    finally:
        with bot.shop.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})


async def test_a_notification_due_for_over_a_minute_means_the_outbox_is_stuck(
    bot: RunningBot,
) -> None:
    assert bot.application.job_queue is not None
    [sender] = bot.application.job_queue.get_jobs_by_name(notifications.JOB_NAME)
    sender.enabled = False  # as if every worker's sender had hung
    due = utc_now() - timedelta(seconds=90)
    with bot.shop.engine.begin() as connection:
        connection.execute(
            insert(OutboxRow).values(
                chat_id=1,
                kind="order_status",
                payload={},
                created_at=due,
                next_attempt_at=due,
                attempts=0,
                last_error="",
            )
        )
    status, body = await get(bot, "/readyz")
    assert status == 503
    assert "outbox stuck: the oldest notification due has waited 9" in body
    _, page = await get(bot, "/metrics")
    assert metric(page, "shopkeeps_outbox_backlog") == 1
    assert 90 <= metric(page, "shopkeeps_outbox_oldest_due_seconds") < 120
    assert metric(page, "shopkeeps_ready") == 0


@sqlite_only
async def test_telegram_unreachable_at_the_last_check_makes_it_not_ready_until_it_answers(
    bot: RunningBot,
) -> None:
    assert bot.application.job_queue is not None
    [probe] = bot.application.job_queue.get_jobs_by_name(PROBE_JOB)
    bot.double.fail_next("getMe", 502)
    await probe.run(bot.application)
    status, body = await get(bot, "/readyz")
    assert status == 503
    assert "Telegram unreachable at the last check" in body
    await probe.run(bot.application)
    assert await get(bot, "/readyz") == (200, "ready\n")


async def test_a_valid_update_posted_to_the_hook_is_handled_once(bot: RunningBot) -> None:
    ann = ChatPerson(bot.double, bot.double.person("Ann"))
    await ann.says("/start")
    start = json.dumps(bot.double._sent[bot.double.last_update_id()]).encode()
    assert await post_hook(bot, start) == (200, "ok\n")  # Telegram redelivering it
    await bot.double.settle()
    welcomes = [m for m in ann.chat.from_bot if "Corner Shop" in m.shown_text]
    assert len(welcomes) == 1


async def test_told_to_stop_it_fails_health_checks_while_it_still_takes_updates(
    bot: RunningBot,
) -> None:
    settings = bot.settings.model_copy(update={"stop_drain_seconds": 3.0})
    draining = asyncio.create_task(drain(settings, bot.served))
    await asyncio.sleep(0.1)
    assert await get(bot, "/healthz") == (503, "stopping\n")
    assert (await get(bot, "/readyz"))[0] == 503
    ann = ChatPerson(bot.double, bot.double.person("Ann"))
    await ann.says("/start")  # delivered to the hook meanwhile, and answered
    assert "Corner Shop" in ann.screen
    assert not draining.done()  # still serving, for the drain's 3 s
    await draining


async def test_in_long_polling_a_stop_does_not_wait(double: LocalBotApi, engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    async with running_bot(double, url) as polling:
        started = asyncio.get_running_loop().time()
        await drain(polling.settings, polling.served)
        assert asyncio.get_running_loop().time() - started < 0.5
        assert not polling.served.readiness.stopping
