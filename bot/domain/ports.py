"""What the domain needs from storage. Persistence implements these; tests fake them."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from types import TracebackType
from typing import Protocol, Self

from bot.domain.backoffice import WebLink, WebSession
from bot.domain.cart import CartLine
from bot.domain.catalogue import Product
from bot.domain.checkout import CheckoutDraft
from bot.domain.customers import Customer
from bot.domain.news import (
    Announcement,
    AnnouncementCounts,
    Audience,
    IdleCart,
    NewsChoice,
    Outcome,
    Recipient,
)
from bot.domain.notifications import Notification
from bot.domain.offers import Offer
from bot.domain.orders import Order, OrderLine, OrderStatus, StatusChange
from bot.domain.payments import MoneyTaken, PaymentReceipt, Takings
from bot.domain.personal_data import Favourite, SeenCard, Watched
from bot.domain.promo_codes import PromoCode
from bot.domain.prompts import LoginThrottle, Prompt
from bot.domain.questions import Question
from bot.domain.ratings import RatedComment, Rating, RatingsSummary
from bot.domain.search import SearchQuery
from bot.domain.staff import Invite, StaffAccount
from bot.domain.stock import LedgerEntry
from bot.domain.store_details import StoreDetails
from bot.domain.vat import VatAtRate
from bot.domain.waiting import Unseen, Waiting, WaitingKind


@dataclass(frozen=True, slots=True)
class ProductSales:
    product_id: int
    sku: str
    name: str
    unit: str
    quantity: Decimal
    revenue_minor: int
    active: bool = True  # still on sale


@dataclass(frozen=True, slots=True)
class BestSellers:
    """A period's best sellers and how many items sold at all, ranked in the database."""

    by_quantity: list[ProductSales]  # most sold first; ties: more revenue, then lower id
    by_revenue: list[ProductSales]  # most revenue first; ties: more sold, then lower id
    items_sold: int  # items with a sale in the period
    items_sold_on_sale: int  # of those, the ones still on sale


@dataclass(frozen=True, slots=True)
class RangeSales:
    """How a period's completed orders sold the range, each item summed once."""

    items: int  # sold at all
    total_minor: int  # their revenue
    # Of the items in revenue order (most first), how many have less than each of the bounds
    # asked for (`range_sales`) earned before them.
    below: tuple[int, ...]
    best: list[ProductSales]  # most revenue first; ties: more sold, then lower id
    slowest: list[ProductSales]  # on sale and sold, least sold first; ties: by SKU
    short: list[tuple[int, Decimal]]  # (item id, sold) on sale, running out soonest first


@dataclass(frozen=True, slots=True)
class DayTotal:
    """A day's completed orders: how many, their goods, their delivery fees."""

    day: date
    orders: int
    revenue_minor: int  # goods only, summed from the order lines (as the item sales are)
    delivery_fees_minor: int = 0
    # The orders' totals (goods and fees) by how their money was taken.
    taken: Mapping[MoneyTaken | None, int] = field(default_factory=dict)

    def plus(self, other: DayTotal) -> DayTotal:
        """This day's figures with another part of the same day's."""
        return DayTotal(
            self.day,
            self.orders + other.orders,
            self.revenue_minor + other.revenue_minor,
            self.delivery_fees_minor + other.delivery_fees_minor,
            added_takings(self.taken, other.taken),
        )


def added_takings(
    one: Mapping[MoneyTaken | None, int], other: Mapping[MoneyTaken | None, int]
) -> dict[MoneyTaken | None, int]:
    """Money by how it was taken, the two added up."""
    return {way: one.get(way, 0) + other.get(way, 0) for way in {*one, *other}}


@dataclass(frozen=True, slots=True)
class UsualItem:
    """An item a customer ordered before, as they ordered it (before any change at picking):
    how many of their orders held it, and the latest of them."""

    product_id: int
    name: str  # as the latest order named it (the item may have been renamed or archived)
    orders: int
    last_quantity: Decimal
    last_at: datetime


@dataclass(frozen=True, slots=True)
class StaffSession:
    telegram_user_id: int
    staff_id: int
    started_at: datetime
    last_seen_at: datetime


