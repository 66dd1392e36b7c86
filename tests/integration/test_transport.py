"""The aiohttp transport, against the local Bot API: every answer Telegram can give becomes
the framework's own error, as with its httpx transport."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot.playground.bot_api.server import LocalBotApi
from bot.playground.bot_api.spec import UploadedFile
from bot.transport import AiohttpRequest, may_have_arrived


@pytest.fixture
def double() -> Iterator[LocalBotApi]:
    with LocalBotApi() as api:
        yield api


@pytest.fixture
async def bot(double: LocalBotApi) -> AsyncIterator[Bot]:
    async with Bot(double.token, base_url=double.base_url, request=AiohttpRequest()) as ready:
        yield ready


async def test_calls_and_answers_go_through(bot: Bot, double: LocalBotApi) -> None:
    ann = double.person("Ann")
    sent = await bot.send_message(ann.id, "<b>Hello</b> &amp; welcome", parse_mode="HTML")
    assert sent.text == "Hello & welcome"
    assert double.chat(ann).last_from_bot.shown_text == "Hello & welcome"


async def test_a_keyboard_and_any_text_arrive_as_sent(bot: Bot, double: LocalBotApi) -> None:
    ann = double.person("Ann")
    words = 'Crème brûlée 🍮 & "quotes" + 50% = <ok>?'
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("➕ 0,25 kg", callback_data="cart:+:42")]]
    )
    sent = await bot.send_message(ann.id, words, reply_markup=keyboard)
    assert sent.text == words and sent.reply_markup == keyboard
    shown = double.chat(ann).last_from_bot
    assert shown.shown_text == words
    assert shown.buttons == [{"text": "➕ 0,25 kg", "callback_data": "cart:+:42"}]


async def test_an_upload_arrives_whole(bot: Bot, double: LocalBotApi) -> None:
    ann = double.person("Ann")
    picture = bytes(range(256)) * 40
    sent = await bot.send_photo(ann.id, picture, caption="QR")
    file_id = double.chat(ann).last_from_bot.photo
    assert sent.caption == "QR" and file_id is not None
    upload = double.files[file_id]
    assert isinstance(upload, UploadedFile) and upload.content == picture


@pytest.mark.parametrize(
    ("status", "error"),
    [(403, Forbidden), (409, Conflict), (500, NetworkError), (502, NetworkError)],
)
async def test_each_error_status_becomes_the_frameworks_error(
    bot: Bot, double: LocalBotApi, status: int, error: type[Exception]
) -> None:
    ann = double.person("Ann")
    double.fail_next("sendMessage", status)
    with pytest.raises(error):
        await bot.send_message(ann.id, "hi")


async def test_a_bad_request_carries_telegrams_description(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(987654, "hi")


async def test_flood_control_says_how_long_to_wait(bot: Bot, double: LocalBotApi) -> None:
    ann = double.person("Ann")
    double.fail_next("sendMessage", 429, retry_after=7)
    with pytest.raises(RetryAfter) as flood:
        await bot.send_message(ann.id, "hi")
    assert flood.value.retry_after in (7, timedelta(seconds=7))


async def test_a_refused_token_is_an_invalid_token(double: LocalBotApi) -> None:
    bot = Bot("123:wrong", base_url=double.base_url, request=AiohttpRequest())
    with pytest.raises(InvalidToken):
        await bot.initialize()
    await bot.shutdown()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_nobody_listening_is_a_network_error() -> None:
    request = AiohttpRequest(connect_timeout=1)
    await request.initialize()
    try:
        with pytest.raises(NetworkError):
            await request.post(f"http://127.0.0.1:{_free_port()}/botX/getMe")
    finally:
        await request.shutdown()


async def test_a_server_that_never_answers_times_out() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(5)
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    request = AiohttpRequest(read_timeout=0.3)
    await request.initialize()
    try:
        with pytest.raises(TimedOut):
            await request.post(f"http://127.0.0.1:{port}/botX/getMe")
    finally:
        await request.shutdown()
        server.close()


async def test_calls_before_initialize_are_refused() -> None:
    with pytest.raises(RuntimeError, match="not initialized"):
        await AiohttpRequest().do_request("http://127.0.0.1:1/", "POST")


# ------------------------------------------------------------------ may it have arrived?
# A notification whose call failed is sent again freely only when Telegram cannot have taken
# it; otherwise the outbox counts it as a possible copy (bot/domain/services/outbox.py).


async def _failure(request: BaseRequest, url: str) -> TelegramError:
    await request.initialize()
    try:
        with pytest.raises(TelegramError) as failed:
            await request.post(url)
        return failed.value
    finally:
        await request.shutdown()


@asynccontextmanager
async def _server(answer: bytes | None, *, after: float = 0) -> AsyncIterator[str]:
    """A server that reads a request, waits `after` seconds, then writes `answer` and hangs
    up (None: hangs up without a word); its address."""

    async def reply(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(65536)
        await asyncio.sleep(after)
        if answer is not None:
            writer.write(answer)
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(reply, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/botX/getMe"
    finally:
        server.close()


@pytest.mark.parametrize("status", [429, 400, 403, 500, 502])
async def test_an_error_telegram_answers_means_it_did_not_take_the_message(
    bot: Bot, double: LocalBotApi, status: int
) -> None:
    ann = double.person("Ann")
    double.fail_next("sendMessage", status)
    with pytest.raises(TelegramError) as failed:
        await bot.send_message(ann.id, "hi")
    assert not may_have_arrived(failed.value)


async def test_a_gateway_error_page_that_is_not_json_means_it_was_not_taken() -> None:
    page = b"<html><body>502 Bad Gateway</body></html>"
    head = b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n"
    async with _server(head % len(page) + page) as url:
        error = await _failure(AiohttpRequest(), url)
    assert isinstance(error, NetworkError) and not may_have_arrived(error)


@pytest.mark.parametrize("transport", [AiohttpRequest, HTTPXRequest])
async def test_no_connection_means_nothing_left(transport: type[BaseRequest]) -> None:
    error = await _failure(transport(), f"http://127.0.0.1:{_free_port()}/botX/getMe")
    assert isinstance(error, NetworkError) and not may_have_arrived(error)


async def test_timing_out_waiting_for_a_connection_means_nothing_left() -> None:
    async with _server(None, after=5) as url:
        request = AiohttpRequest(connection_pool_size=1, pool_timeout=0.1, connect_timeout=0.2)
        await request.initialize()
        try:
            busy = asyncio.create_task(request.post(url))  # holds the only connection
            await asyncio.sleep(0.2)
            with pytest.raises(TimedOut) as waited:
                await request.post(url)
            busy.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await busy
        finally:
            await request.shutdown()
    assert not may_have_arrived(waited.value)


async def test_no_answer_in_time_may_mean_telegram_took_it() -> None:
    async with _server(None, after=5) as url:
        error = await _failure(AiohttpRequest(read_timeout=0.3), url)
    assert isinstance(error, TimedOut) and may_have_arrived(error)


async def test_a_connection_cut_after_the_request_may_mean_telegram_took_it() -> None:
    async with _server(None) as url:
        error = await _failure(AiohttpRequest(), url)
    assert isinstance(error, NetworkError) and may_have_arrived(error)


async def test_a_success_whose_answer_cannot_be_read_may_mean_telegram_took_it() -> None:
    async with _server(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nnot json!") as url:
        error = await _failure(AiohttpRequest(), url)
    assert may_have_arrived(error)
