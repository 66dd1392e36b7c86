"""The ceiling: a bare python-telegram-bot echo bot over the local Bot API, with the framework's
httpx transport and with ShopKeeps' aiohttp one, side by side.

    .venv/bin/python -m bench.echo [--messages 3000] [--people 40]

Each of `people` sends its share of `messages` at once; the figure is updates answered per
second, from the first message to the last reply (long polling, as `shopkeeps run`).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes, MessageHandler, filters
from telegram.request import BaseRequest, HTTPXRequest

from bot.playground.bot_api.server import LocalBotApi
from bot.transport import AiohttpRequest

FAILED: list[str] = []


async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text:
        try:
            await message.reply_text(message.text)
        except TelegramError as failed:  # counted, not retried: a ceiling, not a bot
            FAILED.append(str(failed))


async def ceiling(kind: str, messages: int, people: int) -> tuple[float, int]:
    """Updates answered per second, and how many replies failed."""
    FAILED.clear()

    def transport(pool: int) -> BaseRequest:
        if kind == "httpx":
            return HTTPXRequest(connection_pool_size=pool)
        return AiohttpRequest(connection_pool_size=pool)

    with LocalBotApi(keep_calls=False) as api:
        application = (
            Application.builder()
            .token(api.token)
            .base_url(api.base_url)
            .request(transport(256))
            .get_updates_request(transport(1))
            .concurrent_updates(256)
            .build()
        )
        application.add_handler(MessageHandler(filters.TEXT, echo))
        async with application:
            assert application.updater is not None
            await application.updater.start_polling(poll_interval=0, timeout=1)
            await application.start()
            crowd = [api.person(f"P{n}") for n in range(people)]
            started = time.monotonic()
            for n in range(messages):
                api.send_text(crowd[n % people], f"hello {n}")
            while sum(len(api.chat(p).from_bot) for p in crowd) + len(FAILED) < messages:
                await asyncio.sleep(0.005)
            elapsed = time.monotonic() - started
            await application.updater.stop()
            await application.stop()
    return (messages - len(FAILED)) / elapsed, len(FAILED)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--people", type=int, default=40)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.disable(logging.CRITICAL)  # failed replies are counted below, not logged
    runs = {
        kind: asyncio.run(ceiling(kind, args.messages, args.people))
        for kind in ("httpx", "aiohttp")
    }
    for kind, (rate, failed) in runs.items():
        print(
            f"echo bot, {kind:7} transport: {rate:7.0f} updates/s "
            f"({args.messages} messages from {args.people} people, {failed} replies failed)"
        )
    print(f"aiohttp / httpx: {runs['aiohttp'][0] / runs['httpx'][0]:.1f}x")


if __name__ == "__main__":
    main()