class ProductRepository(Protocol):
    def add(self, product: Product) -> Product: ...
    def get(self, product_id: int) -> Product | None: ...
    def get_by_sku(self, sku: str) -> Product | None: ...
    def get_many(self, product_ids: Sequence[int]) -> dict[int, Product]: ...
    def replace_photo(self, product_id: int, old: str, new: str) -> bool:
        """The item's photo becomes `new` if it still is `old` (one conditional write)."""

    def update_details(self, product: Product) -> None:
        """Save everything but the stock level, which moves only through change_stock."""

    def change_stock(
        self, product_id: int, delta: Decimal, *, expected: Decimal | None = None
    ) -> Decimal | None:
        """Atomically add delta; None (and no change) if the level would go below zero or,
        with `expected`, is not that level."""

    def mark_low_alerted(self, product_id: int) -> bool:
        """Flag that its low-stock alert went out; False if it already had (once per crossing)."""

    def rearm_low_alert(self, product_id: int) -> None:
        """Stock is above the threshold again: the next crossing alerts anew."""

    def search(self, query: SearchQuery, *, limit: int, offset: int = 0) -> list[Product]:
        """Items matching every word of the query, best matches first."""

    def count_search(self, query: SearchQuery) -> int: ...
    def similar_terms(self, typed: set[str]) -> dict[str, set[str]]:
        """Indexed words sharing one of these variants, by variant (see domain.search)."""

    def by_skus(self, skus: Sequence[str], *, for_update: bool = False) -> dict[str, Product]: ...
    def add_many(self, products: Sequence[Product]) -> list[Product]: ...
    def update_many(self, products: Sequence[Product]) -> None:
        """Details only: stock moves by the ledger."""

    def prices_in(self, category: str, *, limit: int) -> list[tuple[int, str, str, int]]:
        """(id, SKU, name, price) of the first `limit` items of a category, archived ones
        too, in name order: what a price change by category shows and changes."""

    def reprice(self, changes: Sequence[tuple[int, int, int]]) -> int:
        """(item id, price seen, new price) each: set where the price is still the one seen,
        one conditional UPDATE each; how many were set."""

    def count_low(self, default_threshold: Decimal) -> int: ...
    def count_active(self) -> int: ...
    def low(self, default_threshold: Decimal, *, limit: int | None = None) -> list[Product]:
        """Active items at or below their threshold (the default where they have none)."""

    def categories(self) -> list[str]: ...
    def in_category(self, category: str, *, limit: int, offset: int = 0) -> list[Product]: ...
    def count_in_category(self, category: str) -> int: ...
    def all(self, *, include_archived: bool = True) -> list[Product]: ...
    def after(self, item: Product | None, *, limit: int) -> list[Product]:
        """Up to `limit` items, archived ones too, in the order of `all` (category, name, id),
        from just after `item` (None: from the first)."""


class CatalogueVersion(Protocol):
    """What customers' browse screens show (categories, a category's page, an item's card),
    versioned: each worker keeps the screens it has read until the version moves."""

    def current(self) -> int:
        """The version as committed now (read by every update's record: no round trip of
        its own)."""

    def changed(self) -> None:
        """This transaction changes what a browse screen shows: the version moves when it
        commits (once, however often this is called)."""


class LedgerRepository(Protocol):
    def add(self, entry: LedgerEntry) -> LedgerEntry: ...
    def add_many(self, entries: Sequence[LedgerEntry]) -> None: ...
    def recent(self, product_id: int, *, limit: int) -> list[LedgerEntry]: ...
    def since(
        self, at: datetime, *, limit: int, after: LedgerEntry | None = None
    ) -> list[tuple[LedgerEntry, str, str]]:
        """Every move from `at` on, oldest first (by time, then id), with its item's SKU and
        name; after a move read before (`after`), only the moves that follow it."""

    def balance(self, product_id: int) -> Decimal: ...


class CustomerRepository(Protocol):
    def add(self, customer: Customer) -> Customer: ...
    def get(self, customer_id: int) -> Customer | None: ...
    def get_by_telegram_id(
        self, telegram_user_id: int, *, for_update: bool = False
    ) -> Customer | None:
        """`for_update`: the row is locked until the transaction ends."""

    def update(self, customer: Customer) -> None: ...
    def lock(self, customer_id: int) -> None:
        """Hold this customer's row until the transaction ends: their cart changes queue."""


class CartRepository(Protocol):
    def lines(self, customer_id: int) -> list[CartLine]: ...
    def lines_with_items(self, customer_id: int) -> list[tuple[CartLine, Product]]:
        """The cart's lines in order, each with its item as it is now (one read); lines whose
        item is gone are left out."""

    def held(self, wanted: Collection[tuple[int, int]]) -> dict[tuple[int, int], Decimal]:
        """For each (person's Telegram id, item) asked for, how much of the item their cart
        holds (0: none, or no cart yet), in one read."""

    def put(self, customer_id: int, line: CartLine) -> None: ...
    def remove(self, customer_id: int, product_id: int) -> None: ...
    def clear(self, customer_id: int) -> None: ...
    def note_cards(self, shown: Mapping[int, int], at: datetime) -> None:
        """The item card each person (Telegram id: item) was just shown, all in one
        statement; the caller passes them in Telegram id order (one lock order)."""

    def card_shown(self, telegram_user_id: int, since: datetime) -> int | None:
        """The item of the card this person saw last, if they saw it since then."""


