"""What customers see: HTML text and keyboards, built from domain objects.

Every piece of catalogue or customer text passes through `esc`: a product called
"Milk 2.5% <fresh>" must not break a message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from html import escape as esc

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.cart import most_per_order, over_the_limit
from bot.domain.catalogue import Product, Unit, category_key
from bot.domain.checkout import CheckoutDraft, CheckoutStep
from bot.domain.clock import utc_now
from bot.domain.customers import show_phone
from bot.domain.money import line_total
from bot.domain.orders import Fulfilment, FulfilmentKind, Order, OrderStatus, reason_shown
from bot.domain.payments import PaymentMethod
from bot.domain.quantity import is_multiple_of
from bot.domain.services.cart import CartView
from bot.domain.services.catalogue import Page
from bot.domain.services.checkout import CheckoutView
from bot.domain.store import Store
from bot.handlers.button_kinds import (
    AddToCart,
    AmountLabel,
    AskShop,
    AtLargestAmount,
    AtOrderLimit,
    AtSmallestAmount,
    CartLine,
    CategoryPage,
    CheckoutChoice,
    Choice,
    ConfirmOrder,
    EmptyCart,
    FavouriteItem,
    ItemCard,
    LeaveCheckout,
    LineChange,
    Menu,
    MyOrder,
    MyOrdersPage,
    OrderAction,
    PickupDay,
    PickupTime,
    Screen,
    SearchPage,
    Star,
    StartCheckout,
    UnwatchItem,
    WatchItem,
)
from bot.handlers.buttons import ButtonData
from bot.handlers.payment_views import payment_line
from bot.i18n import UNITS, Texts, said

PAGE_SIZE = 6
# Two different acts, worded apart in every language: leaving checkout drops no order.
LEAVE_CHECKOUT = said("Leave checkout")
CANCEL_ORDER = said("Cancel order")
PHOTO_DESCRIPTION = 700
Keyboard = InlineKeyboardMarkup


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def button(text: str, pressed: ButtonData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=pressed.pack())


def menu_keyboard(t: Texts) -> Keyboard:
    return Keyboard(
        [
            [
                catalogue_button(t),
                button("🔎 " + t("Search"), Menu(Screen.SEARCH)),
            ],
            [
                button("⭐ " + t("Favourites"), Menu(Screen.FAVOURITES)),
                button("🔁 " + t("Buy again"), Menu(Screen.BUY_AGAIN)),
            ],
            [
                cart_button(t),
                button("📦 " + t("My orders"), Menu(Screen.ORDERS)),
            ],
            [
                button("💬 " + t("Ask the shop"), AskShop()),
                button("❓ " + t("Help"), Menu(Screen.HELP)),
            ],
        ]
    )


def home_row(t: Texts) -> list[InlineKeyboardButton]:
    return [button("« " + t("Menu"), Menu(Screen.HOME))]


def catalogue_button(t: Texts) -> InlineKeyboardButton:
    return button("🛍 " + t("Catalogue"), Menu(Screen.CATALOGUE))


def cart_button(t: Texts) -> InlineKeyboardButton:
    return button("🧺 " + t("Cart"), Menu(Screen.CART))


def greeting(t: Texts, first_name: str, store: Store) -> str:
    hello = t("Hello {name}!", name=esc(first_name)) if first_name else t("Hello!")
    welcome = t(
        "Welcome to <b>{store}</b>.\nBrowse the catalogue, fill your cart and we will have it "
        "ready for pickup or bring it to you.",
        store=esc(store.name),
    )
    return f"{hello} {welcome}"


def price_now(t: Texts, product: Product, store: Store, *, html: bool = True) -> str:
    """What one unit costs now; under an offer, the list price struck through before it
    (a button cannot hold HTML: its letters are struck through one by one)."""
    now = t.money(product.price_now_minor, store.currency)
    if product.offer is None:
        return now
    was = t.money(product.price_minor, store.currency)
    struck = f"<s>{was}</s>" if html else "".join(c + "\u0336" for c in was)
    return f"{struck} {now}"


def unit_price(t: Texts, product: Product, store: Store, *, html: bool = True) -> str:
    price = price_now(t, product, store, html=html)
    return t("{price} per {unit}", price=price, unit=t(UNITS[product.unit.value]))


def listed_price(t: Texts, product: Product, store: Store, *, html: bool = True) -> str:
    """A price in a list or a cart line: per kg, litre... ("3,29 € / kg"); a piece's alone,
    as a shelf label shows it."""
    if product.unit is Unit.PIECE:
        return price_now(t, product, store, html=html)
    return unit_price(t, product, store, html=html)


def shop_moment(t: Texts, at: datetime, store: Store, now: datetime) -> str:
    """A moment in the shop's time: "20:00" on the day it is now there, else with its day."""
    local = at.astimezone(store.timezone)
    if local.date() == now.astimezone(store.timezone).date():
        return f"{local:%H:%M}"
    return t.moment(local)


