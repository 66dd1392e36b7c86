"""Every kind of button the bot shows: what it carries, packed and read by the same class."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from bot.domain.checkout import CheckoutStep
from bot.domain.news import Audience
from bot.domain.orders import OrderStatus
from bot.domain.payments import MoneyTaken, PaymentMethod
from bot.domain.services.item_prompts import ItemStep
from bot.handlers.buttons import ButtonData

# ----------------------------------------------------------------------------- customers


class Screen(StrEnum):
    HOME = "home"
    CATALOGUE = "cat"
    SEARCH = "search"
    CART = "cart"
    ORDERS = "orders"
    HELP = "help"
    FAVOURITES = "fav"
    BUY_AGAIN = "again"


@dataclass(frozen=True)
class Menu(ButtonData):
    PREFIX = "menu"
    screen: Screen


@dataclass(frozen=True)
class CategoryPage(ButtonData):
    PREFIX = "cat"
    key: str  # a digest of the category's name: names can be long
    offset: int


@dataclass(frozen=True)
class ItemCard(ButtonData):
    """An item's card, with the amount picked so far (➖/➕ come back here)."""

    PREFIX = "p"
    product_id: int
    amount: Decimal | None = None

    def makes_sense(self) -> bool:
        return self.amount is None or self.amount > 0


@dataclass(frozen=True)
class AtSmallestAmount(ButtonData):
    PREFIX = "min"
    product_id: int


@dataclass(frozen=True)
class AtLargestAmount(ButtonData):
    """➕ when one more step would be more than the shop has."""

    PREFIX = "max"
    product_id: int


@dataclass(frozen=True)
class AtOrderLimit(ButtonData):
    """➕ when one more step would be more than one order may hold."""

    PREFIX = "most"
    product_id: int


@dataclass(frozen=True)
class WatchItem(ButtonData):
    """“Tell me when it's back” on a sold-out item."""

    PREFIX = "w"
    product_id: int


@dataclass(frozen=True)
class UnwatchItem(ButtonData):
    """“Don't tell me” on a sold-out item's card, once “Tell me when it's back” was pressed."""

    PREFIX = "uw"
    product_id: int


class Star(StrEnum):
    """What a ⭐ button does, as drawn: make the item a favourite, or no longer one."""

    ON = "on"
    OFF = "off"


@dataclass(frozen=True)
class FavouriteItem(ButtonData):
    """⭐ on an item's card. It carries what it sets, not "the other way round": a double tap,
    or one press taken by two workers, sets the same once."""

    PREFIX = "fav"
    product_id: int
    star: Star


@dataclass(frozen=True)
class FavouritesPage(ButtonData):
    PREFIX = "favs"
    offset: int


@dataclass(frozen=True)
class DropFavourite(ButtonData):
    """Off the favourites list, from the list (an item no longer sold has no card to do it
    on); it redraws the page it was pressed on."""

    PREFIX = "favx"
    product_id: int
    offset: int


@dataclass(frozen=True)
class BuyAgainItem(ButtonData):
    """🔁 Buy again: this much of an item into the cart (the amount the latest order held)."""

    PREFIX = "again"
    product_id: int
    amount: Decimal

    def makes_sense(self) -> bool:
        return self.amount > 0


@dataclass(frozen=True)
class AmountLabel(ButtonData):
    PREFIX = "qty"
    product_id: int


@dataclass(frozen=True)
class AddToCart(ButtonData):
    PREFIX = "add"
    product_id: int
    amount: Decimal

    def makes_sense(self) -> bool:
        return self.amount > 0


class LineChange(StrEnum):
    MORE = "+"
    LESS = "-"
    REMOVE = "x"


@dataclass(frozen=True)
class CartLine(ButtonData):
    PREFIX = "cl"
    change: LineChange
    product_id: int


@dataclass(frozen=True)
class EmptyCart(ButtonData):
    PREFIX = "ce"


@dataclass(frozen=True)
class SearchPage(ButtonData):
    PREFIX = "srch"
    offset: int
    query: str


@dataclass(frozen=True)
class MyOrdersPage(ButtonData):
    PREFIX = "ords"
    offset: int


class OrderAction(StrEnum):
    VIEW = "v"
    CANCEL = "x"  # asks first (an old card's button too)
    CANCEL_CONFIRMED = "xy"
    REORDER = "r"
    PAY = "p"  # send the invoice again


@dataclass(frozen=True)
class MyOrder(ButtonData):
    PREFIX = "ord"
    action: OrderAction
    code: str


# ----------------------------------------------------------------------------- checkout


@dataclass(frozen=True)
class StartCheckout(ButtonData):
    PREFIX = "co"