class OrderRepository(Protocol):
    def add(self, order: Order) -> Order: ...
    def promo_uses(self, promo_id: int, customer_id: int) -> int:
        """This customer's orders placed with the promo code and not cancelled."""

    def get(self, order_id: int) -> Order | None: ...
    def get_by_code(self, code: str, *, for_update: bool = False) -> Order | None: ...
    def get_by_pickup_code(self, code: str) -> Order | None: ...
    def code_exists(self, code: str) -> bool: ...
    def pickup_code_exists(self, code: str) -> bool: ...
    def set_pickup_code(self, order_id: int, code: str) -> None: ...
    def set_pay_by(self, order_id: int, at: datetime) -> None: ...
    def add_refund_due(self, order_id: int, amount_minor: int) -> None: ...
    def hold_for_picking(self, order_id: int, statuses: Sequence[OrderStatus]) -> bool:
        """Lock the order for a picking change while it is in one of `statuses` (marking the
        customer as still to be told); False if it moved on."""

    def change_line(self, order_id: int, seen: OrderLine, picked: OrderLine) -> bool:
        """Write a line as picked, only if it is still as `seen`; False if it is not."""

    def set_total(self, order_id: int, total_minor: int) -> None: ...
    def mark_told(self, order_id: int) -> bool:
        """The customer is told of the picking's changes; False if they were already."""

    def add_payment(self, order_id: int, receipt: PaymentReceipt, at: datetime) -> bool:
        """Record a payment once per charge id; False if this charge was recorded before."""

    def unpaid_past(self, at: datetime, *, limit: int) -> list[str]:
        """Codes of online orders not paid by their deadline, still placed."""

    def uncollected_before(self, before: datetime, *, limit: int) -> list[str]:
        """Codes of unpaid pay-at-pickup orders still waiting (placed, accepted or ready)
        for a pickup booked before `before`, earliest first."""

    def for_customer(
        self, customer_id: int, *, limit: int, offset: int = 0, cancelled: bool = True
    ) -> list[Order]:
        """Newest first; `cancelled=False` leaves cancelled orders out."""

    def usual_items(self, customer_id: int, *, limit: int) -> list[UsualItem]:
        """The items of this customer's orders not cancelled, as ordered: the most often
        ordered first, then the most recently; counted and ranked in the database."""

    def open_orders(self, *, limit: int, offset: int = 0) -> list[Order]: ...
    def count_open(self) -> int:
        """Orders neither completed nor cancelled."""

    def last_address(self, customer_id: int) -> str | None:
        """Where this customer's latest delivery went."""

    def count_waiting(self, customer_id: int) -> int:
        """This customer's orders still waiting for the store to accept them."""

    def change_status(self, order_id: int, expected: OrderStatus, change: StatusChange) -> bool:
        """Move from expected to change.status; False if the order is no longer in expected."""

    def record_money_taken(self, order_id: int, taken: Takings) -> None:
        """How a completed order's money was taken (called by whoever completed it)."""

    def sales_by_product(
        self,
        start: datetime,
        end: datetime,
        *,
        product_ids: Sequence[int] | None = None,
        completed: bool = False,
    ) -> list[ProductSales]:
        """Per item sold in [start, end): in orders placed then and not cancelled, or with
        `completed`, in orders completed then (revenue)."""
        ...

    def best_sellers(
        self, start: datetime, end: datetime, *, top: int, completed: bool = False
    ) -> BestSellers:
        """The `top` items by quantity and by revenue sold in [start, end), cancelled orders
        left out (`completed`: completed orders only): summed and ranked in the database,
        only the winners named."""
        ...

    def unsold_names(
        self, start: datetime, end: datetime, *, limit: int, completed: bool = False
    ) -> list[str]:
        """The first `limit` names, by name, of items on sale with no sale in [start, end)."""
        ...

    def unsold(
        self, start: datetime, end: datetime, *, completed: bool = False
    ) -> list[ProductSales]:
        """Every item on sale with no sale in [start, end), by name (quantity and revenue 0)."""
        ...

    def count_completed(self, order_id: int) -> bool:
        """Add a completed order, its money as recorded, to the running totals the days and
        hours are read from (`day_totals`, `completed_by_hour_of_week`), once: False if it
        was counted already."""

    def uncounted_completed(self, limit: int) -> list[tuple[int, datetime]]:
        """Completed orders not in the running totals (id, when completed), earliest first:
        none but those a worker of an older release completed during an upgrade."""

    def first_completed(self) -> datetime | None:
        """About when the first order was completed (None: none was)."""

    def hold_summed_days(self, zone: str) -> date | None:
        """The time zone's days summed once (`sum_days`), locked until the transaction ends:
        through which day."""

    def days_summed_through(self, zone: str) -> date | None:
        """Through which day the time zone's days are summed once (None: none)."""

    def sum_days(
        self, zone: str, stretches: Sequence[tuple[datetime, datetime, int]], through: date
    ) -> None:
        """The local days of these stretches (each at one UTC offset), which are over, summed
        once as `day_totals` sums them; the zone then summed through `through`."""

    def summed_day_totals(self, zone: str, first: date, last: date) -> list[DayTotal]:
        """`day_totals` of the days [first, last] summed once, in that time zone."""

    def day_totals(self, start: datetime, end: datetime, utc_offset_minutes: int) -> list[DayTotal]:
        """Completed orders, goods, delivery fees and money by way taken per local day of
        completion in [start, end), the local day being the UTC instant moved by the offset
        (the caller keeps the offset constant)."""

    def range_sales(
        self,
        start: datetime,
        end: datetime,
        *,
        top: int,
        within: int,
        short: int,
        bounds: Callable[[int], tuple[int, ...]],
    ) -> RangeSales:
        """Orders completed in [start, end), summed per item once: how many items have less
        than each of `bounds(total revenue)` earned before them in revenue order, the `top`
        best and slowest sellers, and up to `short` items on sale whose stock lasts fewer
        than `within` days at their pace, soonest out first."""

    def least_sold(
        self, start: datetime, end: datetime, *, limit: int | None
    ) -> list[ProductSales]:
        """Items on sale that sold in orders completed in [start, end), least sold first (the
        first `limit`, or every one)."""

    def completed_by_hour_of_week(
        self, start: datetime, end: datetime, utc_offset_minutes: int
    ) -> list[tuple[int, int, int, int]]:
        """(weekday, 0 Monday .. 6; hour; orders completed; their goods) for each hour of the
        week with any, in local time at this UTC offset (+5:30 and +5:45 too), over a stretch
        [start, end) that keeps one offset: grouped in SQL, at most 168 rows."""

    def customers_in(self, start: datetime, end: datetime) -> tuple[int, int]:
        """(new, returning): customers with a completed order in [start, end), whose first
        completed order is in it, or was before it."""

    def bought_together(
        self, start: datetime, end: datetime, *, top: int
    ) -> list[tuple[str, str, str, str, int]]:
        """The `top` pairs of items most often in one order completed in [start, end):
        (SKU, name, SKU, name, orders), most first."""

    def record_vat(self, order_id: int, at: datetime, vat: Sequence[VatAtRate]) -> None:
        """The VAT per rate a completed order's receipt states, kept as issued (by whoever
        completed it, at `at`)."""

    def issued_vat(self, order_id: int) -> list[VatAtRate]:
        """The VAT per rate kept for a completed order, lowest rate first; [] if none was."""

    def completed_vat(self, start: datetime, end: datetime) -> list[VatAtRate]:
        """The VAT per rate of the orders completed in [start, end), as their receipts
        stated it (each order's VAT as kept, added up per rate)."""