def offer_note(t: Texts, product: Product, store: Store, now: datetime) -> str | None:
    """ "🏷 −30% until 20:00" (today), or until a day and time: None without an offer."""
    if product.offer is None:
        return None
    when = shop_moment(t, product.offer.ends_at, store, now)
    return "🏷 " + t("−{percent}% until {when}", percent=product.offer.percent_off, when=when)


def availability(t: Texts, product: Product, store: Store) -> str:
    if product.stock <= 0:
        return "❌ " + t("Sold out")
    if product.is_low(store.default_low_stock_threshold):
        left = t.quantity(product.stock, product.unit.value)
        return "⚠️ " + t("Only {amount} left", amount=left)
    return "✅ " + t("In stock")


def categories_screen(t: Texts, categories: list[str]) -> tuple[str, Keyboard]:
    if not categories:
        empty = t("The catalogue is empty for now. Please come back soon!")
        return empty, Keyboard([home_row(t)])
    rows = [[button(name[:60], CategoryPage(category_key(name), 0))] for name in categories[:90]]
    return t("<b>Catalogue</b>\nChoose a category:"), Keyboard([*rows, home_row(t)])


def pager(
    t: Texts, page: Page[Product], at: Callable[[int], ButtonData]
) -> list[InlineKeyboardButton]:
    nav = []
    if page.has_previous:
        nav.append(button("‹ " + t("Previous"), at(max(page.offset - page.limit, 0))))
    if page.has_next:
        nav.append(button(t("Next") + " ›", at(page.offset + page.limit)))
    return nav


