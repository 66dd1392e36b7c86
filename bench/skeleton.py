"""A second ceiling: a bare python-telegram-bot bot making the browse loop's Bot API calls
(a reply to `/catalogue`; an edit and an answer to each button press) with no database and
no business logic, driven by the same simulated customers as ShopKeeps' browse loop.

    .venv/bin/python -m bench.skeleton [--customers 40] [--rounds 5] [--shop-screens]

It tells how much of the echo ceiling is left for a bot that answers buttons at all: what
the framework, the transport and the local Bot API cost for those calls, before any store.
With --shop-screens it answers with ShopKeeps' own four browse screens (recorded from the
real bot once, at start): what those calls cost with the store's texts and keyboards, still
with no database and no logic.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bench.common import database, migrated, stock_demo_store
from bench.driver import Driver, Timings
from bench.loops import browse, browse_round
from bot.playground.bot_api.server import LocalBotApi
from bot.transport import AiohttpRequest

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]

# The browse loop presses the first button twice, then the one saying "to cart".
KEYBOARD = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("Next", callback_data="next")],
        [InlineKeyboardButton("Add to cart", callback_data="add")],
    ]
)


@dataclass(frozen=True)
class Screen:
    text: str
    keyboard: InlineKeyboardMarkup
    parse_mode: str | None = None


BARE = [Screen("Catalogue", KEYBOARD)] + [Screen(f"Page {n}", KEYBOARD) for n in (1, 2, 3)]


async def shop_screens() -> list[Screen]:
    """The real bot's browse round (catalogue, category, item, added), as it sent them."""
    from tests.support.running_bot import running_bot

    with database(None) as url, LocalBotApi() as api:
        migrated(url)
        async with running_bot(api, url, send_budget=False) as bot:
            stock_demo_store(bot)
            await browse_round(Driver(api), api.person("Recorder"), Timings())
        sent = [c.params for c in api.calls if c.method in ("sendMessage", "editMessageText")]
    return [
        Screen(
            p["text"],
            InlineKeyboardMarkup.de_json(json.loads(p["reply_markup"]), None),
            p.get("parse_mode"),
        )
        for p in sent[-4:]
    ]


def handlers(screens: list[Screen]) -> tuple[Handler, Handler]:
    """/catalogue shows the first screen; each press shows the next (one round: 3 presses)."""
    steps: dict[int, int] = {}

    async def catalogue(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None
        steps[message.chat_id] = 0
        first = screens[0]
        await message.reply_text(
            first.text, reply_markup=first.keyboard, parse_mode=first.parse_mode
        )

    async def pressed(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        step = steps[query.message.chat.id] = steps.get(query.message.chat.id, 0) + 1
        screen = screens[min(step, len(screens) - 1)]
        text = screen.text if step < len(screens) else f"{screen.text} {update.update_id}"
        await query.edit_message_text(
            text, reply_markup=screen.keyboard, parse_mode=screen.parse_mode
        )
        await query.answer()

    return catalogue, pressed


async def ceiling(customers: int, rounds: int, screens: list[Screen] | None = None) -> Timings:
    """The browse loop's rate against the skeleton bot (answering with `screens`, if given)."""
    catalogue, pressed = handlers(screens or BARE)
    with LocalBotApi(keep_calls=False) as api:
        application = (
            Application.builder()
            .token(api.token)
            .base_url(api.base_url)
            .request(AiohttpRequest(connection_pool_size=256))
            .get_updates_request(AiohttpRequest(connection_pool_size=1))
            .concurrent_updates(256)
            .build()
        )
        application.add_handler(CommandHandler("catalogue", catalogue))
        application.add_handler(CallbackQueryHandler(pressed))

        async def done(update: object, _context: ContextTypes.DEFAULT_TYPE) -> None:
            if isinstance(update, Update):
                api.processed(update.update_id)

        # After the handlers above (group 0), so an update is reported once its calls are done.
        application.add_handler(CallbackQueryHandler(done), group=1)
        application.add_handler(CommandHandler("catalogue", done), group=1)
        async with application:
            assert application.updater is not None
            await application.updater.start_polling(poll_interval=0, timeout=1)
            await application.start()
            driver = Driver(api)
            walk = await browse(driver, customers, rounds)
            await application.updater.stop()
            await application.stop()
    return walk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--shop-screens", action="store_true", help="ShopKeeps' own messages")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    screens = asyncio.run(shop_screens()) if args.shop_screens else None
    started = time.perf_counter()
    walk = asyncio.run(ceiling(args.customers, args.rounds, screens))
    kind = "with ShopKeeps' screens" if screens else "with one-line screens"
    print(
        f"skeleton bot {kind}, browse loop: {walk.rate:.0f} updates/s "
        f"({len(walk.waits)} updates in {time.perf_counter() - started:.1f} s)"
    )


if __name__ == "__main__":
    main()