class SalesWindowRepository(Protocol):
    """Running sums of the orders completed since a window's start, per item and per pair of
    items, for the analytics' "last N days" (bot.domain.services.sales_windows): added to as
    each order completes, moved on each local midnight."""

    def start_of(self, days: int) -> datetime | None:
        """Since when the window sums (None: not built yet: not to be read)."""

    def hold(self, days: int) -> datetime | None:
        """The window locked until the transaction ends, made unbuilt if missing; its start."""

    def count_completed(self, order_id: int, at: datetime) -> None:
        """A just-completed order's lines added to every built window it falls in."""

    def move(self, days: int, start: datetime, to: datetime) -> None:
        """The held window from `start` to `to`: the orders completed between taken off (or,
        moved back, added)."""

    def rebuild(self, days: int, start: datetime) -> None:
        """The held window summed again from the orders completed since `start`."""

    def forget(self) -> None:
        """Every window unbuilt (orders were written around the use cases)."""

    def range_sales(
        self,
        days: int,
        *,
        top: int,
        within: int,
        short: int,
        bounds: Callable[[int], tuple[int, ...]],
    ) -> RangeSales:
        """As OrderRepository.range_sales, for the window's orders."""

    def best_sellers(self, days: int, *, top: int) -> BestSellers:
        """As OrderRepository.best_sellers of completed orders, for the window's orders."""

    def bought_together(self, days: int, *, top: int) -> list[tuple[str, str, str, str, int]]:
        """As OrderRepository.bought_together, for the window's orders."""


class StaffRepository(Protocol):
    def add(self, account: StaffAccount) -> StaffAccount: ...
    def get(self, staff_id: int) -> StaffAccount | None: ...
    def get_by_username(self, username: str) -> StaffAccount | None: ...
    def update(self, account: StaffAccount) -> None: ...
    def all(self) -> list[StaffAccount]: ...
    def linked_to(self, telegram_user_id: int) -> list[StaffAccount]:
        """Accounts this Telegram user signed up or logged in with, switched off ones too."""
        ...


class SessionRepository(Protocol):
    def open(self, session: StaffSession) -> None:
        """Start (or replace) the session of this Telegram user."""

    def get(self, telegram_user_id: int) -> StaffSession | None: ...
    def touch(self, telegram_user_id: int, at: datetime) -> None: ...
    def close(self, telegram_user_id: int) -> None: ...
    def close_all_for(self, staff_id: int) -> None: ...
    def forget_idle_before(self, at: datetime) -> int: ...
    def on_duty(self, *, since: datetime) -> list[StaffSession]: ...


class WebAccessRepository(Protocol):
    """Back-office links and web sessions, by the hash of their secret."""

    def add_link(self, link: WebLink) -> None: ...
    def use_link(self, token_hash: str, at: datetime) -> WebLink | None:
        """Mark the link used, if it is unused and unexpired at `at` (one conditional UPDATE:
        of two requests at once with the same link, one gets it); None otherwise."""

    def open_session(self, session: WebSession) -> None: ...
    def get_session(self, token_hash: str) -> WebSession | None: ...
    def touch_session(self, token_hash: str, at: datetime) -> None: ...
    def close_session(self, token_hash: str) -> None: ...
    def forget_before(self, at: datetime) -> int:
        """Links that expired and sessions last seen before `at`."""