@dataclass(frozen=True)
class LeaveCheckout(ButtonData):
    PREFIX = "cox"


class Choice(StrEnum):
    PICKUP = "pickup"
    DELIVERY = "delivery"
    SKIP_NOTE = "skip"
    CHANGE_DETAILS = "restart"
    SAVED_ADDRESS = "saved"
    PROMO = "promo"  # the summary's "Promo code"
    NO_PROMO = "nopromo"  # no promo code: back to the summary, or the one given taken off


@dataclass(frozen=True)
class CheckoutChoice(ButtonData):
    """A choice offered at one step: pressed at any other step, it is refused."""

    PREFIX = "coc"
    step: CheckoutStep
    choice: Choice


@dataclass(frozen=True)
class PickupTime(ButtonData):
    PREFIX = "cos"
    minutes: int  # since the epoch, UTC


@dataclass(frozen=True)
class ConfirmOrder(ButtonData):
    PREFIX = "cof"
    pay: PaymentMethod


@dataclass(frozen=True)
class PickupDay(ButtonData):
    """The day whose pickup times to show."""

    PREFIX = "cod"
    day: int  # days since 1970-01-01, the store's local date


@dataclass(frozen=True)
class DeliveryTime(ButtonData):
    """A delivery time window, by its start."""

    PREFIX = "cow"
    minutes: int  # since the epoch, UTC


@dataclass(frozen=True)
class DeliveryDay(ButtonData):
    """The day whose delivery windows to show."""

    PREFIX = "cwd"
    day: int  # days since 1970-01-01, the store's local date


# ----------------------------------------------------------------------------- staff


@dataclass(frozen=True)
class StockPage(ButtonData):
    PREFIX = "st"
    offset: int
    text: str


@dataclass(frozen=True)
class RestockAs(ButtonData):
    """/restock with a SKU that does not exist: the same delivery for a close item. It holds
    the level shown, so a double tap restocks once."""

    PREFIX = "rsa"
    quantity: Decimal
    seen: Decimal
    sku: str
    note: str = ""


@dataclass(frozen=True)
class MoveOrder(ButtonData):
    """Carries the status it was pressed on: two staff at once, the second is told."""

    PREFIX = "so"
    code: str
    seen: OrderStatus
    target: OrderStatus


@dataclass(frozen=True)
class TakeMoney(ButtonData):
    """At a hand-over, how the customer paid an order paid there: cash or card. Carries the
    pickup code; pressed twice, or by two clerks, the order is completed once."""

    PREFIX = "hm"
    code: str
    taken: MoneyTaken


@dataclass(frozen=True)
class AskDeliveryCode(ButtonData):
    """A courier at the door of a delivery that has a code: the bot asks them to type it."""

    PREFIX = "adc"
    code: str


@dataclass(frozen=True)
class DeliveredPaid(ButtonData):
    """A delivery paid at the door is completed with how it was paid (cash or card)."""

    PREFIX = "dm"
    code: str
    taken: MoneyTaken


@dataclass(frozen=True)
class OrderDetails(ButtonData):
    PREFIX = "sod"
    code: str


@dataclass(frozen=True)
class ReportItems(ButtonData):
    """A report's item sales as a spreadsheet, on request (a year is 100,000 lines)."""

    PREFIX = "rit"
    first: int  # the period's local days, as date ordinals
    last: int


@dataclass(frozen=True)
class MoreOrders(ButtonData):
    PREFIX = "sol"
    offset: int


class PickAction(StrEnum):
    WEIGH = "w"
    REPLACE = "r"
    MISSING = "m"


@dataclass(frozen=True)
class PickOrder(ButtonData):
    """An order's picking screen (bot.handlers.picking)."""

    PREFIX = "pk"
    code: str


@dataclass(frozen=True)
class PickLine(ButtonData):
    """A change to one line; carries the quantity and the item it was pressed on: two staff at
    once, or a screen from before a change, the second is told."""

    PREFIX = "pkl"
    code: str
    line_id: int
    seen: Decimal
    action: PickAction
    seen_item: int


@dataclass(frozen=True)
class ReplaceWith(ButtonData):
    PREFIX = "pkr"
    code: str
    line_id: int
    seen: Decimal
    product_id: int
    seen_item: int


@dataclass(frozen=True)
class TellPicked(ButtonData):
    """Tell the customer, in one message, what was picked otherwise."""

    PREFIX = "pkt"
    code: str


class ItemField(StrEnum):
    NAME = "name"
    CATEGORY = "category"
    PRICE = "price"
    UNIT = "unit"
    THRESHOLD = "threshold"
    DESCRIPTION = "description"
    PHOTO = "photo"


