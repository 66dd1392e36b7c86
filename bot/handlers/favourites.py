"""⭐ Favourites: the items a customer starred, each one tap from its card. (The ⭐ on a card is
the card's own button: bot.handlers.catalogue.)"""

from __future__ import annotations

from html import escape as esc

from telegram import Update

from bot.domain.catalogue import Product
from bot.domain.services import favourites
from bot.domain.services.catalogue import Page
from bot.domain.store import Store
from bot.handlers.button_kinds import DropFavourite, FavouritesPage, Menu, Screen
from bot.handlers.context import ShopContext, customer_of
from bot.handlers.routes import Command, Feature, Press
from bot.handlers.screens import polite, say, show
from bot.handlers.views import (
    PAGE_SIZE,
    Keyboard,
    button,
    cart_button,
    catalogue_button,
    home_row,
    page_label,
    pager,
    product_button,
)
from bot.i18n import Texts, said

# Said of an item no longer sold wherever a list names it (a favourite, an item bought
# before, a line of an order put back in the cart).
NO_LONGER_SOLD = said("{name} (no longer sold)")


def favourites_screen(t: Texts, page: Page[Product], store: Store) -> tuple[str, Keyboard]:
    """Each favourite on sale as the catalogue lists it (sold out ones say so), opening its
    card; those no longer sold named as such, with a button to take them off the list."""
    heading = "<b>⭐ " + t("Favourites") + "</b>"
    if page.total == 0:
        empty = t(
            "Nothing here yet. Tap ☆ Favourite on an item's card to keep it here, one tap away."
        )
        return f"{heading}\n{empty}", Keyboard([[catalogue_button(t), *home_row(t)]])
    on_sale = [p for p in page.items if p.active]
    gone = [p for p in page.items if not p.active]
    lines = [heading + page_label(t, page)]
    if on_sale:
        lines.append(t("Tap an item to see it."))
    rows = [[product_button(t, p, store)] for p in on_sale]
    if gone:
        lines += ["", *("• " + t(NO_LONGER_SOLD, name=esc(p.name)) for p in gone)]
    for p in gone:
        assert p.id is not None
        remove = "🗑 " + t("Remove {name}", name=p.name[:40])
        rows.append([button(remove, DropFavourite(p.id, page.offset))])
    nav = pager(t, page, FavouritesPage)
    if nav:
        rows.append(nav)
    rows.append([cart_button(t), *home_row(t)])
    return "\n".join(lines), Keyboard(rows)


async def _page(update: Update, context: ShopContext, offset: int) -> tuple[str, Keyboard]:
    found = await context.run(
        favourites.favourites, customer_of(update), offset=offset, limit=PAGE_SIZE
    )
    if not found.items and offset > 0:  # the last of its page went: the page before
        back = max(offset - PAGE_SIZE, 0)
        found = await context.run(
            favourites.favourites, customer_of(update), offset=back, limit=PAGE_SIZE
        )
    return favourites_screen(context.texts(update), found, context.shop.store)


@polite
async def favourites_command(update: Update, context: ShopContext) -> str | None:
    """/favourites: the list as a new message."""
    await say(update, *await _page(update, context, 0))
    return None


@polite
async def show_favourites(update: Update, context: ShopContext) -> str | None:
    """The menu's ⭐ Favourites, or another page of them, in place."""
    pressed = FavouritesPage.unpack(update.callback_query.data if update.callback_query else None)
    await show(update, *await _page(update, context, pressed.offset if pressed else 0))
    return None


@polite
async def drop_favourite(update: Update, context: ShopContext) -> str | None:
    """🗑 on the list (an item no longer sold): off the list, and the page drawn again."""
    pressed = DropFavourite.of(update)
    await context.run(favourites.set_favourite, customer_of(update), pressed.product_id, False)
    await show(update, *await _page(update, context, pressed.offset))
    t = context.texts(update)
    return t("Removed from your favourites.")


FEATURE = Feature(
    commands=[Command("favourites", favourites_command, menu=said("Your favourite items"))],
    presses=[
        Press(Menu, show_favourites, only=Menu(Screen.FAVOURITES)),
        Press(FavouritesPage, show_favourites),
        Press(DropFavourite, drop_favourite),
    ],
)