@dataclass(frozen=True, slots=True)
class StagedUpload:
    name: str
    body: bytes
    staff_id: int


class StagedUploadRepository(Protocol):
    """Uploaded files waiting for their confirmation, by the hash of their token."""

    def add(self, token_hash: str, upload: StagedUpload, at: datetime) -> None: ...
    def get(self, token_hash: str) -> StagedUpload | None: ...
    def drop(self, token_hash: str) -> bool:
        """Forget it; False if it was not there (taken by another confirmation)."""

    def forget_before(self, at: datetime) -> int: ...


class PhotoRepository(Protocol):
    """Uploaded item photos, by the SHA-256 of their bytes."""

    def keep(self, sha256: str, content_type: str, body: bytes, at: datetime) -> None:
        """Keep it unless a photo with these bytes is kept already."""

    def get(self, sha256: str) -> tuple[str, bytes] | None:
        """(content type, bytes)."""


class RatingRepository(Protocol):
    def rate(self, order_id: int, customer_id: int, stars: int, at: datetime) -> None:
        """Set the order's stars (again: the latest tap counts), in one statement."""

    def add_comment(self, order_id: int, comment: str, at: datetime) -> bool:
        """False if the order was never rated."""

    def get(self, order_id: int) -> Rating | None: ...
    def summary(self, start: datetime, end: datetime, *, comments: int) -> RatingsSummary:
        """Ratings of the orders completed in [start, end): count, stars, latest comments."""

    def rated(self, start: datetime, end: datetime) -> list[RatedComment]:
        """Every rating of the orders completed in [start, end), latest first (its comment ""
        when none was given)."""


class OfferRepository(Protocol):
    def add(self, offer: Offer, at: datetime) -> Offer: ...
    def not_ended(self, at: datetime) -> list[Offer]:
        """Running at `at` or starting later; soonest end first."""

    def end(self, offer_id: int, at: datetime) -> bool:
        """End a running one at `at`, drop one not yet started; False if neither."""


class PromoCodeRepository(Protocol):
    def add(self, promo: PromoCode, at: datetime) -> PromoCode | None:
        """None: a code of that name exists already."""

    def get_by_code(self, code: str, *, for_update: bool = False) -> PromoCode | None:
        """`for_update`: hold its row until the transaction ends (a redemption counts uses
        under it)."""

    def take_use(self, promo_id: int) -> bool:
        """Count one more use, if any is left; False if none is."""

    def give_back_use(self, promo_id: int) -> None:
        """An order placed with it was cancelled."""

    def end(self, promo_id: int, at: datetime) -> bool:
        """End it now; False if it had ended, or never was."""

    def not_over(self, at: datetime, *, limit: int) -> list[PromoCode]:
        """Codes that apply now or later (not ended, not past their end), by code."""


class StoreDetailsRepository(Protocol):
    def get(self) -> StoreDetails | None: ...
    def put(self, details: StoreDetails) -> None:
        """Insert or replace the one row."""


class InviteRepository(Protocol):
    def add(self, invite: Invite) -> Invite: ...
    def get_by_code(self, code: str) -> Invite | None: ...
    def mark_used(self, invite_id: int, staff_id: int, at: datetime) -> bool:
        """Use the invite once; False if someone used it first."""

    def forget_before(self, at: datetime) -> int:
        """Drop invites that expired, or were used, before `at`."""


class OutboxRepository(Protocol):
    def add(self, notification: Notification) -> Notification: ...
    def due(self, now: datetime, *, limit: int) -> list[Notification]:
        """Undelivered rows whose time has come, only the oldest of each chat: a person
        reads "accepted" before "ready" even when the first had to wait for a retry."""

    def claim(self, notification_id: int, lease: str, now: datetime, until: datetime) -> bool:
        """Lease a due row to `lease` until `until`, counting the send it is claimed for as
        one that may reach the person (its unsure sends + 1); False if another holder has it,
        or it has had all the unsure sends allowed (UNSURE_SENDS_ALLOWED)."""

    def abandon(self, notification_id: int, at: datetime, error: str) -> bool:
        """Give up a due row that has had all the unsure sends allowed; False if another
        sender did, or it may still be sent."""

    def extend(self, notification_id: int, lease: str, until: datetime) -> bool:
        """Keep the lease longer (a send waiting out flood control); False if it was lost."""

    # These act only for the lease holder; False when the lease was lost meanwhile.
    # `unanswered`: the send got no answer and may have reached the person, so it stays
    # counted; otherwise Telegram did not take it, and the count its claim added is taken back.
    def mark_sent(self, notification_id: int, lease: str, at: datetime) -> bool: ...
    def postpone(
        self,
        notification_id: int,
        lease: str,
        until: datetime,
        error: str,
        *,
        unanswered: bool = False,
    ) -> bool: ...
    def fail(
        self,
        notification_id: int,
        lease: str,
        at: datetime,
        error: str,
        *,
        unanswered: bool = False,
    ) -> bool: ...
    def forget_sent_before(self, at: datetime) -> int:
        """Delete rows delivered (or given up on) before `at`; how many."""


