"""A second ceiling: a bare python-telegram-bot bot making the browse loop's Bot API calls
(a reply to `/catalogue`; an edit and an answer to each button press) with no database and
no business logic, driven by the same simulated customers as ShopKeeps' browse loop.

    .venv/bin/python -m bench.skeleton [--customers 40] [--rounds 5]

It tells how much of the echo ceiling is left for a bot that answers buttons at all: what
the framework, the transport and the local Bot API cost for those calls, before any store.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bench.driver import Driver, Timings
from bench.loops import browse
from bot.playground.bot_api.server import LocalBotApi
from bot.transport import AiohttpRequest

# The browse loop presses the first button twice, then the one saying "to cart".
KEYBOARD = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("Next", callback_data="next")],
        [InlineKeyboardButton("Add to cart", callback_data="add")],
    ]
)


async def catalogue(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text("Catalogue", reply_markup=KEYBOARD)


async def pressed(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.message is not None
    await query.edit_message_text(f"Page {query.data} {update.update_id}", reply_markup=KEYBOARD)
    await query.answer()


async def ceiling(customers: int, rounds: int) -> Timings:
    """The browse loop's rate against the skeleton bot."""
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
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    started = time.perf_counter()
    walk = asyncio.run(ceiling(args.customers, args.rounds))
    print(
        f"skeleton bot, browse loop: {walk.rate:.0f} updates/s "
        f"({len(walk.waits)} updates in {time.perf_counter() - started:.1f} s)"
    )


if __name__ == "__main__":
    main()
