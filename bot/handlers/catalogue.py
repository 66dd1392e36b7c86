"""Browsing: categories, pages of items, an item's card with a quantity picker.

The screens come from what this worker keeps (bot.handlers.browsing) while the catalogue's
version, read with the update's record, stands; an item's card shows the person's cart, and
whether the item is one of their favourites, as the same record read them. A browse tap is then
the record's transaction alone.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from html import escape as esc

from telegram import InlineKeyboardMarkup, Update

from bot.domain.cart import most_per_order, over_the_limit
from bot.domain.catalogue import Product, category_key, is_web_photo
from bot.domain.clock import utc_now
from bot.domain.errors import DomainError
from bot.domain.offers import Offer, priced
from bot.domain.services import catalogue, favourites, offers, watches
from bot.domain.services.cart import (
    CartView,
    add_to_cart,
    card_seen,
    set_typed_amount,
    view_cart,
)
from bot.domain.services.stock import watch_product
from bot.domain.stock import BackInStockNews
from bot.domain.store import Store
from bot.domain.typed_amount import TypedAmount
from bot.handlers.browsing import kept, screens_at
from bot.handlers.button_kinds import (
    AddToCart,
    AmountLabel,
    AtLargestAmount,
    AtOrderLimit,
    AtSmallestAmount,
    CategoryPage,
    FavouriteItem,
    ItemCard,
    Menu,
    Screen,
    Star,
    UnwatchItem,
    WatchItem,
)
from bot.handlers.context import ShopContext, customer_of, user_id_of
from bot.handlers.notification_texts import Rendered, renders
from bot.handlers.routes import Command, Feature, Press
from bot.handlers.screens import polite, refused_then, say, show
from bot.handlers.views import (
    PAGE_SIZE,
    button,
    categories_screen,
    category_screen,
    product_card,
)
from bot.i18n import Texts, said
from bot.versioned_cache import Version

log = logging.getLogger(__name__)


@renders(BackInStockNews)
def back_in_stock_text(t: Texts, news: BackInStockNews, store: Store) -> Rendered:
    """To a customer who asked: the sold-out item is on sale again, a tap away."""
    back = t("<b>{name}</b> is back in stock.", name=esc(news.name))
    return f"🔔 {back}", InlineKeyboardMarkup([[button(t("Open it"), ItemCard(news.product_id))]])


def cart_item_shown(update: Update) -> int | None:
    """The item whose quantity in the person's cart the reply to `update` shows (an item's
    card, or the card again after its ⭐, which leaves the cart as it is): read with the
    update's record, in the same transaction."""
    query = update.callback_query
    data = query.data if query is not None else None
    if not data:
        return None
    pressed = ItemCard.unpack(data) or FavouriteItem.unpack(data)
    return pressed.product_id if pressed is not None else None


def card_shown(update: Update) -> int | None:
    """The item whose card the reply to `update` shows (its card, ➖/➕, Add to cart, ⭐): an
    amount the person types next is for it, and the record reads whether it is a favourite."""
    query = update.callback_query
    data = query.data if query is not None else None
    if not data:
        return None
    pressed = ItemCard.unpack(data) or AddToCart.unpack(data) or FavouriteItem.unpack(data)
    return pressed.product_id if pressed is not None else None


async def offers_ahead(update: Update, context: ShopContext) -> list[Offer]:
    """The offers not yet ended, read once per catalogue version by this worker."""
    version = context.catalogue_version(update)
    return await kept(
        context.browsing.offers, version, "", lambda: context.run(offers.offers_ahead)
    )


async def screens_version(update: Update, context: ShopContext) -> Version | None:
    """The version this update's screens are kept under (bot.handlers.browsing.screens_at)."""
    version = context.catalogue_version(update)
    if version is None:
        return None
    ahead = await offers_ahead(update, context)
    return screens_at(version, ahead, utc_now(), context.shop.store.timezone)


async def _category_names(update: Update, context: ShopContext) -> list[str]:
    version = await screens_version(update, context)
    return await kept(
        context.browsing.names, version, "", lambda: context.run(catalogue.categories)
    )


async def _item(update: Update, context: ShopContext, product_id: int) -> Product:
    """The item for a customer's card, as this worker keeps it or read afresh."""
    items, version = context.browsing.items, await screens_version(update, context)
    product = items.get(version, product_id)
    if product is None:
        product = await context.run(catalogue.item, product_id)
        if product is not None:
            items.put(version, product_id, product)
    return catalogue.for_sale(product, product_id)


@polite
async def show_categories(update: Update, context: ShopContext) -> str | None:
    """The list of categories with something on sale."""
    t = context.texts(update)
    screens, version = context.browsing.screens, await screens_version(update, context)
    key = (t.language, "", 0)
    screen = screens.get(version, key)
    if screen is None:
        screen = categories_screen(t, await _category_names(update, context))
        screens.put(version, key, screen)
    await show(update, *screen)
    return None