def page_label(t: Texts, page: Page[Product]) -> str:
    pages = max(1, -(-page.total // page.limit))
    if pages == 1:
        return ""
    return " · " + t("page {page} of {pages}", page=page.offset // page.limit + 1, pages=pages)


def product_button(t: Texts, product: Product, store: Store) -> InlineKeyboardButton:
    label = f"{product.name[:40]} · {listed_price(t, product, store, html=False)}"
    if product.stock <= 0:
        label += " (" + t("sold out") + ")"
    assert product.id is not None
    return button(label, ItemCard(product.id))


def category_screen(
    t: Texts, category: str, page: Page[Product], store: Store
) -> tuple[str, Keyboard]:
    rows = [[product_button(t, p, store)] for p in page.items]
    key = category_key(category)
    nav = pager(t, page, lambda offset: CategoryPage(key, offset))
    if nav:
        rows.append(nav)
    rows.append([button("« " + t("Categories"), Menu(Screen.CATALOGUE)), *home_row(t)])
    text = f"<b>{esc(category)}</b>{page_label(t, page)}\n" + t("Tap an item to see it.")
    return text, Keyboard(rows)


def search_screen(t: Texts, query: str, page: Page[Product], store: Store) -> tuple[str, Keyboard]:
    rows = [[product_button(t, p, store)] for p in page.items]
    nav = pager(t, page, lambda offset: SearchPage(offset, query[:40]))
    if nav:
        rows.append(nav)
    rows.append(home_row(t))
    if page.total == 0:
        return (
            t(
                "Nothing found for “{query}”. Try another word, browse the catalogue, or ask "
                "the shop.",
                query=esc(query),
            ),
            Keyboard(
                [
                    [catalogue_button(t), *home_row(t)],
                    [button("💬 " + t("Ask the shop"), AskShop())],
                ]
            ),
        )
    found = t.plural(
        "<b>Found {n}</b> for “{query}”",
        "<b>Found {n}</b> for “{query}”",
        page.total,
        query=esc(query),
    )
    return found + page_label(t, page), Keyboard(rows)


def product_card(
    t: Texts,
    product: Product,
    store: Store,
    *,
    picked: Decimal,
    in_cart: Decimal,
    watching: bool = False,
    now: datetime | None = None,
    favourite: bool = False,
) -> tuple[str, Keyboard]:
    """`watching`: sold out, and this person asked to be told when it is back; `favourite`:
    one of this person's favourites (its ⭐ button takes it off, ☆ makes it one)."""
    lines = [f"<b>{esc(product.name)}</b>", unit_price(t, product, store)]
    offer = offer_note(t, product, store, now or utc_now())
    if offer is not None:
        lines.append(offer)
    lines.append(availability(t, product, store))
    if product.description:
        # A photo's caption holds 1024 characters; the rest of the card needs about 250.
        limit = PHOTO_DESCRIPTION if product.photo_file_id else len(product.description)
        lines.append(f"\n{esc(clip(product.description, limit))}")
    if in_cart:
        amount = t.quantity(in_cart, product.unit.value)
        lines.append("\n🧺 " + t("In your cart: {amount}", amount=amount))
    rows = []
    assert product.id is not None
    # What can still go in the cart: the whole steps on hand, up to what one order may hold,
    # less what is there already.
    most = most_per_order(product, store.max_per_item)
    limited = most < product.sellable_stock  # the order's limit binds before the shelf
    room = min(product.sellable_stock, most) - in_cart
    if product.sellable_stock <= 0 and watching:
        lines.append("\n🔔 " + t("We will tell you when it is back."))
        rows.append([button("🔕 " + t("Don't tell me"), UnwatchItem(product.id))])
    elif product.sellable_stock <= 0:
        rows.append([button("🔔 " + t("Tell me when it's back"), WatchItem(product.id))])
    elif room < product.step and limited:
        lines.append(esc(t.refusal(over_the_limit(product, most))))
    elif room < product.step:
        lines.append(t("All we have of it is in your cart."))
    else:
        picked = min(picked, room - room % product.step)
        more = picked + product.step
        # At the smallest amount, ➖ would redraw the same card, and past what the shop has
        # ➕ would offer what cannot be sold: each says so instead.
        less = (
            button("➖", ItemCard(product.id, picked - product.step))
            if picked > product.step
            else button("➖", AtSmallestAmount(product.id))
        )
        plus = (
            button("➕", ItemCard(product.id, more))
            if more <= room
            else button("➕", AtOrderLimit(product.id) if limited else AtLargestAmount(product.id))
        )
        rows.append(
            [
                less,
                button(t.quantity(picked, product.unit.value), AmountLabel(product.id)),
                plus,
            ]
        )
        if quick := quick_amounts(product, room):
            rows.append(
                [
                    button(
                        ("✓ " if amount == picked else "") + t.quantity(amount, product.unit.value),
                        ItemCard(product.id, amount),
                    )
                    for amount in quick
                ]
            )
        if product.unit in QUICK_AMOUNTS:  # sold by weight, volume or length: say it can be typed
            example = t.quantity(typed_example(product, quick), product.unit.value)
            lines.append("\n✍️ " + t("Or type how much you want, e.g. {example}", example=example))
        rows.append(
            [
                button(
                    t(
                        "Add {amount} to cart · {price}",
                        amount=t.quantity(picked, product.unit.value),
                        price=t.money(line_total(product.price_now_minor, picked), store.currency),
                    ),
                    AddToCart(product.id, picked),
                )
            ]
        )
    rows.append(
        [
            favourite_button(t, product.id, favourite),
            button("« " + product.category[:30], CategoryPage(category_key(product.category), 0)),
            cart_button(t),
        ]
    )
    return "\n".join(lines), Keyboard(rows)


def favourite_button(t: Texts, product_id: int, favourite: bool) -> InlineKeyboardButton:
    """⭐ on a card: it shows whether the item is a favourite, and sets the other way."""
    if favourite:
        return button("⭐ " + t("Favourite"), FavouriteItem(product_id, Star.OFF))
    return button("☆ " + t("Favourite"), FavouriteItem(product_id, Star.ON))


# Amounts a customer picks in one tap on a card sold by weight, volume or length (1.5 kg would
# otherwise be five ➕ from 0.25 kg); those that are whole steps and on hand are offered.
QUICK_AMOUNTS = {
    Unit.KILOGRAM: (Decimal("0.5"), Decimal(1), Decimal("1.5"), Decimal(2)),
    Unit.LITRE: (Decimal("0.5"), Decimal(1), Decimal("1.5"), Decimal(2)),
    Unit.METRE: (Decimal("0.5"), Decimal(1), Decimal(2), Decimal(5)),
    Unit.GRAM: (Decimal(100), Decimal(250), Decimal(500), Decimal(1000)),
    Unit.MILLILITRE: (Decimal(250), Decimal(500), Decimal(1000)),
}


def quick_amounts(product: Product, room: Decimal) -> list[Decimal]:
    """The one-tap amounts for this card (none for pieces and packs: ➕ counts them)."""
    offered = [
        amount
        for amount in QUICK_AMOUNTS.get(product.unit, ())
        if product.step <= amount <= room and is_multiple_of(amount, product.step)
    ]
    return offered if len(offered) > 1 else []


def typed_example(product: Product, quick: list[Decimal]) -> Decimal:
    """An amount to show as an example of what to type: a one-tap one past the first, else
    three steps."""
    return quick[2] if len(quick) > 2 else product.step * 3


def cart_screen(t: Texts, cart: CartView, store: Store, notice: str = "") -> tuple[str, Keyboard]:
    head = f"{esc(notice)}\n\n" if notice else ""
    if cart.is_empty:
        return (
            head + "🧺 " + t("Your cart is empty."),
            Keyboard([[catalogue_button(t), *home_row(t)]]),
        )
    lines = [head + "<b>" + t("Your cart") + "</b>"]
    rows = []
    for item in cart.items:
        p = item.product
        assert p.id is not None
        qty = t.quantity(item.quantity, p.unit.value)
        price, total = listed_price(t, p, store), t.money(item.total_minor, store.currency)
        lines.append(f"• {esc(p.name)} — {qty} × {price} = {total}")
        rows.append(
            [
                button("➖", CartLine(LineChange.LESS, p.id)),
                button(f"{p.name[:24]} · {qty}", ItemCard(p.id)),
                button("➕", CartLine(LineChange.MORE, p.id)),
                button("🗑", CartLine(LineChange.REMOVE, p.id)),
            ]
        )
    total = t.money(cart.total_minor, store.currency)
    lines.append("\n<b>" + t("Total: {total}", total=total) + "</b>")
    rows.append(
        [button(t("Empty cart"), EmptyCart()), button("✅ " + t("Checkout"), StartCheckout())]
    )
    rows.append([catalogue_button(t), *home_row(t)])
    return "\n".join(lines), Keyboard(rows)


def slot_label(t: Texts, slot: datetime, store: Store) -> str:
    return t.moment(slot.astimezone(store.timezone))


def window_label(t: Texts, window: tuple[datetime, datetime], store: Store) -> str:
    """A delivery window: "Tue 24 Nov, 10:00–11:00"."""
    start, end = (moment.astimezone(store.timezone) for moment in window)
    return f"{t.moment(start)}–{end:%H:%M}"


def _cancel_row(t: Texts) -> list[InlineKeyboardButton]:
    return [button("✖ " + t(LEAVE_CHECKOUT), LeaveCheckout())]


def checkout_prompt(
    t: Texts, view: CheckoutView, store: Store, pickup: PickupChoice | None = None
) -> tuple[str, Keyboard | None]:
    """The question for the step the checkout is at (phone uses a reply keyboard apart)."""
    step = view.draft.step
    if step is CheckoutStep.FULFILMENT:
        rules = store.deliveries
        fees = rules.fees_for(view.cart.total_minor)
        fee = min(fees)
        delivery = "🚚 " + (
            t("Delivery (from +{fee})", fee=t.money(fee, store.currency))
            if fee and len(fees) > 1
            else t("Delivery (+{fee})", fee=t.money(fee, store.currency))
            if fee
            # Free for this basket where the store charges a fee for smaller ones.
            else t("Delivery (free)")
            if max(fees) == 0 and rules.lowest_fee_minor
            else t("Delivery")
        )
        return (
            t("<b>Checkout</b>\nHow would you like to get your order?"),
            Keyboard(
                [
                    [
                        button("🏪 " + t("Pickup"), CheckoutChoice(step, Choice.PICKUP)),
                        button(delivery, CheckoutChoice(step, Choice.DELIVERY)),
                    ],
                    _cancel_row(t),
                ]
            ),
        )
    if step is CheckoutStep.SLOT:
        return slot_question(t, pickup, store)
    if step is CheckoutStep.ADDRESS:
        rows = [_cancel_row(t)]
        if view.saved_address:
            saved = button(
                f"🏠 {clip(view.saved_address, 40)}", CheckoutChoice(step, Choice.SAVED_ADDRESS)
            )
            rows.insert(0, [saved])
        question = (
            t(
                "Please type the delivery address (street and number, town), or tap the one "
                "you used last time."
            )
            if view.saved_address
            else t("Please type the delivery address (street and number, town).")
        )
        if store.deliveries.zones:
            question += "\n" + t(
                "We deliver to these postcodes: {areas}. Please include yours.",
                areas=esc(store.deliveries.areas),
            )
        return question, Keyboard(rows)
    if step is CheckoutStep.PHONE:
        return (
            t(
                "Please share your phone number with the button below, or type it, so the "
                "store can reach you about this order."
            ),
            None,
        )
    if step is CheckoutStep.NOTE:
        return (
            t(
                "Anything the store should know (a doorbell, a substitution)? Type a note, "
                "or tap Skip."
            ),
            Keyboard([[button(t("Skip"), CheckoutChoice(step, Choice.SKIP_NOTE))], _cancel_row(t)]),
        )
    if step is CheckoutStep.PROMO:
        return (
            "🎟 " + t("Please type your promo code."),
            Keyboard(
                [
                    [button("« " + t("No code"), CheckoutChoice(step, Choice.NO_PROMO))],
                    _cancel_row(t),
                ]
            ),
        )
    promo = []  # a shop that gives out no code shows no field for one
    if view.promo is not None:
        promo = [button("✖ " + t("Remove promo code"), CheckoutChoice(step, Choice.NO_PROMO))]
    elif view.promo_offered:
        promo = [button("🎟 " + t("Promo code"), CheckoutChoice(step, Choice.PROMO))]
    return checkout_summary(t, view, store), Keyboard(
        [
            *confirm_rows(t, view, store),
            *([promo] if promo else []),
            [
                button("✏️ " + t("Change details"), CheckoutChoice(step, Choice.CHANGE_DETAILS)),
                button("🧺 " + t("Edit cart"), Menu(Screen.CART)),
            ],
            _cancel_row(t),
        ]
    )


@dataclass(frozen=True, slots=True)
class PickupChoice:
    """The days with pickup times left, the day shown, and its times; and whether delivery
    is there to choose instead when none is left (no window left either: it is not)."""

    days: list[date]
    day: date | None
    slots: list[datetime]
    delivery_open: bool = True


MAX_SLOTS_SHOWN = 40
# Neither way has a time left in the days offered (the shop closed for a holiday, say): the
# customer is not sent from one to the other and back.
NO_TIMES_AT_ALL = said(
    "Sorry, there are no pickup or delivery times in the coming days, so no order can be "
    "placed now. Your cart is kept: please try again later."
)
SLOTS_PER_ROW = 4


def slot_question(t: Texts, pickup: PickupChoice | None, store: Store) -> tuple[str, Keyboard]:
    """One day's times as buttons, and the other days with times left to switch to."""
    step = CheckoutStep.SLOT
    if pickup is not None and not pickup.delivery_open and not pickup.slots:
        return t(NO_TIMES_AT_ALL), Keyboard([_cancel_row(t)])
    if pickup is None or pickup.day is None or not pickup.slots:
        return (
            t(
                "Sorry, there are no pickup times in the coming days. You can choose delivery "
                "instead."
            ),
            Keyboard(
                [
                    [button("🚚 " + t("Delivery"), CheckoutChoice(step, Choice.DELIVERY))],
                    _cancel_row(t),
                ]
            ),
        )
    times = [
        button(
            slot.astimezone(store.timezone).strftime("%H:%M"),
            PickupTime(int(slot.timestamp()) // 60),
        )
        for slot in pickup.slots[:MAX_SLOTS_SHOWN]
    ]
    rows = [times[i : i + SLOTS_PER_ROW] for i in range(0, len(times), SLOTS_PER_ROW)]
    other_days = [
        button("📅 " + t.day(day), PickupDay(day.toordinal() - EPOCH_ORDINAL))
        for day in pickup.days
        if day != pickup.day
    ]
    rows += [other_days[i : i + 4] for i in range(0, len(other_days), 4)]
    day = t.day(pickup.day, long=True)
    text = (
        t(
            "When would you like to pick it up? Times on <b>{day}</b> (or choose another day "
            "below):",
            day=day,
        )
        if other_days
        else t("When would you like to pick it up? Times on <b>{day}</b>:", day=day)
    )
    return text, Keyboard([*rows, _cancel_row(t)])


EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def confirm_rows(t: Texts, view: CheckoutView, store: Store) -> list[list[InlineKeyboardButton]]:
    """One Confirm button per way of paying the store takes: the choice is explicit."""
    total = t.money(view.total_minor, store.currency)
    rows = []
    for method in store.payments.methods:
        if method is PaymentMethod.ONLINE:
            label = "💳 " + t("Confirm and pay {total} now", total=total)
        elif view.draft.kind is FulfilmentKind.DELIVERY:
            label = "✅ " + t("Confirm, pay on delivery")
        else:
            label = "✅ " + t("Confirm, pay at pickup")
        rows.append([button(label, ConfirmOrder(method))])
    return rows


def _line(t: Texts, name: str, quantity: Decimal, unit: str, total: str) -> str:
    return f"• {esc(name)} — {t.quantity(quantity, unit)} = {total}"


def checkout_summary(t: Texts, view: CheckoutView, store: Store) -> str:
    lines = ["<b>" + t("Please check your order") + "</b>"]
    for item in view.cart.items:
        total = t.money(item.total_minor, store.currency)
        lines.append(_line(t, item.product.name, item.quantity, item.product.unit.value, total))
    draft = view.draft
    if draft.kind is not None:  # always, once the summary is shown
        lines.append(
            fulfilment_line(
                t, draft.fulfilment(view.delivery_fee_minor, store.delivery_window), store
            )
        )
    lines.append(f"📞 {esc(show_phone(draft.phone or '', store.country))}")
    if draft.note:
        lines.append(f"📝 {esc(draft.note)}")
    if view.promo is not None:
        lines.append(promo_line(t, view.promo.code, view.discount_minor, store))
    total = t.money(view.total_minor, store.currency)
    lines.append("\n<b>" + t("Total: {total}", total=total) + "</b>")
    return "\n".join(lines)


def chosen_line(t: Texts, draft: CheckoutDraft, store: Store) -> str:
    """What a pressed checkout question now says: the answer given (its buttons are gone)."""
    if draft.kind is FulfilmentKind.DELIVERY:
        chosen = "✅ " + t("Delivery to {address}", address=esc(draft.address or ""))
        if draft.delivery_from is not None and store.delivery_window:
            window = (draft.delivery_from, draft.delivery_from + store.delivery_window)
            chosen += "\n✅ " + t("Delivery time: {window}", window=window_label(t, window, store))
        return chosen
    if draft.pickup_slot is not None:
        return "✅ " + t("Pickup: {when}", when=slot_label(t, draft.pickup_slot, store))
    return "✅ " + t("Pickup")


def fulfilment_line(t: Texts, fulfilment: Fulfilment, store: Store) -> str:
    """How the customer gets the order, as the customer reads it."""
    if fulfilment.kind is FulfilmentKind.DELIVERY:
        address = esc(fulfilment.address or "")
        if fulfilment.delivery_fee_minor:
            fee = t.money(fulfilment.delivery_fee_minor, store.currency)
            line = "🚚 " + t("Delivery to {address}", address=address) + f": {fee}"
        else:
            line = "🚚 " + t("Delivery to {address}: free", address=address)
        if fulfilment.window is not None:
            when = window_label(t, fulfilment.window, store)
            line += "\n🕐 " + t("Delivery time: {window}", window=when)
        return line
    assert fulfilment.pickup_slot is not None
    return "🏪 " + t("Pickup: {when}", when=slot_label(t, fulfilment.pickup_slot, store))


STATUS_LINES = {
    OrderStatus.PLACED: ("🕐", said("Placed: the store will confirm it shortly.")),
    OrderStatus.ACCEPTED: ("👍", said("Accepted: the store is preparing it.")),
    OrderStatus.READY: ("🛍", said("Ready for pickup.")),
    OrderStatus.OUT_FOR_DELIVERY: ("🚚", said("Out for delivery.")),
    OrderStatus.COMPLETED: ("✅", said("Completed. Thank you!")),
    OrderStatus.CANCELLED: ("❌", said("Cancelled.")),
}


# A status change as one sentence about the order ("📦 Order X was accepted: ...").
STATUS_NEWS = {
    OrderStatus.PLACED: said("Order {code} is placed: the store will confirm it shortly."),
    OrderStatus.ACCEPTED: said("Order {code} was accepted: the store is preparing it."),
    OrderStatus.READY: said("Order {code} is ready for pickup."),
    OrderStatus.OUT_FOR_DELIVERY: said("Order {code} is out for delivery."),
    OrderStatus.COMPLETED: said("Order {code} is completed. Thank you!"),
    OrderStatus.CANCELLED: said("Order {code} was cancelled."),
}


def promo_line(t: Texts, code: str, discount_minor: int, store: Store) -> str:
    """ "🎟 Promo code SPRING-10: −2.00 EUR", on the summary, the order and the staff card."""
    off = "−" + t.money(discount_minor, store.currency)
    return "🎟 " + t("Promo code {code}: {discount}", code=esc(code), discount=off)


def order_text(t: Texts, order: Order, store: Store, *, heading: str = "", status: str = "") -> str:
    """`status`: the status line, when the caller knows better (a new order: when the shop
    will see it)."""
    lines = [
        heading or "<b>" + t("Order {code}", code=order.code) + "</b>",
        t("Placed {when}", when=slot_label(t, order.placed_at, store)),
    ]
    for line in order.lines:
        total = t.money(line.line_total_minor, store.currency)
        lines.append(_line(t, line.name, line.quantity, line.unit, total))
    lines.append(fulfilment_line(t, order.fulfilment, store))
    if order.note:
        lines.append(f"📝 {esc(order.note)}")
    if order.promo is not None:
        lines.append(promo_line(t, order.promo.code, order.discount_minor, store))
    total = t.money(order.total_minor, store.currency)
    lines.append("<b>" + t("Total: {total}", total=total) + "</b>")
    lines.append(payment_line(t, order, store))
    mark, words = STATUS_LINES[order.status]
    lines.append("\n" + (status or f"{mark} {t(words)}"))
    if order.pickup_code and order.status is OrderStatus.READY:
        lines.append(pickup_code_line(t, order.pickup_code))
    elif order.pickup_code and order.status is OrderStatus.OUT_FOR_DELIVERY:
        lines.append(delivery_code_line(t, order.pickup_code))
    last = order.history[-1] if order.history else None
    if order.status is OrderStatus.CANCELLED and last and last.reason:
        lines.append(t("Reason: {reason}", reason=reason_text(t, last.reason)))
    return "\n".join(lines)


def reason_text(t: Texts, kept: str) -> str:
    """A kept cancellation reason, escaped: the store's own in the reader's language, a staff
    member's as typed."""
    return esc(str(t.shown(reason_shown(kept))))


def delivery_code_line(t: Texts, code: str) -> str:
    return "🔑 " + t(
        "Delivery code: <b>{code}</b>. Please give it to the courier when your order arrives.",
        code=esc(code),
    )


def pickup_code_line(t: Texts, code: str) -> str:
    return "🔑 " + t(
        "Pickup code: <b>{code}</b> (show it, or its QR code, to the staff)", code=esc(code)
    )


def order_screen(
    t: Texts, order: Order, store: Store, *, heading: str = "", status: str = ""
) -> tuple[str, Keyboard]:
    rows = []
    if order.payment.awaits_payment and order.status is OrderStatus.PLACED:
        total = t.money(order.total_minor, store.currency)
        pay = "💳 " + t("Pay {total}", total=total)
        rows.append([button(pay, MyOrder(OrderAction.PAY, order.code))])
    if order.status is OrderStatus.PLACED:
        cancel = "❌ " + t(CANCEL_ORDER)
        rows.append([button(cancel, MyOrder(OrderAction.CANCEL, order.code))])
    rows.append([button("🔁 " + t("Reorder"), MyOrder(OrderAction.REORDER, order.code))])
    rows.append([button("« " + t("My orders"), Menu(Screen.ORDERS)), *home_row(t)])
    return order_text(t, order, store, heading=heading, status=status), Keyboard(rows)


def cancel_question(t: Texts, order: Order, store: Store) -> tuple[str, Keyboard]:
    """One tap does not cancel: the order's card asks first."""
    question = "\n\n" + t(
        "<b>Cancel order {code}?</b> The store will not prepare it.", code=esc(order.code)
    )
    if order.payment.is_paid:
        paid = t.money(order.total_minor, store.currency)
        question += " " + t("You paid online: {amount} will be refunded.", amount=paid)
    rows = [
        [
            button("✔ " + t("Yes, cancel it"), MyOrder(OrderAction.CANCEL_CONFIRMED, order.code)),
            button("✖ " + t("Keep it"), MyOrder(OrderAction.VIEW, order.code)),
        ]
    ]
    return order_text(t, order, store) + question, Keyboard(rows)


def orders_screen(
    t: Texts, orders: list[Order], store: Store, offset: int, has_more: bool
) -> tuple[str, Keyboard]:
    if not orders and offset == 0:
        return t("You have no orders yet."), Keyboard([[catalogue_button(t), *home_row(t)]])
    rows = [
        [
            button(
                f"{o.code} · {t.short_date(o.placed_at.astimezone(store.timezone))} · "
                f"{t.money(o.total_minor, store.currency)} · {t.shown(o.status)}",
                MyOrder(OrderAction.VIEW, o.code),
            )
        ]
        for o in orders
    ]
    nav = []
    if offset:
        nav.append(button("‹ " + t("Newer"), MyOrdersPage(max(offset - PAGE_SIZE, 0))))
    if has_more:
        nav.append(button(t("Older") + " ›", MyOrdersPage(offset + PAGE_SIZE)))
    if nav:
        rows.append(nav)
    rows.append(home_row(t))
    return t("<b>My orders</b>\nTap one to see it."), Keyboard(rows)