@dataclass(frozen=True)
class EditItemField(ButtonData):
    PREFIX = "ei"
    sku: str
    field: ItemField


@dataclass(frozen=True)
class ItemWord(ButtonData):
    """A one-tap answer to an /additem question (ok, skip, default, a unit): taken exactly as
    if typed, so a forged word meets the same checks."""

    PREFIX = "iw"
    step: ItemStep
    word: str


@dataclass(frozen=True)
class ItemCategory(ButtonData):
    """An /additem category, by its key (names can be longer than a button may carry)."""

    PREFIX = "ic"
    key: str


@dataclass(frozen=True)
class ChooseLanguage(ButtonData):
    """/language: a language code (the use case accepts only the shipped ones)."""

    PREFIX = "lang"
    language: str


# ----------------------------------------------------------------------------- managers


class Switch(StrEnum):
    ON = "on"
    OFF = "off"


@dataclass(frozen=True)
class SwitchAccount(ButtonData):
    PREFIX = "sa"
    staff_id: int
    to: Switch


@dataclass(frozen=True)
class ConfirmDeactivation(ButtonData):
    """The second tap of "Deactivate": `asked` (Unix seconds) is when it was asked."""

    PREFIX = "sac"
    staff_id: int
    asked: int


@dataclass(frozen=True)
class StaffList(ButtonData):
    """Back to the staff accounts ("Keep" on a confirmation)."""

    PREFIX = "sal"


# ----------------------------------------------------------------------------- talk to the shop


@dataclass(frozen=True)
class AskShop(ButtonData):
    PREFIX = "ask"


@dataclass(frozen=True)
class AnswerQuestion(ButtonData):
    PREFIX = "qa"
    question_id: int


# ----------------------------------------------------------------------------- what waits


@dataclass(frozen=True)
class WaitingOrders(ButtonData):
    """The login summary's orders waiting for the shop (a page of them)."""

    PREFIX = "wo"
    offset: int


@dataclass(frozen=True)
class OpenQuestions(ButtonData):
    """Unanswered questions, as /questions lists them (a page of them)."""

    PREFIX = "wq"
    offset: int


# ----------------------------------------------------------------------------- personal data


class Consent(StrEnum):
    YES = "y"
    NO = "n"


@dataclass(frozen=True)
class ForgetMe(ButtonData):
    """/forgetme's answer. It names whom it asked and when: pressed by anyone else, or long
    after, it erases nobody."""

    PREFIX = "fgt"
    user: int  # the Telegram user asked
    asked: int  # when, in seconds since the epoch
    answer: Consent


@dataclass(frozen=True)
class EndOffer(ButtonData):
    """“End now” beside an offer in /offers, for managers."""

    PREFIX = "eo"
    offer_id: int


@dataclass(frozen=True)
class EndPromoCode(ButtonData):
    """“End” beside a promo code in /promos, for managers."""

    PREFIX = "ep"
    promo_id: int


@dataclass(frozen=True)
class RateOrder(ButtonData):
    """One of five stars under "How was your order?"."""

    PREFIX = "rt"
    order_code: str
    stars: int


@dataclass(frozen=True)
class CommentOrder(ButtonData):
    """“Add a comment” once an order is rated."""

    PREFIX = "rc"
    order_code: str


# ----------------------------------------------------------------------------- news


@dataclass(frozen=True)
class ChooseNews(ButtonData):
    """ "Yes, send me news" / "No thanks": for whoever presses it, never for anyone else."""

    PREFIX = "news"
    to: Switch


@dataclass(frozen=True)
class Unsubscribe(ButtonData):
    """Under every news message: news off for whoever presses it (announcement 0: a cart
    reminder, which counts for no announcement)."""

    PREFIX = "unsub"
    announcement_id: int


@dataclass(frozen=True)
class AnnounceAudience(ButtonData):
    """Who an announcement is for; buyers of a category carry its key (none yet: the
    categories are listed). Any other audience ignores a key."""

    PREFIX = "ana"
    audience: Audience
    key: str = ""


@dataclass(frozen=True)
class AnnounceNoPhoto(ButtonData):
    PREFIX = "anp"


@dataclass(frozen=True)
class SendAnnouncement(ButtonData):
    PREFIX = "ans"
    announcement_id: int

    def makes_sense(self) -> bool:
        return self.announcement_id > 0


@dataclass(frozen=True)
class DropAnnouncement(ButtonData):
    """ "Don't send" under a preview: the draft stays unsent (and is cleared away later)."""

    PREFIX = "anx"
    announcement_id: int