class PromptRepository(Protocol):
    def get(self, telegram_user_id: int, *, for_update: bool = False) -> Prompt | None:
        """for_update: the answer is being taken; a second answer to it waits, then finds
        the question gone."""

    def save(self, prompt: Prompt) -> None: ...
    def delete(self, telegram_user_id: int) -> None: ...
    def forget_before(self, at: datetime) -> int: ...


class ThrottleRepository(Protocol):
    def get(self, telegram_user_id: int) -> LoginThrottle: ...
    def count_miss(self, telegram_user_id: int) -> int:
        """Add one wrong password atomically; the misses in a row, this one included."""

    def lock(self, telegram_user_id: int, until: datetime) -> None: ...
    def reset(self, telegram_user_id: int) -> None: ...
    def forget_before(self, at: datetime) -> int:
        """Forget misses of people not locked since `at`."""


class ShieldRepository(Protocol):
    """Until when a person's messages may hold a password (deleted unread)."""

    def set_until(self, telegram_user_id: int, until: datetime) -> None: ...
    def until(self, telegram_user_id: int) -> datetime | None: ...
    def lower(self, telegram_user_id: int) -> None: ...
    def forget_before(self, at: datetime) -> int: ...


@dataclass(frozen=True, slots=True)
class Languages:
    """A person's languages: the one they chose (as the staff member logged in from their
    chat, else as a customer) and their Telegram app's, as last seen; None where unknown."""

    chosen: str | None = None
    app: str | None = None


class LanguageRepository(Protocol):
    def of(self, telegram_user_id: int) -> Languages: ...
    def of_many(self, telegram_user_ids: Collection[int]) -> dict[int, Languages]:
        """Each person's languages (everyone asked for is in it), in one read."""

    def note_app(self, telegram_user_id: int, language: str) -> None:
        """Keep the app's language as last seen (insert or update)."""

    def readers(self, telegram_user_ids: Collection[int]) -> dict[int, str]:
        """Each person's language for a message that is not a reply: chosen, else the app's
        as last seen; people with neither are left out."""

    def choose_for_customer(self, customer_id: int, language: str) -> None: ...
    def choose_for_staff(self, staff_id: int, language: str) -> None: ...


@dataclass(frozen=True, slots=True)
class Take:
    """Taking an update: `fresh` if this worker now holds it; else, when another worker holds
    it without having committed its work, when that worker was last heard of."""

    fresh: bool
    holder_seen_at: datetime | None = None
    mine: bool = False  # seen before, taken by this same worker and not done


class ProcessedUpdateRepository(Protocol):
    def take(
        self, update_id: int, worker: str, at: datetime, alive_since: datetime, body: str | None
    ) -> Take:
        """Record the update (and its body, until done) as taken by `worker`: new, or taken by
        a worker not heard of since `alive_since` that never finished it (it died). Seen
        before otherwise."""

    def take_many(
        self,
        updates: Sequence[tuple[int, str | None]],
        worker: str,
        at: datetime,
        alive_since: datetime,
    ) -> list[Take]:
        """`take` each (update id, body) in turn, in a few statements however many: the new
        ones (the common case) in one insert. An id twice: the second is this worker's."""

    def mark_done(self, update_id: int, worker: str, at: datetime) -> bool:
        """Its work is being committed (in the same transaction); False if another worker
        has taken it over since this one took it."""

    def finish(self, update_ids: Collection[int], worker: str, at: datetime) -> None:
        """These updates were handled by `worker` (whatever they wrote): done."""

    def claim_abandoned(
        self, worker: str, alive_since: datetime, taken_since: datetime, limit: int
    ) -> dict[int, str]:
        """Take over, for `worker`, updates taken since `taken_since` by workers not heard of
        since `alive_since` and never finished, oldest first: their bodies by update id."""

    def beat(self, worker: str, at: datetime) -> datetime:
        """The worker is alive at `at`; the database's own time (UTC), which every worker sets
        its clock by, so that hosts whose clocks differ agree on who is gone."""

    def gone(self, worker: str) -> None:
        """The worker stopped, everything it took handled: nothing of it to wait for."""

    def forget_before(self, at: datetime) -> int: ...


class WatchRepository(Protocol):
    def add(self, customer_id: int, product_id: int, at: datetime) -> bool:
        """Start watching; False if this customer already was."""

    def take(self, product_id: int) -> list[int]:
        """The watchers' Telegram ids, forgetting them (each is told once)."""

    def has(self, customer_id: int, product_id: int) -> bool: ...

    def remove(self, customer_id: int, product_id: int) -> bool:
        """Stop watching; False if this customer was not."""


class FavouriteRepository(Protocol):
    """The items each customer keeps one tap away: one row per customer and item."""

    def add(self, customer_id: int, product_id: int, at: datetime) -> bool:
        """Keep it (one statement, no read first); False if it already was a favourite."""

    def remove(self, customer_id: int, product_id: int) -> bool:
        """False if it was not a favourite."""

    def has(self, customer_id: int, product_id: int) -> bool: ...
    def among(self, wanted: Collection[tuple[int, int]]) -> set[tuple[int, int]]:
        """Of the (person's Telegram id, item) pairs asked for, those that are favourites, in
        one read."""

    def items(self, customer_id: int, *, limit: int, offset: int = 0) -> list[Product]:
        """The customer's favourite items, archived ones too: those on sale first, each part
        by name."""

    def count(self, customer_id: int) -> int: ...