@polite
async def show_category(update: Update, context: ShopContext) -> str | None:
    """One page of a category, edited in place."""
    pressed = CategoryPage.of(update)
    t = context.texts(update)
    screens, version = context.browsing.screens, await screens_version(update, context)
    key = (t.language, pressed.key, pressed.offset)
    screen = screens.get(version, key)
    if screen is None:
        names = await _category_names(update, context)
        name = next((n for n in names if category_key(n) == pressed.key), None)
        if name is None:
            await show(update, *categories_screen(t, names))
            return t("That category is empty now.")
        page = await context.run(
            catalogue.products_in_category, name, offset=pressed.offset, limit=PAGE_SIZE
        )
        screen = category_screen(t, name, page, context.shop.store)
        screens.put(version, key, screen)
    await show(update, *screen)
    return None


async def _card(
    update: Update,
    context: ShopContext,
    product: Product,
    picked: Decimal | None,
    cart: CartView | None = None,
    *,
    in_cart: Decimal | None = None,
    favourite: bool | None = None,
    cached: bool = False,
) -> None:
    """The card; pass the cart, or how much of the item it holds, and whether it is one of
    the person's favourites, when the caller already has them fresh. `cached`: the product
    was read at the update's catalogue version, so its drawn card may be kept under that
    version (an item just read afresh, after a change the version may not show yet, is drawn
    from what was read)."""
    assert product.id is not None
    # Priced here with the offers this worker keeps at the update's catalogue version,
    # whichever way the item was read (a shelf code, a watch...). An offer set or ended in the
    # instant between the update's record and this tap's own use case can show here one tap
    # late; the checkout summary, priced afresh, is what Confirm is checked against.
    ahead, now = await offers_ahead(update, context), utc_now()
    [product] = priced([product], ahead, now)
    assert product.id is not None
    cards, version = context.browsing.cards, await screens_version(update, context)
    if not cached:
        # Read afresh (a cart change reads its item): the cards kept at the update's version
        # serve it all the same when it is the item kept at that version, field for field.
        kept = context.browsing.items.get(version, product.id)
        cached = kept is not None and priced([kept], ahead, now)[0] == product
    if in_cart is None:
        if cart is None:
            cart = await context.run(view_cart, customer_of(update))
        in_cart = cart.quantity_of(product.id)
    if favourite is None:
        favourite = await context.run(favourites.is_favourite, customer_of(update), product.id)
    quantity = picked if picked is not None and picked > 0 else product.step
    # Only a sold-out card says whether the person waits for it: a read for those alone.
    watching = product.sellable_stock <= 0 and await context.run(
        watches.is_watching, customer_of(update), product.id
    )
    t = context.texts(update)
    key = (t.language, product.id, quantity, in_cart, watching, favourite)
    card = cards.get(version, key) if cached else None
    if card is None:
        card = product_card(
            t,
            product,
            context.shop.store,
            picked=quantity,
            in_cart=in_cart,
            watching=watching,
            favourite=favourite,
        )
        if cached:
            cards.put(version, key, card)
    shown = await show(update, *card, photo=product.photo_file_id)
    address = product.photo_file_id
    if is_web_photo(address) and shown is not None and shown.photo:
        # Telegram fetched the photo from the catalogue file's address: keep its file id. Only
        # a saving: the card is on screen, so a database away now is no error of this tap.
        try:
            await context.run(
                catalogue.keep_fetched_photo, product.id, address, shown.photo[-1].file_id
            )
        except DomainError:
            log.warning("the file id of %s's fetched photo was not kept", product.sku)


@polite
async def show_product(update: Update, context: ShopContext) -> str | None:
    """An item's card; the ➖/➕ buttons come back here with a new quantity."""
    pressed = ItemCard.of(update)
    product = await _item(update, context, pressed.product_id)
    # Its record read the cart (cart_item_shown) and the ⭐ (card_shown).
    delivery = context.delivery(update)
    in_cart = delivery.in_cart if delivery is not None else None
    favourite = delivery.favourite if delivery is not None else None
    await _card(
        update, context, product, pressed.amount, in_cart=in_cart, favourite=favourite, cached=True
    )
    return None


@polite
async def put_in_cart(update: Update, context: ShopContext) -> str | None:
    """Add the picked quantity and show the card again with the cart's new total."""
    pressed = AddToCart.of(update)
    product_id, quantity = pressed.product_id, pressed.amount
    most = context.shop.store.max_per_item
    # The offers its card was priced with, kept at the update's catalogue version (not
    # known: the use case reads them in its own transaction).
    known = context.catalogue_version(update) is not None
    ahead = await offers_ahead(update, context) if known else None
    cart = await context.run(
        add_to_cart, customer_of(update), product_id, quantity, max_per_item=most, offers=ahead
    )
    product = next(i.product for i in cart.items if i.product.id == product_id)
    delivery = context.delivery(update)  # its record read the ⭐ (card_shown)
    favourite = delivery.favourite if delivery is not None else None
    await _card(update, context, product, quantity, cart, favourite=favourite)
    t = context.texts(update)
    if cart.capped is not None:
        return t.refusal(cart.capped)
    return t(
        "Added {amount} of {name} to your cart.",
        amount=context.texts(update).quantity(quantity, product.unit.value),
        name=product.name,
    )


