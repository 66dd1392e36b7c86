"""Search: /search TEXT, the menu button, and any plain text outside a checkout step."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, MessageHandler, filters

from bot.domain.catalogue import Product
from bot.domain.services import catalogue
from bot.domain.services.catalogue import Page
from bot.handlers.button_kinds import Menu, Screen, SearchPage
from bot.handlers.context import ShopContext
from bot.handlers.conversations import TextSearch
from bot.handlers.routes import Command, Feature, Press
from bot.handlers.screens import polite, say, show
from bot.handlers.views import PAGE_SIZE, search_screen
from bot.i18n import said

PROMPT = said("🔎 Type what you are looking for: a name, a brand, a category or an SKU.")
MAX_QUERY = 100
# Plain text searches run after the checkout's text handler (group 0) has passed on it.
GROUP = 1


def typed_query(text: str) -> str:
    return text.strip()[:MAX_QUERY]


async def _results(
    update: Update, context: ShopContext, query: str, offset: int, hint: str = ""
) -> None:
    query = typed_query(query)
    page = await context.run(catalogue.search_products, query, offset=offset, limit=PAGE_SIZE)
    await show_found(update, context, query, page, hint)


async def show_found(
    update: Update, context: ShopContext, query: str, page: Page[Product], hint: str = ""
) -> None:
    text, keyboard = search_screen(context.texts(update), query, page, context.shop.store)
    await show(update, f"{text}\n\n{hint}" if hint else text, keyboard)


# A plain text's search is read with the question it might answer (bot.handlers.conversations).
TEXT_SEARCH = TextSearch(typed_query, PAGE_SIZE, show_found)


async def show_results(update: Update, context: ShopContext, query: str, *, hint: str) -> None:
    """Typed text that is a search after all (checkout calls this after a long break)."""
    await _results(update, context, query.strip(), 0, hint)


@polite
async def search_command(update: Update, context: ShopContext) -> str | None:
    """`/search rice`; a bare /search asks what to look for."""
    query = " ".join(context.args or []).strip()
    if not query:
        await say(update, context.texts(update)(PROMPT))
        return None
    await _results(update, context, query, 0)
    return None


@polite
async def search_text(update: Update, context: ShopContext) -> str | None:
    """Any text that is not an answer to a checkout question is a search."""
    message = update.effective_message
    assert message is not None and message.text is not None
    await _results(update, context, message.text.strip(), 0)
    return None


@polite
async def ask_for_search(update: Update, context: ShopContext) -> str | None:
    """The menu's Search button."""
    await say(update, context.texts(update)(PROMPT))
    return None


@polite
async def turn_page(update: Update, context: ShopContext) -> str | None:
    """Next or previous page of results; the query rides in the button (cut to fit)."""
    pressed = SearchPage.of(update)
    await _results(update, context, pressed.query, pressed.offset)
    return None


FEATURE = Feature(
    commands=[Command("search", search_command, menu=said("Find an item"))],
    presses=[
        Press(Menu, ask_for_search, only=Menu(Screen.SEARCH)),
        Press(SearchPage, turn_page),
    ],
)


def build_text_handlers() -> list[BaseHandler[Update, ShopContext, None]]:
    return [MessageHandler(filters.TEXT & ~filters.COMMAND, search_text)]