class NewsRepository(Protocol):
    """Who asked for news (bot.domain.news), and the carts they left."""

    def choice(self, customer_id: int) -> NewsChoice | None: ...
    def ask_once(self, customer_id: int, at: datetime) -> bool:
        """Record that they are being asked (news stays off); False if they were asked or
        chose before (one conditional insert: of two at once, one is True)."""

    def choose(self, customer_id: int, wants: bool, at: datetime) -> None:
        """Their answer; saying yes also clears a block recorded before (they are back)."""

    def unsubscribe(self, customer_id: int, at: datetime) -> bool:
        """News off; False if it was not on."""

    def mark_blocked(self, telegram_user_id: int, at: datetime) -> bool:
        """A message to this person was refused: they blocked the bot (False: already known,
        or not a customer who has a choice on record)."""

    def audience(
        self, audience: Audience, category: str | None, since: datetime
    ) -> list[Recipient]:
        """Everyone who wants news and has not blocked the bot, in customer order; narrowed
        to those who bought from `category`, or to those not seen since `since`."""

    def cart_changed(self, customer_id: int, at: datetime) -> None:
        """Their cart changed: from now on it is a new cart."""

    def idle_carts(self, before: datetime, *, limit: int) -> list[IdleCart]:
        """Non-empty carts unchanged since before `before`, not reminded of yet, of customers
        who want news and have not blocked the bot; in customer order."""

    def mark_reminded(self, customer_id: int, changed_at: datetime) -> bool:
        """Once per cart (the cart as it was at `changed_at`): False if it was reminded of
        already, or changed since."""


class AnnouncementRepository(Protocol):
    def add(self, announcement: Announcement) -> Announcement: ...
    def get(self, announcement_id: int) -> Announcement | None: ...
    def mark_queued(self, announcement_id: int, at: datetime) -> bool:
        """The one gate to sending: False if it was queued already (two confirmations)."""

    def add_recipients(self, announcement_id: int, customer_ids: Sequence[int]) -> None:
        """Each as queued; the announcement's count of recipients is set to how many."""

    def record(self, announcement_id: int, customer_id: int, outcome: Outcome) -> bool:
        """What became of a queued message (once: False if it was recorded already)."""

    def mark_unsubscribed(self, announcement_id: int, customer_id: int, at: datetime) -> bool:
        """They unsubscribed from this announcement's button (once)."""

    def latest(self, *, limit: int) -> list[AnnouncementCounts]:
        """The latest sent, newest first, with what became of each."""

    def forget_drafts_before(self, at: datetime) -> int:
        """Drafts previewed and never sent."""


class QuestionRepository(Protocol):
    def add(self, question: Question) -> Question: ...
    def get(self, question_id: int) -> Question | None: ...
    def count_unanswered(self, customer_id: int) -> int: ...
    def answer(self, question_id: int, text: str, at: datetime, by: str) -> bool:
        """Record the answer unless the question has one; False if someone answered first."""


@dataclass(frozen=True, slots=True)
class OpenQuestion:
    """An unanswered question with the name its asker gave."""

    question: Question
    asker: str


class WaitingRepository(Protocol):
    """Orders waiting for the shop and unanswered questions, and whether anyone on duty has
    seen them (bot.domain.waiting says what counts)."""

    def counts(self) -> Waiting: ...
    def orders(self, *, limit: int, offset: int = 0) -> list[Order]:
        """Orders waiting for the shop, oldest first."""

    def questions(self, *, limit: int, offset: int = 0) -> list[OpenQuestion]:
        """Unanswered questions, oldest first."""

    def mark_all_seen(self, at: datetime) -> None:
        """Everything waiting is seen (a member's login summary counted it)."""

    def mark_seen(self, kind: WaitingKind, ids: Collection[int], at: datetime) -> None:
        """These were shown to a member; those seen before keep their first time."""

    def unseen(self, before: datetime, *, limit: int) -> list[Unseen]:
        """Waiting since `before` or earlier, never seen and never alerted, oldest first."""

    def delivered(self, items: Sequence[Unseen]) -> list[Unseen]:
        """Those of `items` whose alert was delivered to a member logged in when it was
        queued."""

    def mark_alerted(self, item: Unseen, at: datetime) -> bool:
        """Mark it alerted unless it was seen or alerted meanwhile (a conditional UPDATE):
        True for the one worker that is to tell the managers."""


class ChoreRepository(Protocol):
    def first_today(self, name: str, day: date, at: datetime) -> bool:
        """Record that this chore runs on this day; False if a worker already did."""


class DigestRepository(Protocol):
    def queued_on(self, day: date) -> bool: ...
    def mark_queued(self, day: date, at: datetime) -> None: ...