TYPE_ANOTHER_AMOUNT = said("Type another amount, or use ➖ and ➕ on the card.")


async def take_typed_amount(
    update: Update, context: ShopContext, product_id: int, typed: TypedAmount
) -> None:
    """An amount typed right after an item's card ("1,5 kg"): exactly that much in the cart,
    then the card again below it; a refusal says why, and the cart is as it was."""
    t, most = context.texts(update), context.shop.store.max_per_item
    try:
        cart = await context.run(
            set_typed_amount, customer_of(update), product_id, typed, max_per_item=most
        )
    except DomainError as refused:
        await say(update, refused_then(t, refused, t(TYPE_ANOTHER_AMOUNT)))
        return
    product = next(i.product for i in cart.items if i.product.id == product_id)
    amount = t.quantity(cart.quantity_of(product_id), product.unit.value)
    if cart.capped is not None:
        await say(update, esc(t.refusal(cart.capped)))
    else:
        await say(
            update,
            "🧺 " + t("{amount} of {name} in your cart.", amount=amount, name=esc(product.name)),
        )
    await _card(update, context, product, None, cart)


async def open_product_by_sku(update: Update, context: ShopContext, sku: str) -> None:
    """For shelf QR codes: t.me/<bot>?start=p_<SKU> opens the item."""
    product = await context.run(catalogue.shelf_item, sku)
    await _card(update, context, product, None)
    assert product.id is not None
    await context.run(card_seen, user_id_of(update), product.id)


@polite
async def watch_item(update: Update, context: ShopContext) -> str | None:
    """Sold out: the customer is told once it is back (or sees it, if it already is)."""
    product = await context.run(watch_product, customer_of(update), WatchItem.of(update).product_id)
    if product.sellable_stock > 0:
        await _card(update, context, product, None)
        t = context.texts(update)
        return t("{name} is back in stock.", name=product.name)
    await _card(update, context, product, None)
    t = context.texts(update)
    return t("We will tell you when {name} is back.", name=product.name)


@polite
async def unwatch_item(update: Update, context: ShopContext) -> str | None:
    """“Don't tell me”: the card offers to tell again; an item back meanwhile shows as it is."""
    product_id = UnwatchItem.of(update).product_id
    unwatched = await context.run(watches.stop_watching, customer_of(update), product_id)
    product = unwatched.product
    await _card(update, context, product, None)
    t = context.texts(update)
    if product.sellable_stock > 0:
        return t("{name} is back in stock.", name=product.name)
    return t("We will not tell you when {name} is back.", name=product.name)


@polite
async def star_item(update: Update, context: ShopContext) -> str | None:
    """⭐ on a card: the item is (or is no longer) a favourite, and the card shows it."""
    pressed = FavouriteItem.of(update)
    starred = await context.run(
        favourites.set_favourite,
        customer_of(update),
        pressed.product_id,
        pressed.star is Star.ON,
    )
    product = catalogue.for_sale(starred.product, pressed.product_id)
    delivery = context.delivery(update)  # its record read the cart (cart_item_shown)
    in_cart = delivery.in_cart if delivery is not None else None
    await _card(update, context, product, None, in_cart=in_cart, favourite=starred.favourite)
    t = context.texts(update)
    if starred.favourite:
        return t("Added to your favourites: ⭐ Favourites in the menu.")
    return t("Removed from your favourites.")


@polite
async def at_minimum(update: Update, context: ShopContext) -> str | None:
    """➖ on the smallest amount: nothing to redraw, just say so."""
    t = context.texts(update)
    return t("That is the smallest amount you can order.")


@polite
async def at_maximum(update: Update, context: ShopContext) -> str | None:
    """➕ past what the shop has: nothing to redraw, just say so."""
    t = context.texts(update)
    return t("That is all we have in stock.")


@polite
async def at_order_limit(update: Update, context: ShopContext) -> str | None:
    """➕ past what one order may hold: say how much that is, as the cart does."""
    product = await _item(update, context, AtOrderLimit.of(update).product_id)
    most = most_per_order(product, context.shop.store.max_per_item)
    return context.texts(update).refusal(over_the_limit(product, most))


@polite
async def explain_amount(update: Update, context: ShopContext) -> str | None:
    """The amount between ➖ and ➕ is a label; pressing it explains the picker."""
    t = context.texts(update)
    return t("Use ➖ and ➕ to change the amount, then add it to your cart.")


FEATURE = Feature(
    commands=[Command("catalogue", show_categories, menu=said("Browse the catalogue"))],
    presses=[
        Press(Menu, show_categories, only=Menu(Screen.CATALOGUE)),
        Press(CategoryPage, show_category),
        Press(ItemCard, show_product),
        Press(AddToCart, put_in_cart),
        Press(AtSmallestAmount, at_minimum),
        Press(AtLargestAmount, at_maximum),
        Press(AtOrderLimit, at_order_limit),
        Press(AmountLabel, explain_amount),
        Press(WatchItem, watch_item),
        Press(UnwatchItem, unwatch_item),
        Press(FavouriteItem, star_item),
    ],
)
