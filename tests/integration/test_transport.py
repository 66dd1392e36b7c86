"""The aiohttp transport, against the local Bot API: every answer Telegram can give becomes
the framework's own error, as with its httpx transport."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Iterator
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
    TimedOut,
)

from bot.playground.bot_api.server import LocalBotApi
from bot.playground.bot_api.spec import UploadedFile
from bot.transport import AiohttpRequest


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