class CheckoutRepository(Protocol):
    def get(self, customer_id: int, *, for_update: bool = False) -> CheckoutDraft | None:
        """`for_update` locks the draft until the transaction ends (confirming it)."""

    def save(self, draft: CheckoutDraft) -> None: ...
    def delete(self, customer_id: int) -> bool:
        """False if there was no draft (someone else took it)."""

    def forget_before(self, at: datetime) -> int:
        """Drop drafts untouched since `at` (abandoned checkouts); how many."""


class UnitOfWork(Protocol):
    """One use case, one transaction: leaving the block without commit() rolls back."""

    @property
    def products(self) -> ProductRepository: ...
    @property
    def catalogue(self) -> CatalogueVersion: ...
    @property
    def ledger(self) -> LedgerRepository: ...
    @property
    def customers(self) -> CustomerRepository: ...
    @property
    def carts(self) -> CartRepository: ...
    @property
    def orders(self) -> OrderRepository: ...
    @property
    def staff(self) -> StaffRepository: ...
    @property
    def sessions(self) -> SessionRepository: ...
    @property
    def invites(self) -> InviteRepository: ...
    @property
    def web(self) -> WebAccessRepository: ...
    @property
    def staged(self) -> StagedUploadRepository: ...
    @property
    def photos(self) -> PhotoRepository: ...
    @property
    def store_details(self) -> StoreDetailsRepository: ...
    @property
    def offers(self) -> OfferRepository: ...
    @property
    def promo_codes(self) -> PromoCodeRepository: ...
    @property
    def ratings(self) -> RatingRepository: ...
    @property
    def outbox(self) -> OutboxRepository: ...
    @property
    def checkouts(self) -> CheckoutRepository: ...
    @property
    def prompts(self) -> PromptRepository: ...
    @property
    def throttles(self) -> ThrottleRepository: ...
    @property
    def digests(self) -> DigestRepository: ...
    @property
    def windows(self) -> SalesWindowRepository: ...
    @property
    def chores(self) -> ChoreRepository: ...
    @property
    def watches(self) -> WatchRepository: ...
    @property
    def favourites(self) -> FavouriteRepository: ...
    @property
    def news(self) -> NewsRepository: ...
    @property
    def announcements(self) -> AnnouncementRepository: ...
    @property
    def questions(self) -> QuestionRepository: ...
    @property
    def shields(self) -> ShieldRepository: ...
    @property
    def updates(self) -> ProcessedUpdateRepository: ...
    @property
    def languages(self) -> LanguageRepository: ...
    @property
    def waiting(self) -> WaitingRepository: ...

    def reading(self) -> Self:
        """For the next `with`: the use case only reads, and commits nothing; its transaction
        holds back no writer (a long report does not make every tap wait)."""

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


class PersonalDataRepository(Protocol):
    """A customer's personal data across the tables, read whole (/mydata) or erased
    (/forgetme); the rest of the bot reaches the same rows through the repositories above."""

    def language(self, customer_id: int) -> str | None:
        """The language the customer chose with /language."""

    def app_language(self, telegram_user_id: int) -> str | None: ...
    def all_orders(self, customer_id: int) -> list[Order]:
        """Newest first, every one."""

    def questions(self, customer_id: int) -> list[Question]:
        """Oldest first."""

    def watches(self, customer_id: int) -> list[Watched]: ...
    def favourites(self, customer_id: int) -> list[Favourite]:
        """In the order they were starred."""

    def ratings(self, customer_id: int) -> list[RatedComment]:
        """The customer's ratings of their orders, oldest first."""

    def card_shown(self, telegram_user_id: int) -> SeenCard | None:
        """The item card the person saw last (None if none, or its item is gone)."""

    def open_order_codes(self, customer_id: int) -> list[str]:
        """Orders neither completed nor cancelled, read under a lock: an order being placed
        meanwhile is waited for and seen."""

    def erase_customer(self, customer_id: int, telegram_user_id: int) -> bool:
        """Unlink the row from the person and blank it; False if someone erased it first."""

    def anonymise_orders(self, customer_id: int) -> list[int]:
        """Take name, phone, address and note off the customer's orders; their ids."""

    def forget_questions(self, customer_id: int) -> list[int]:
        """Delete the customer's questions (and the answers); their ids."""

    def forget_watches(self, customer_id: int) -> int: ...
    def forget_favourites(self, customer_id: int) -> int: ...
    def forget_ratings(self, customer_id: int) -> int: ...
    def forget_news(self, customer_id: int) -> None:
        """Their news choice, their cart's dates, and which announcements reached them."""

    def forget_app_language(self, telegram_user_id: int) -> None: ...
    def forget_card_shown(self, telegram_user_id: int) -> None:
        """The item card they saw last (an amount typed next is for it)."""

    def forget_messages_to(self, chat_id: int) -> int:
        """Drop every outbox message to this chat, pending or kept as sent."""

    def scrub_messages_about(
        self, order_ids: Collection[int], question_ids: Collection[int], keys: Sequence[str]
    ) -> int:
        """Take these facts out of outbox messages to others (staff) about these orders and
        questions; how many messages changed."""


class PersonalDataUnitOfWork(UnitOfWork, Protocol):
    """The unit of work of /mydata and /forgetme: every repository, and the personal data."""

    @property
    def personal_data(self) -> PersonalDataRepository: ...
