"""In-memory implementations of the domain's ports, for fast unit tests of the use cases.

The fake unit of work copies the committed state on enter and publishes it on commit, so a
use case that raises before commit leaves nothing behind — just like the real one.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import TracebackType
from typing import Any, Self

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
from bot.domain.notifications import UNSURE_SENDS_ALLOWED, Notification
from bot.domain.offers import Offer
from bot.domain.orders import Order, OrderLine, OrderStatus, StatusChange
from bot.domain.payments import MoneyTaken, PaymentMethod, PaymentReceipt, Takings
from bot.domain.ports import (
    BestSellers,
    DayTotal,
    Languages,
    ProductSales,
    RangeSales,
    StaffSession,
    StagedUpload,
    Take,
    UsualItem,
)
from bot.domain.promo_codes import PromoCode
from bot.domain.prompts import LoginThrottle, Prompt
from bot.domain.questions import Question
from bot.domain.ratings import RatedComment, Rating, RatingsSummary
from bot.domain.search import SearchQuery, index_terms, rank, typo_indexable, variants
from bot.domain.staff import Invite, StaffAccount
from bot.domain.stock import LedgerEntry
from bot.domain.store_details import StoreDetails
from bot.domain.vat import VatAtRate, add_up


@dataclass
class State:
    products: dict[int, Product] = field(default_factory=dict)
    ledger: list[LedgerEntry] = field(default_factory=list)
    customers: dict[int, Customer] = field(default_factory=dict)
    carts: dict[int, list[CartLine]] = field(default_factory=dict)
    orders: dict[int, Order] = field(default_factory=dict)
    staff: dict[int, StaffAccount] = field(default_factory=dict)
    sessions: dict[int, StaffSession] = field(default_factory=dict)
    invites: dict[int, Invite] = field(default_factory=dict)
    web_links: dict[str, tuple[WebLink, datetime | None]] = field(default_factory=dict)
    web_sessions: dict[str, WebSession] = field(default_factory=dict)
    staged: dict[str, tuple[StagedUpload, datetime]] = field(default_factory=dict)
    photos: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    store_details: StoreDetails | None = None
    offers: dict[int, Offer] = field(default_factory=dict)
    offers_ended: set[int] = field(default_factory=set)  # ended early, once
    promo_codes: dict[int, PromoCode] = field(default_factory=dict)
    ratings: dict[int, Rating] = field(default_factory=dict)
    outbox: dict[int, Notification] = field(default_factory=dict)
    sent: dict[int, datetime] = field(default_factory=dict)
    postponed: dict[int, datetime] = field(default_factory=dict)
    claimed: dict[int, datetime] = field(default_factory=dict)
    leases: dict[int, str] = field(default_factory=dict)
    failed: dict[int, datetime] = field(default_factory=dict)
    checkouts: dict[int, CheckoutDraft] = field(default_factory=dict)
    prompts: dict[int, Prompt] = field(default_factory=dict)
    low_alerted: set[int] = field(default_factory=set)
    digests: dict[date, datetime] = field(default_factory=dict)
    throttles: dict[int, LoginThrottle] = field(default_factory=dict)
    shields: dict[int, datetime] = field(default_factory=dict)
    chores: dict[tuple[str, date], datetime] = field(default_factory=dict)
    watches: dict[tuple[int, int], datetime] = field(default_factory=dict)
    favourites: dict[tuple[int, int], datetime] = field(default_factory=dict)  # (customer, item)
    shown_cards: dict[int, tuple[int, datetime]] = field(default_factory=dict)  # user: item
    order_vat: dict[int, tuple[datetime, list[VatAtRate]]] = field(default_factory=dict)
    updates: dict[int, datetime] = field(default_factory=dict)
    customer_languages: dict[int, str] = field(default_factory=dict)  # customer id: language
    staff_languages: dict[int, str] = field(default_factory=dict)  # staff id: language
    app_languages: dict[int, str] = field(default_factory=dict)  # telegram user: app language
    payments: dict[str, int] = field(default_factory=dict)  # charge id: order id
    questions: dict[int, Question] = field(default_factory=dict)
    news: dict[int, NewsChoice] = field(default_factory=dict)  # customer id: their choice
    # customer id: (cart changed at, the change reminded of)
    cart_activity: dict[int, tuple[datetime, datetime | None]] = field(default_factory=dict)
    announcements: dict[int, Announcement] = field(default_factory=dict)
    # (announcement, customer): (outcome, unsubscribed at)
    recipients: dict[tuple[int, int], tuple[Outcome, datetime | None]] = field(default_factory=dict)
    catalogue_version: int = 0
    catalogue_changed: bool = False  # in this transaction: the version moves at commit
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))


class FakeProducts:
    def __init__(self, state: State) -> None:
        self.s = state

    def add(self, product: Product) -> Product:
        saved = dataclasses.replace(product, id=next(self.s.ids))
        assert saved.id is not None
        self.s.products[saved.id] = saved
        return dataclasses.replace(saved)

    def get(self, product_id: int) -> Product | None:
        found = self.s.products.get(product_id)
        return dataclasses.replace(found) if found else None

    def get_by_sku(self, sku: str) -> Product | None:
        found = next((p for p in self.s.products.values() if p.sku == sku), None)
        return dataclasses.replace(found) if found else None

    def get_many(self, product_ids: Sequence[int]) -> dict[int, Product]:
        return {
            i: dataclasses.replace(self.s.products[i]) for i in product_ids if i in self.s.products
        }

    def replace_photo(self, product_id: int, old: str, new: str) -> bool:
        product = self.s.products[product_id]
        if product.photo_file_id != old:
            return False
        self.s.products[product_id] = dataclasses.replace(
            product, photo_file_id=new, photo_address=old
        )
        return True

    def update_details(self, product: Product) -> None:
        assert product.id is not None
        stock = self.s.products[product.id].stock
        self.s.products[product.id] = dataclasses.replace(product, stock=stock)

    def change_stock(
        self, product_id: int, delta: Decimal, *, expected: Decimal | None = None
    ) -> Decimal | None:
        product = self.s.products[product_id]
        if product.stock + delta < 0 or (expected is not None and product.stock != expected):
            return None
        product.stock += delta
        return product.stock

    def mark_low_alerted(self, product_id: int) -> bool:
        if product_id in self.s.low_alerted:
            return False
        self.s.low_alerted.add(product_id)
        return True

    def rearm_low_alert(self, product_id: int) -> None:
        self.s.low_alerted.discard(product_id)

    def _active(self) -> list[Product]:
        return sorted(
            (p for p in self.s.products.values() if p.active), key=lambda p: (p.name, p.id or 0)
        )

    def search(self, query: SearchQuery, *, limit: int, offset: int = 0) -> list[Product]:
        return self._found(query)[offset : offset + limit]

    def count_search(self, query: SearchQuery) -> int:
        return len(self._found(query))

    def prices_in(self, category: str, *, limit: int) -> list[tuple[int, str, str, int]]:
        found = sorted(
            (p for p in self.s.products.values() if p.category == category),
            key=lambda p: (p.name, p.id),
        )
        return [(p.id, p.sku, p.name, p.price_minor) for p in found if p.id is not None][:limit]

    def reprice(self, changes: Sequence[tuple[int, int, int]]) -> int:
        done = 0
        for product_id, seen, new in changes:
            product = self.s.products.get(product_id)
            if product is not None and product.price_minor == seen:
                self.s.products[product_id] = dataclasses.replace(product, price_minor=new)
                done += 1
        return done

    def _found(self, query: SearchQuery) -> list[Product]:
        pool = [
            p for p in self.all(include_archived=query.include_archived) if query.filters.keeps(p)
        ]
        if not query.words:
            return pool
        ranked = [(rank(p, query), p) for p in pool]
        hits = [(r, p) for r, p in ranked if r is not None]
        return [p for _r, p in sorted(hits, key=lambda hit: (-hit[0], hit[1].name, hit[1].id))]

    def similar_terms(self, typed: set[str]) -> dict[str, set[str]]:
        vocabulary = {t for p in self.s.products.values() for t, _ in index_terms(p)}
        found: dict[str, set[str]] = {}
        for term in vocabulary:
            if typo_indexable(term):
                for v in variants(term) & typed:
                    found.setdefault(v, set()).add(term)
        return found

    def by_skus(self, skus: Sequence[str], *, for_update: bool = False) -> dict[str, Product]:
        return {p.sku: dataclasses.replace(p) for p in self.s.products.values() if p.sku in skus}

    def add_many(self, products: Sequence[Product]) -> list[Product]:
        return [self.add(p) for p in products]

    def update_many(self, products: Sequence[Product]) -> None:
        for product in products:
            self.update_details(product)

    def low(self, default_threshold: Decimal, *, limit: int | None = None) -> list[Product]:
        found = [p for p in self.all(include_archived=False) if p.is_low(default_threshold)]
        found.sort(key=lambda p: (p.stock, p.name, p.id or 0))
        return found[:limit]

    def count_active(self) -> int:
        return len(self.all(include_archived=False))

    def count_low(self, default_threshold: Decimal) -> int:
        return len(self.low(default_threshold))

    def categories(self) -> list[str]:
        return sorted({p.category for p in self._active()})

    def in_category(self, category: str, *, limit: int, offset: int = 0) -> list[Product]:
        return [p for p in self._active() if p.category == category][offset : offset + limit]

    def count_in_category(self, category: str) -> int:
        return len([p for p in self._active() if p.category == category])

    def all(self, *, include_archived: bool = True) -> list[Product]:
        return sorted(
            (
                dataclasses.replace(p)
                for p in self.s.products.values()
                if include_archived or p.active
            ),
            key=lambda p: (p.category, p.name, p.id or 0),
        )

    def after(self, item: Product | None, *, limit: int) -> list[Product]:
        items = self.all()
        if item is not None:
            key = (item.category, item.name, item.id or 0)
            items = [p for p in items if (p.category, p.name, p.id or 0) > key]
        return items[:limit]


class FakeLedger:
    def __init__(self, state: State) -> None:
        self.s = state

    def add(self, entry: LedgerEntry) -> LedgerEntry:
        saved = dataclasses.replace(entry, id=next(self.s.ids))
        self.s.ledger.append(saved)
        return saved

    def add_many(self, entries: Sequence[LedgerEntry]) -> None:
        for entry in entries:
            self.add(entry)

    def since(
        self, at: datetime, *, limit: int, after: LedgerEntry | None = None
    ) -> list[tuple[LedgerEntry, str, str]]:
        products = self.s.products
        moves = sorted((e for e in self.s.ledger if e.at >= at), key=lambda e: (e.at, e.id or 0))
        if after is not None:
            moves = [e for e in moves if (e.at, e.id or 0) > (after.at, after.id or 0)]
        return [(e, products[e.product_id].sku, products[e.product_id].name) for e in moves][:limit]

    def recent(self, product_id: int, *, limit: int) -> list[LedgerEntry]:
        return [e for e in reversed(self.s.ledger) if e.product_id == product_id][:limit]

    def balance(self, product_id: int) -> Decimal:
        return sum((e.change for e in self.s.ledger if e.product_id == product_id), Decimal(0))


class FakeCustomers:
    def __init__(self, state: State) -> None:
        self.s = state

    def lock(self, customer_id: int) -> None:
        assert customer_id in self.s.customers

    def add(self, customer: Customer) -> Customer:
        saved = dataclasses.replace(customer, id=next(self.s.ids))
        assert saved.id is not None
        self.s.customers[saved.id] = saved
        return dataclasses.replace(saved)

    def get(self, customer_id: int) -> Customer | None:
        found = self.s.customers.get(customer_id)
        return dataclasses.replace(found) if found else None

    def get_by_telegram_id(
        self, telegram_user_id: int, *, for_update: bool = False
    ) -> Customer | None:
        found = next(
            (c for c in self.s.customers.values() if c.telegram_user_id == telegram_user_id), None
        )
        return dataclasses.replace(found) if found else None

    def update(self, customer: Customer) -> None:
        assert customer.id is not None
        self.s.customers[customer.id] = dataclasses.replace(customer)


class FakeCatalogueVersion:
    def __init__(self, state: State) -> None:
        self.s = state

    def current(self) -> int:
        return self.s.catalogue_version

    def changed(self) -> None:
        self.s.catalogue_changed = True


class FakeCarts:
    def __init__(self, state: State) -> None:
        self.s = state

    def lines(self, customer_id: int) -> list[CartLine]:
        return list(self.s.carts.get(customer_id, []))

    def lines_with_items(self, customer_id: int) -> list[tuple[CartLine, Product]]:
        return [
            (line, dataclasses.replace(self.s.products[line.product_id]))
            for line in self.s.carts.get(customer_id, [])
            if line.product_id in self.s.products
        ]

    def held(self, wanted: Collection[tuple[int, int]]) -> dict[tuple[int, int], Decimal]:
        return {(user, item): self._held(user, item) for user, item in wanted}

    def _held(self, telegram_user_id: int, product_id: int) -> Decimal:
        customer = next(
            (c for c in self.s.customers.values() if c.telegram_user_id == telegram_user_id), None
        )
        lines = self.s.carts.get(customer.id or 0, []) if customer else []
        return next((line.quantity for line in lines if line.product_id == product_id), Decimal(0))

    def put(self, customer_id: int, line: CartLine) -> None:
        lines = self.s.carts.setdefault(customer_id, [])
        for i, existing in enumerate(lines):
            if existing.product_id == line.product_id:
                lines[i] = line
                return
        lines.append(line)

    def remove(self, customer_id: int, product_id: int) -> None:
        self.s.carts[customer_id] = [
            line for line in self.s.carts.get(customer_id, []) if line.product_id != product_id
        ]

    def clear(self, customer_id: int) -> None:
        self.s.carts.pop(customer_id, None)

    def note_cards(self, shown: Mapping[int, int], at: datetime) -> None:
        self.s.shown_cards.update({user: (item, at) for user, item in shown.items()})

    def card_shown(self, telegram_user_id: int, since: datetime) -> int | None:
        item, at = self.s.shown_cards.get(telegram_user_id, (None, since))
        return item if at >= since else None


class FakeOrders:
    def __init__(self, state: State) -> None:
        self.s = state

    def add(self, order: Order) -> Order:
        saved = dataclasses.replace(order, id=next(self.s.ids), history=list(order.history))
        assert saved.id is not None
        self.s.orders[saved.id] = saved
        return copy.deepcopy(saved)

    def get(self, order_id: int) -> Order | None:
        return copy.deepcopy(self.s.orders.get(order_id))

    def promo_uses(self, promo_id: int, customer_id: int) -> int:
        return sum(
            1
            for o in self.s.orders.values()
            if o.promo is not None
            and o.promo.promo_id == promo_id
            and o.customer_id == customer_id
            and o.status is not OrderStatus.CANCELLED
        )

    def get_by_code(self, code: str, *, for_update: bool = False) -> Order | None:
        return copy.deepcopy(next((o for o in self.s.orders.values() if o.code == code), None))

    def get_by_pickup_code(self, code: str) -> Order | None:
        found = (o for o in self.s.orders.values() if o.pickup_code == code)
        return copy.deepcopy(next(found, None))

    def pickup_code_exists(self, code: str) -> bool:
        return any(o.pickup_code == code for o in self.s.orders.values())

    def set_pickup_code(self, order_id: int, code: str) -> None:
        self.s.orders[order_id].pickup_code = code

    def set_pay_by(self, order_id: int, at: datetime) -> None:
        order = self.s.orders[order_id]
        order.payment = dataclasses.replace(order.payment, pay_by=at)

    def add_refund_due(self, order_id: int, amount_minor: int) -> None:
        order = self.s.orders[order_id]
        due = order.payment.refund_due_minor + amount_minor
        order.payment = dataclasses.replace(order.payment, refund_due_minor=due)

    def hold_for_picking(self, order_id: int, statuses: Sequence[OrderStatus]) -> bool:
        order = self.s.orders[order_id]
        if order.status not in statuses:
            return False
        order.changes_untold = True
        return True

    def change_line(self, order_id: int, seen: OrderLine, picked: OrderLine) -> bool:
        order = self.s.orders[order_id]
        if seen not in order.lines:
            return False
        order.lines = [picked if line == seen else line for line in order.lines]
        return True

    def set_total(self, order_id: int, total_minor: int) -> None:
        """The fake's total is its lines' sum: nothing to keep."""

    def mark_told(self, order_id: int) -> bool:
        order = self.s.orders[order_id]
        told, order.changes_untold = order.changes_untold, False
        return told

    def add_payment(self, order_id: int, receipt: PaymentReceipt, at: datetime) -> bool:
        if receipt.telegram_charge_id in self.s.payments:
            return False
        self.s.payments[receipt.telegram_charge_id] = order_id
        order = self.s.orders[order_id]
        pays = receipt.pays(order.payment.method, order.currency, order.total_minor)
        if order.payment.paid_at is None and pays:
            order.payment = dataclasses.replace(order.payment, paid_at=at)
        return True

    def unpaid_past(self, at: datetime, *, limit: int) -> list[str]:
        due = [
            o
            for o in self.s.orders.values()
            if o.status is OrderStatus.PLACED
            and o.payment.awaits_payment
            and o.payment.pay_by is not None
            and o.payment.pay_by < at
        ]
        return [o.code for o in due][:limit]

    def uncollected_before(self, before: datetime, *, limit: int) -> list[str]:
        due = sorted(
            (
                o
                for o in self.s.orders.values()
                if o.status in (OrderStatus.PLACED, OrderStatus.ACCEPTED, OrderStatus.READY)
                and o.fulfilment.pickup_slot is not None
                and o.fulfilment.pickup_slot < before
                and o.payment.method is PaymentMethod.ON_HANDOVER
                and not o.payment.is_paid
            ),
            key=lambda o: (o.fulfilment.pickup_slot, o.id or 0),
        )
        return [o.code for o in due][:limit]

    def code_exists(self, code: str) -> bool:
        return any(o.code == code for o in self.s.orders.values())

    def for_customer(
        self, customer_id: int, *, limit: int, offset: int = 0, cancelled: bool = True
    ) -> list[Order]:
        mine = sorted(
            (
                o
                for o in self.s.orders.values()
                if o.customer_id == customer_id
                and (cancelled or o.status is not OrderStatus.CANCELLED)
            ),
            key=lambda o: (o.placed_at, o.id or 0),
            reverse=True,
        )
        return copy.deepcopy(mine[offset : offset + limit])

    def usual_items(self, customer_id: int, *, limit: int) -> list[UsualItem]:
        """Counted and ranked in SQL: its use case runs on the real repositories (SQLite in
        tests), not on a second implementation kept in step here."""
        raise NotImplementedError("orders.usual_items: run this use case on the real repositories")

    def open_orders(self, *, limit: int, offset: int = 0) -> list[Order]:
        still_open = sorted(
            (o for o in self.s.orders.values() if o.status.is_open),
            key=lambda o: (o.placed_at, o.id or 0),
        )
        return copy.deepcopy(still_open[offset : offset + limit])

    def count_open(self) -> int:
        return sum(1 for o in self.s.orders.values() if o.status.is_open)

    def last_address(self, customer_id: int) -> str | None:
        mine = [o for o in self.s.orders.values() if o.customer_id == customer_id]
        delivered = [o for o in mine if o.fulfilment.address]
        latest = max(delivered, key=lambda o: (o.placed_at, o.id or 0), default=None)
        return latest.fulfilment.address if latest else None

    def count_waiting(self, customer_id: int) -> int:
        return sum(
            1
            for o in self.s.orders.values()
            if o.customer_id == customer_id and o.status is OrderStatus.PLACED
        )

    def change_status(self, order_id: int, expected: OrderStatus, change: StatusChange) -> bool:
        order = self.s.orders[order_id]
        if order.status is not expected:
            return False
        order.status = change.status
        order.history.append(change)
        return True

    def record_money_taken(self, order_id: int, taken: Takings) -> None:
        order = self.s.orders[order_id]
        order.money_taken, order.extra_taken = taken.way, taken.extra_way
        order.extra_taken_minor = taken.extra_minor

    @staticmethod
    def _completed_at(order: Order) -> datetime | None:
        done = [c.at for c in order.history if c.status is OrderStatus.COMPLETED]
        return done[-1] if done else None

    def _counted(self, start: datetime, end: datetime, completed: bool = False) -> list[Order]:
        if completed:
            return [
                o
                for o in self.s.orders.values()
                if (at := self._completed_at(o)) is not None and start <= at < end
            ]
        return [
            o
            for o in self.s.orders.values()
            if o.status is not OrderStatus.CANCELLED and start <= o.placed_at < end
        ]

    def sales_by_product(
        self,
        start: datetime,
        end: datetime,
        *,
        product_ids: Sequence[int] | None = None,
        completed: bool = False,
    ) -> list[ProductSales]:
        totals: dict[int, ProductSales] = {}
        for order in self._counted(start, end, completed):
            for line in order.lines:
                if product_ids is not None and line.product_id not in product_ids:
                    continue
                now = totals.get(line.product_id)
                product = self.s.products[line.product_id]
                totals[line.product_id] = ProductSales(
                    line.product_id,
                    product.sku,
                    product.name,
                    product.unit.value,
                    (now.quantity if now else Decimal(0)) + line.quantity,
                    (now.revenue_minor if now else 0) + line.line_total_minor,
                    product.active,
                )
        return list(totals.values())

    def best_sellers(
        self, start: datetime, end: datetime, *, top: int, completed: bool = False
    ) -> BestSellers:
        sold = self.sales_by_product(start, end, completed=completed)
        by_quantity = sorted(sold, key=lambda r: (-r.quantity, -r.revenue_minor, r.product_id))
        by_revenue = sorted(sold, key=lambda r: (-r.revenue_minor, -r.quantity, r.product_id))
        on_sale = sum(1 for r in sold if r.active)
        return BestSellers(by_quantity[:top], by_revenue[:top], len(sold), on_sale)

    def unsold_names(
        self, start: datetime, end: datetime, *, limit: int, completed: bool = False
    ) -> list[str]:
        sold = {r.product_id for r in self.sales_by_product(start, end, completed=completed)}
        on_sale = self.s.products.values()
        return sorted(p.name for p in on_sale if p.active and p.id not in sold)[:limit]

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
        raise NotImplementedError("analytics run on the real repositories (tests/integration)")

    def least_sold(
        self, start: datetime, end: datetime, *, limit: int | None
    ) -> list[ProductSales]:
        raise NotImplementedError("analytics run on the real repositories (tests/integration)")

    def unsold(
        self, start: datetime, end: datetime, *, completed: bool = False
    ) -> list[ProductSales]:
        raise NotImplementedError("analytics run on the real repositories (tests/integration)")

    def completed_by_hour_of_week(
        self, start: datetime, end: datetime, utc_offset_minutes: int
    ) -> list[tuple[int, int, int, int]]:
        raise NotImplementedError("analytics run on the real repositories (tests/integration)")

    def customers_in(self, start: datetime, end: datetime) -> tuple[int, int]:
        raise NotImplementedError("analytics run on the real repositories (tests/integration)")

    def bought_together(
        self, start: datetime, end: datetime, *, top: int
    ) -> list[tuple[str, str, str, str, int]]:
        raise NotImplementedError("analytics run on the real repositories (tests/integration)")

    def count_completed(self, order_id: int) -> bool:
        """Nothing to keep: the fake sums the orders themselves when asked (day_totals)."""
        return True

    def uncounted_completed(self, limit: int) -> list[tuple[int, datetime]]:
        return []

    def first_completed(self) -> datetime | None:
        return None

    def hold_summed_days(self, zone: str) -> date | None:
        return None

    def days_summed_through(self, zone: str) -> date | None:
        """None: the fake's days are summed from the orders on every call (day_totals)."""
        return None

    def sum_days(
        self, zone: str, stretches: Sequence[tuple[datetime, datetime, int]], through: date
    ) -> None:
        pass

    def summed_day_totals(self, zone: str, first: date, last: date) -> list[DayTotal]:
        return []

    def day_totals(self, start: datetime, end: datetime, utc_offset_minutes: int) -> list[DayTotal]:
        days: dict[date, list[Order]] = {}
        for o in self._counted(start, end, completed=True):
            at = self._completed_at(o)
            assert at is not None
            day = (at + timedelta(minutes=utc_offset_minutes)).date()
            days.setdefault(day, []).append(o)
        return [
            DayTotal(
                d,
                len(done),
                sum(o.subtotal_minor for o in done),
                sum(o.fulfilment.delivery_fee_minor for o in done),
                _taken(done),
            )
            for d, done in sorted(days.items())
        ]

    def record_vat(self, order_id: int, at: datetime, vat: Sequence[VatAtRate]) -> None:
        self.s.order_vat[order_id] = (at, list(vat))

    def issued_vat(self, order_id: int) -> list[VatAtRate]:
        return list(self.s.order_vat.get(order_id, (None, []))[1])

    def completed_vat(self, start: datetime, end: datetime) -> list[VatAtRate]:
        return add_up(vat for at, vat in self.s.order_vat.values() if start <= at < end)


def _taken(done: list[Order]) -> dict[MoneyTaken | None, int]:
    taken: dict[MoneyTaken | None, int] = {}
    for o in done:
        taken[o.money_taken] = taken.get(o.money_taken, 0) + o.total_minor - o.extra_taken_minor
        if o.extra_taken_minor:
            taken[o.extra_taken] = taken.get(o.extra_taken, 0) + o.extra_taken_minor
    return taken


class FakeStaff:
    def __init__(self, state: State) -> None:
        self.s = state

    def add(self, account: StaffAccount) -> StaffAccount:
        saved = dataclasses.replace(account, id=next(self.s.ids))
        assert saved.id is not None
        self.s.staff[saved.id] = saved
        return dataclasses.replace(saved)

    def get(self, staff_id: int) -> StaffAccount | None:
        found = self.s.staff.get(staff_id)
        return dataclasses.replace(found) if found else None

    def get_by_username(self, username: str) -> StaffAccount | None:
        found = next((a for a in self.s.staff.values() if a.username == username), None)
        return dataclasses.replace(found) if found else None

    def update(self, account: StaffAccount) -> None:
        assert account.id is not None
        self.s.staff[account.id] = dataclasses.replace(account)

    def all(self) -> list[StaffAccount]:
        return sorted(
            (dataclasses.replace(a) for a in self.s.staff.values()), key=lambda a: a.username
        )

    def linked_to(self, telegram_user_id: int) -> list[StaffAccount]:
        return [a for a in self.all() if a.telegram_user_id == telegram_user_id]


class FakeSessions:
    def __init__(self, state: State) -> None:
        self.s = state

    def open(self, session: StaffSession) -> None:
        self.s.sessions[session.telegram_user_id] = session

    def get(self, telegram_user_id: int) -> StaffSession | None:
        return self.s.sessions.get(telegram_user_id)

    def touch(self, telegram_user_id: int, at: datetime) -> None:
        if session := self.s.sessions.get(telegram_user_id):
            self.s.sessions[telegram_user_id] = dataclasses.replace(session, last_seen_at=at)

    def close(self, telegram_user_id: int) -> None:
        self.s.sessions.pop(telegram_user_id, None)

    def close_all_for(self, staff_id: int) -> None:
        for user_id in [u for u, s in self.s.sessions.items() if s.staff_id == staff_id]:
            del self.s.sessions[user_id]

    def forget_idle_before(self, at: datetime) -> int:
        return _forget(self.s.sessions, lambda s: s.last_seen_at < at)

    def on_duty(self, *, since: datetime) -> list[StaffSession]:
        return sorted(
            (
                s
                for s in self.s.sessions.values()
                if s.last_seen_at >= since and self.s.staff[s.staff_id].active
            ),
            key=lambda s: s.telegram_user_id,
        )


class FakeWebAccess:
    def __init__(self, state: State) -> None:
        self.s = state

    def add_link(self, link: WebLink) -> None:
        self.s.web_links[link.token_hash] = (link, None)

    def use_link(self, token_hash: str, at: datetime) -> WebLink | None:
        link, used = self.s.web_links.get(token_hash, (None, None))
        if link is None or used is not None or link.expires_at <= at:
            return None
        self.s.web_links[token_hash] = (link, at)
        return link

    def open_session(self, session: WebSession) -> None:
        self.s.web_sessions[session.token_hash] = session

    def get_session(self, token_hash: str) -> WebSession | None:
        return self.s.web_sessions.get(token_hash)

    def touch_session(self, token_hash: str, at: datetime) -> None:
        if found := self.s.web_sessions.get(token_hash):
            self.s.web_sessions[token_hash] = dataclasses.replace(found, last_seen_at=at)

    def close_session(self, token_hash: str) -> None:
        self.s.web_sessions.pop(token_hash, None)

    def forget_before(self, at: datetime) -> int:
        return _forget(self.s.web_links, lambda v: v[0].expires_at < at) + _forget(
            self.s.web_sessions, lambda v: v.last_seen_at < at
        )


class FakeStagedUploads:
    def __init__(self, state: State) -> None:
        self.s = state

    def add(self, token_hash: str, upload: StagedUpload, at: datetime) -> None:
        self.s.staged[token_hash] = (upload, at)

    def get(self, token_hash: str) -> StagedUpload | None:
        found = self.s.staged.get(token_hash)
        return found[0] if found else None

    def drop(self, token_hash: str) -> bool:
        return self.s.staged.pop(token_hash, None) is not None

    def forget_before(self, at: datetime) -> int:
        return _forget(self.s.staged, lambda v: v[1] < at)


class FakePhotos:
    def __init__(self, state: State) -> None:
        self.s = state

    def keep(self, sha256: str, content_type: str, body: bytes, at: datetime) -> None:
        self.s.photos.setdefault(sha256, (content_type, body))

    def get(self, sha256: str) -> tuple[str, bytes] | None:
        return self.s.photos.get(sha256)


class FakeStoreDetails:
    def __init__(self, state: State) -> None:
        self.s = state

    def get(self) -> StoreDetails | None:
        return self.s.store_details

    def put(self, details: StoreDetails) -> None:
        self.s.store_details = details


class FakeOffers:
    def __init__(self, state: State) -> None:
        self.s = state

    def add(self, offer: Offer, at: datetime) -> Offer:
        kept = dataclasses.replace(offer, id=len(self.s.offers) + 1)
        self.s.offers[kept.id] = kept  # type: ignore[index]
        return kept

    def not_ended(self, at: datetime) -> list[Offer]:
        found = [o for o in self.s.offers.values() if o.ends_at > at]
        return sorted(found, key=lambda o: (o.ends_at, o.id or 0))

    def end(self, offer_id: int, at: datetime) -> bool:
        offer = self.s.offers.get(offer_id)
        if offer is None or offer.ends_at <= at or offer_id in self.s.offers_ended:
            return False
        self.s.offers_ended.add(offer_id)
        if offer.starts_at >= at:
            del self.s.offers[offer_id]
        else:
            self.s.offers[offer_id] = dataclasses.replace(offer, ends_at=at)
        return True


class FakePromoCodes:
    def __init__(self, state: State) -> None:
        self.s = state

    def add(self, promo: PromoCode, at: datetime) -> PromoCode | None:
        if any(p.code == promo.code for p in self.s.promo_codes.values()):
            return None
        kept = dataclasses.replace(promo, id=len(self.s.promo_codes) + 1, used=0)
        self.s.promo_codes[kept.id] = kept  # type: ignore[index]
        return kept

    def get_by_code(self, code: str, *, for_update: bool = False) -> PromoCode | None:
        return next((p for p in self.s.promo_codes.values() if p.code == code), None)

    def take_use(self, promo_id: int) -> bool:
        promo = self.s.promo_codes[promo_id]
        if promo.max_uses is not None and promo.used >= promo.max_uses:
            return False
        self.s.promo_codes[promo_id] = dataclasses.replace(promo, used=promo.used + 1)
        return True

    def give_back_use(self, promo_id: int) -> None:
        promo = self.s.promo_codes[promo_id]
        self.s.promo_codes[promo_id] = dataclasses.replace(promo, used=max(promo.used - 1, 0))

    def end(self, promo_id: int, at: datetime) -> bool:
        promo = self.s.promo_codes.get(promo_id)
        if promo is None or promo.is_over(at):
            return False
        self.s.promo_codes[promo_id] = dataclasses.replace(promo, ended_at=at)
        return True

    def not_over(self, at: datetime, *, limit: int) -> list[PromoCode]:
        found = [p for p in self.s.promo_codes.values() if not p.is_over(at)]
        return sorted(found, key=lambda p: p.code)[:limit]


class FakeRatings:
    def __init__(self, state: State) -> None:
        self.s = state

    def rate(self, order_id: int, customer_id: int, stars: int, at: datetime) -> None:
        kept = self.s.ratings.get(order_id)
        self.s.ratings[order_id] = Rating(order_id, stars, at, kept.comment if kept else "")

    def add_comment(self, order_id: int, comment: str, at: datetime) -> bool:
        kept = self.s.ratings.get(order_id)
        if kept is None:
            return False
        self.s.ratings[order_id] = dataclasses.replace(kept, comment=comment, rated_at=at)
        return True

    def get(self, order_id: int) -> Rating | None:
        return self.s.ratings.get(order_id)

    def summary(self, start: datetime, end: datetime, *, comments: int) -> RatingsSummary:
        def completed(order_id: int) -> bool:
            order = self.s.orders[order_id]
            done = [c.at for c in order.history if c.status is OrderStatus.COMPLETED]
            return bool(done) and start <= done[-1] < end

        rated = [r for r in self.s.ratings.values() if completed(r.order_id)]
        said = sorted((r for r in rated if r.comment), key=lambda r: r.rated_at, reverse=True)
        return RatingsSummary(
            len(rated),
            sum(r.stars for r in rated),
            [
                RatedComment(self.s.orders[r.order_id].code, r.stars, r.comment, r.rated_at)
                for r in said[:comments]
            ],
        )

    def rated(self, start: datetime, end: datetime) -> list[RatedComment]:
        raise NotImplementedError("analytics run on the real repositories (tests/integration)")


class FakeInvites:
    def __init__(self, state: State) -> None:
        self.s = state

    def add(self, invite: Invite) -> Invite:
        saved = dataclasses.replace(invite, id=next(self.s.ids))
        assert saved.id is not None
        self.s.invites[saved.id] = saved
        return dataclasses.replace(saved)

    def get_by_code(self, code: str) -> Invite | None:
        found = next((i for i in self.s.invites.values() if i.code == code), None)
        return dataclasses.replace(found) if found else None

    def mark_used(self, invite_id: int, staff_id: int, at: datetime) -> bool:
        invite = self.s.invites[invite_id]
        if invite.used_at is not None:
            return False
        invite.used_at, invite.used_by = at, staff_id
        return True

    def forget_before(self, at: datetime) -> int:
        return _forget(
            self.s.invites,
            lambda i: i.expires_at < at or (i.used_at is not None and i.used_at < at),
        )


class FakeOutbox:
    def __init__(self, state: State) -> None:
        self.s = state

    def add(self, notification: Notification) -> Notification:
        saved = dataclasses.replace(notification, id=next(self.s.ids))
        assert saved.id is not None
        self.s.outbox[saved.id] = saved
        return saved

    def _deliverable(self, i: int, n: Notification, now: datetime) -> bool:
        return (
            i not in self.s.sent
            and i not in self.s.failed
            and self.s.postponed.get(i, n.created_at) <= now
            and self.s.claimed.get(i, now) <= now
        )

    def due(self, now: datetime, *, limit: int) -> list[Notification]:
        pending_chats: set[int] = set()
        ready = []
        for i, n in sorted(self.s.outbox.items()):
            if i in self.s.sent or i in self.s.failed:
                continue
            if n.chat_id not in pending_chats and self._deliverable(i, n, now):
                ready.append(n)
            pending_chats.add(n.chat_id)
        return ready[:limit]

    def claim(self, notification_id: int, lease: str, now: datetime, until: datetime) -> bool:
        n = self.s.outbox[notification_id]
        if not self._deliverable(notification_id, n, now) or n.unsure_sends >= UNSURE_SENDS_ALLOWED:
            return False
        self.s.claimed[notification_id] = until
        self.s.leases[notification_id] = lease
        self.s.outbox[notification_id] = dataclasses.replace(n, unsure_sends=n.unsure_sends + 1)
        return True

    def abandon(self, notification_id: int, at: datetime, error: str) -> bool:
        n = self.s.outbox[notification_id]
        if not self._deliverable(notification_id, n, at) or n.unsure_sends < UNSURE_SENDS_ALLOWED:
            return False
        self.s.failed[notification_id] = at
        self.s.claimed.pop(notification_id, None)
        self.s.leases.pop(notification_id, None)
        return True

    def _counted(self, notification_id: int, unanswered: bool) -> None:
        n = self.s.outbox[notification_id]
        if not unanswered:  # Telegram did not take it: the claim's count is taken back
            taken_back = max(0, n.unsure_sends - 1)
            self.s.outbox[notification_id] = dataclasses.replace(n, unsure_sends=taken_back)

    def _holds(self, notification_id: int, lease: str) -> bool:
        return (
            self.s.leases.get(notification_id) == lease
            and notification_id not in self.s.sent
            and notification_id not in self.s.failed
        )

    def extend(self, notification_id: int, lease: str, until: datetime) -> bool:
        if not self._holds(notification_id, lease):
            return False
        self.s.claimed[notification_id] = until
        return True

    def mark_sent(self, notification_id: int, lease: str, at: datetime) -> bool:
        if not self._holds(notification_id, lease):
            return False
        self.s.sent[notification_id] = at
        self.s.claimed.pop(notification_id, None)
        return True

    def postpone(
        self,
        notification_id: int,
        lease: str,
        until: datetime,
        error: str,
        *,
        unanswered: bool = False,
    ) -> bool:
        if not self._holds(notification_id, lease):
            return False
        self.s.postponed[notification_id] = until
        self.s.claimed.pop(notification_id, None)
        self.s.leases.pop(notification_id, None)
        n = self.s.outbox[notification_id]
        self.s.outbox[notification_id] = dataclasses.replace(n, attempts=n.attempts + 1)
        self._counted(notification_id, unanswered)
        return True

    def fail(
        self,
        notification_id: int,
        lease: str,
        at: datetime,
        error: str,
        *,
        unanswered: bool = False,
    ) -> bool:
        if not self._holds(notification_id, lease):
            return False
        self.s.failed[notification_id] = at
        self.s.claimed.pop(notification_id, None)
        self._counted(notification_id, unanswered)
        return True

    def forget_sent_before(self, at: datetime) -> int:
        old = [i for i, t in [*self.s.sent.items(), *self.s.failed.items()] if t < at]
        for i in old:
            self.s.outbox.pop(i, None)
            self.s.sent.pop(i, None)
            self.s.failed.pop(i, None)
        return len(old)


class FakeCheckouts:
    def __init__(self, state: State) -> None:
        self.s = state

    def get(self, customer_id: int, *, for_update: bool = False) -> CheckoutDraft | None:
        found = self.s.checkouts.get(customer_id)
        return dataclasses.replace(found) if found else None

    def save(self, draft: CheckoutDraft) -> None:
        self.s.checkouts[draft.customer_id] = dataclasses.replace(draft)

    def delete(self, customer_id: int) -> bool:
        return self.s.checkouts.pop(customer_id, None) is not None

    def forget_before(self, at: datetime) -> int:
        old = [k for k, d in self.s.checkouts.items() if d.updated_at < at]
        for k in old:
            del self.s.checkouts[k]
        return len(old)


class FakePrompts:
    def __init__(self, state: State) -> None:
        self.s = state

    def get(self, telegram_user_id: int, *, for_update: bool = False) -> Prompt | None:
        found = self.s.prompts.get(telegram_user_id)
        return copy.deepcopy(found)

    def save(self, prompt: Prompt) -> None:
        self.s.prompts[prompt.telegram_user_id] = copy.deepcopy(prompt)

    def delete(self, telegram_user_id: int) -> None:
        self.s.prompts.pop(telegram_user_id, None)

    def forget_before(self, at: datetime) -> int:
        return _forget(self.s.prompts, lambda p: p.updated_at < at)


class FakeThrottles:
    def __init__(self, state: State) -> None:
        self.s = state

    def get(self, telegram_user_id: int) -> LoginThrottle:
        found = self.s.throttles.get(telegram_user_id)
        return dataclasses.replace(found) if found else LoginThrottle(telegram_user_id)

    def count_miss(self, telegram_user_id: int) -> int:
        throttle = self.s.throttles.setdefault(telegram_user_id, LoginThrottle(telegram_user_id))
        throttle.failed_attempts += 1
        return throttle.failed_attempts

    def lock(self, telegram_user_id: int, until: datetime) -> None:
        self.s.throttles[telegram_user_id].locked_until = until

    def reset(self, telegram_user_id: int) -> None:
        self.s.throttles.pop(telegram_user_id, None)

    def forget_before(self, at: datetime) -> int:
        return _forget(self.s.throttles, lambda t: t.locked_until is None or t.locked_until < at)


class FakeWatches:
    def __init__(self, state: State) -> None:
        self.s = state

    def add(self, customer_id: int, product_id: int, at: datetime) -> bool:
        return self.s.watches.setdefault((customer_id, product_id), at) is at

    def take(self, product_id: int) -> list[int]:
        mine = sorted((at, c) for (c, p), at in self.s.watches.items() if p == product_id)
        for _, c in mine:
            del self.s.watches[(c, product_id)]
        return [self.s.customers[c].telegram_user_id for _, c in mine]

    def has(self, customer_id: int, product_id: int) -> bool:
        return (customer_id, product_id) in self.s.watches

    def remove(self, customer_id: int, product_id: int) -> bool:
        return self.s.watches.pop((customer_id, product_id), None) is not None


class FakeFavourites:
    def __init__(self, state: State) -> None:
        self.s = state

    def add(self, customer_id: int, product_id: int, at: datetime) -> bool:
        return self.s.favourites.setdefault((customer_id, product_id), at) is at

    def remove(self, customer_id: int, product_id: int) -> bool:
        return self.s.favourites.pop((customer_id, product_id), None) is not None

    def has(self, customer_id: int, product_id: int) -> bool:
        return (customer_id, product_id) in self.s.favourites

    def among(self, wanted: Collection[tuple[int, int]]) -> set[tuple[int, int]]:
        ids = {c.telegram_user_id: c.id for c in self.s.customers.values()}
        return {(u, p) for u, p in wanted if (ids.get(u), p) in self.s.favourites}

    def items(self, customer_id: int, *, limit: int, offset: int = 0) -> list[Product]:
        mine = [self.s.products[p] for c, p in self.s.favourites if c == customer_id]
        mine.sort(key=lambda p: (not p.active, p.name, p.id or 0))
        return copy.deepcopy(mine[offset : offset + limit])

    def count(self, customer_id: int) -> int:
        return sum(1 for c, _ in self.s.favourites if c == customer_id)


class FakeChores:
    def __init__(self, state: State) -> None:
        self.s = state

    def first_today(self, name: str, day: date, at: datetime) -> bool:
        return self.s.chores.setdefault((name, day), at) is at


def _forget(table: dict[Any, Any], old: Callable[[Any], bool]) -> int:
    gone = [k for k, v in table.items() if old(v)]
    for k in gone:
        del table[k]
    return len(gone)


class FakeShields:
    def __init__(self, state: State) -> None:
        self.s = state

    def set_until(self, telegram_user_id: int, until: datetime) -> None:
        self.s.shields[telegram_user_id] = until

    def until(self, telegram_user_id: int) -> datetime | None:
        return self.s.shields.get(telegram_user_id)

    def lower(self, telegram_user_id: int) -> None:
        self.s.shields.pop(telegram_user_id, None)

    def forget_before(self, at: datetime) -> int:
        old = [k for k, v in self.s.shields.items() if v < at]
        for k in old:
            del self.s.shields[k]
        return len(old)


class FakeLanguages:
    def __init__(self, state: State) -> None:
        self.s = state

    def of(self, telegram_user_id: int) -> Languages:
        return Languages(self._chosen(telegram_user_id), self.s.app_languages.get(telegram_user_id))

    def of_many(self, telegram_user_ids: Collection[int]) -> dict[int, Languages]:
        return {user: self.of(user) for user in telegram_user_ids}

    def note_app(self, telegram_user_id: int, language: str) -> None:
        self.s.app_languages[telegram_user_id] = language

    def readers(self, telegram_user_ids: Collection[int]) -> dict[int, str]:
        found = {}
        for user in telegram_user_ids:
            if language := self._chosen(user) or self.s.app_languages.get(user):
                found[user] = language
        return found

    def _chosen(self, telegram_user_id: int) -> str | None:
        session = self.s.sessions.get(telegram_user_id)
        if session is not None and session.staff_id in self.s.staff_languages:
            return self.s.staff_languages[session.staff_id]
        customer = next(
            (c for c in self.s.customers.values() if c.telegram_user_id == telegram_user_id), None
        )
        return self.s.customer_languages.get(customer.id or 0) if customer else None

    def choose_for_customer(self, customer_id: int, language: str) -> None:
        self.s.customer_languages[customer_id] = language

    def choose_for_staff(self, staff_id: int, language: str) -> None:
        self.s.staff_languages[staff_id] = language


class FakeProcessedUpdates:
    def __init__(self, state: State) -> None:
        self.s = state

    def take(
        self, update_id: int, worker: str, at: datetime, alive_since: datetime, body: str | None
    ) -> Take:
        """Only what the domain tests need: new or seen (taking over is the real
        repository's, tested on both databases)."""
        return Take(self.s.updates.setdefault(update_id, at) is at)

    def take_many(
        self,
        updates: Sequence[tuple[int, str | None]],
        worker: str,
        at: datetime,
        alive_since: datetime,
    ) -> list[Take]:
        return [self.take(u, worker, at, alive_since, body) for u, body in updates]

    def mark_done(self, update_id: int, worker: str, at: datetime) -> bool:
        return update_id in self.s.updates

    def finish(self, update_ids: Collection[int], worker: str, at: datetime) -> None:
        pass

    def claim_abandoned(
        self, worker: str, alive_since: datetime, taken_since: datetime, limit: int
    ) -> dict[int, str]:
        return {}

    def beat(self, worker: str, at: datetime) -> datetime:
        return at

    def gone(self, worker: str) -> None:
        pass

    def forget_before(self, at: datetime) -> int:
        old = [k for k, v in self.s.updates.items() if v < at]
        for k in old:
            del self.s.updates[k]
        return len(old)


class FakeDigests:
    def __init__(self, state: State) -> None:
        self.s = state

    def queued_on(self, day: date) -> bool:
        return day in self.s.digests

    def mark_queued(self, day: date, at: datetime) -> None:
        self.s.digests[day] = at


class FakeSalesWindows:
    """No window is ever built: the analytics, which read them, run on the real repositories
    (tests/integration); completing an order here adds to nothing."""

    def __init__(self, state: State) -> None:
        self.s = state

    def start_of(self, days: int) -> datetime | None:
        return None

    def hold(self, days: int) -> datetime | None:
        return None

    def count_completed(self, order_id: int, at: datetime) -> None:
        pass

    def move(self, days: int, start: datetime, to: datetime) -> None:
        raise NotImplementedError("analytics run on the real repositories (tests/integration)")

    def rebuild(self, days: int, start: datetime) -> None:
        raise NotImplementedError("analytics run on the real repositories (tests/integration)")

    def forget(self) -> None:
        pass

    def range_sales(
        self,
        days: int,
        *,
        top: int,
        within: int,
        short: int,
        bounds: Callable[[int], tuple[int, ...]],
    ) -> RangeSales:
        raise NotImplementedError("analytics run on the real repositories (tests/integration)")

    def best_sellers(self, days: int, *, top: int) -> BestSellers:
        raise NotImplementedError("no window is built here: the report sums the lines")

    def bought_together(self, days: int, *, top: int) -> list[tuple[str, str, str, str, int]]:
        raise NotImplementedError("analytics run on the real repositories (tests/integration)")


class FakeQuestions:
    def __init__(self, state: State) -> None:
        self.s = state

    def add(self, question: Question) -> Question:
        saved = dataclasses.replace(question, id=next(self.s.ids))
        assert saved.id is not None
        self.s.questions[saved.id] = saved
        return copy.deepcopy(saved)

    def get(self, question_id: int) -> Question | None:
        return copy.deepcopy(self.s.questions.get(question_id))

    def count_unanswered(self, customer_id: int) -> int:
        return sum(
            1
            for q in self.s.questions.values()
            if q.customer_id == customer_id and q.answer is None
        )

    def answer(self, question_id: int, text: str, at: datetime, by: str) -> bool:
        question = self.s.questions.get(question_id)
        if question is None or question.answer is not None:
            return False
        question.answer, question.answered_at, question.answered_by = text, at, by
        return True


class FakeWaiting:
    """What waits for the shop is read across orders, payments, questions and the outbox in
    SQL: its use cases run on the real repositories (SQLite in tests), not on a second
    implementation kept in step here."""

    def __getattr__(self, name: str) -> Any:
        raise NotImplementedError(f"waiting.{name}: run this use case on the real repositories")


class FakeNews:
    """Who wants news. The audiences narrowed by purchases and absence are SQL's alone (run
    through the real repository in tests/integration); here, everyone who opted in."""

    def __init__(self, state: State) -> None:
        self.s = state

    def choice(self, customer_id: int) -> NewsChoice | None:
        return self.s.news.get(customer_id)

    def ask_once(self, customer_id: int, at: datetime) -> bool:
        if customer_id in self.s.news:
            return False
        self.s.news[customer_id] = NewsChoice(False, asked_at=at)
        return True

    def choose(self, customer_id: int, wants: bool, at: datetime) -> None:
        old = self.s.news.get(customer_id, NewsChoice())
        blocked = None if wants else old.blocked_at
        self.s.news[customer_id] = NewsChoice(wants, old.asked_at, at, blocked)

    def unsubscribe(self, customer_id: int, at: datetime) -> bool:
        old = self.s.news.get(customer_id)
        if old is None or not old.wants:
            return False
        self.s.news[customer_id] = dataclasses.replace(old, wants=False, chosen_at=at)
        return True

    def mark_blocked(self, telegram_user_id: int, at: datetime) -> bool:
        customer = next(
            (c for c in self.s.customers.values() if c.telegram_user_id == telegram_user_id), None
        )
        old = self.s.news.get(customer.id or 0) if customer else None
        if customer is None or customer.id is None or old is None or old.blocked_at:
            return False
        self.s.news[customer.id] = dataclasses.replace(old, blocked_at=at)
        return True

    def _reachable(self) -> list[Recipient]:
        return [
            Recipient(c.id, c.telegram_user_id)
            for c in sorted(self.s.customers.values(), key=lambda c: c.id or 0)
            if c.id is not None and (choice := self.s.news.get(c.id)) and choice.reachable
        ]

    def audience(
        self, audience: Audience, category: str | None, since: datetime
    ) -> list[Recipient]:
        if audience is not Audience.EVERYONE:
            raise NotImplementedError("narrowed audiences are tested on the real repository")
        return self._reachable()

    def cart_changed(self, customer_id: int, at: datetime) -> None:
        _, reminded = self.s.cart_activity.get(customer_id, (at, None))
        self.s.cart_activity[customer_id] = (at, reminded)

    def idle_carts(self, before: datetime, *, limit: int) -> list[IdleCart]:
        idle = []
        for recipient in self._reachable():
            changed, reminded = self.s.cart_activity.get(recipient.customer_id, (None, None))
            if changed is None or changed > before or not self.s.carts.get(recipient.customer_id):
                continue
            if reminded != changed:
                idle.append(IdleCart(recipient.customer_id, recipient.telegram_user_id, changed))
        return idle[:limit]

    def mark_reminded(self, customer_id: int, changed_at: datetime) -> bool:
        changed, reminded = self.s.cart_activity.get(customer_id, (None, None))
        if changed != changed_at or reminded == changed_at:
            return False
        self.s.cart_activity[customer_id] = (changed_at, changed_at)
        return True


class FakeAnnouncements:
    def __init__(self, state: State) -> None:
        self.s = state

    def add(self, announcement: Announcement) -> Announcement:
        saved = dataclasses.replace(announcement, id=next(self.s.ids))
        assert saved.id is not None
        self.s.announcements[saved.id] = saved
        return saved

    def get(self, announcement_id: int) -> Announcement | None:
        return self.s.announcements.get(announcement_id)

    def mark_queued(self, announcement_id: int, at: datetime) -> bool:
        found = self.s.announcements.get(announcement_id)
        if found is None or found.queued_at is not None:
            return False
        self.s.announcements[announcement_id] = dataclasses.replace(found, queued_at=at)
        return True

    def add_recipients(self, announcement_id: int, customer_ids: Sequence[int]) -> None:
        for customer_id in customer_ids:
            self.s.recipients[announcement_id, customer_id] = (Outcome.QUEUED, None)
        found = self.s.announcements[announcement_id]
        self.s.announcements[announcement_id] = dataclasses.replace(
            found, recipients=len(customer_ids)
        )

    def record(self, announcement_id: int, customer_id: int, outcome: Outcome) -> bool:
        old = self.s.recipients.get((announcement_id, customer_id))
        if old is None or old[0] is not Outcome.QUEUED:
            return False
        self.s.recipients[announcement_id, customer_id] = (outcome, old[1])
        return True

    def mark_unsubscribed(self, announcement_id: int, customer_id: int, at: datetime) -> bool:
        old = self.s.recipients.get((announcement_id, customer_id))
        if old is None or old[1] is not None:
            return False
        self.s.recipients[announcement_id, customer_id] = (old[0], at)
        return True

    def latest(self, *, limit: int) -> list[AnnouncementCounts]:
        sent = [a for a in self.s.announcements.values() if a.queued_at is not None]
        sent.sort(key=lambda a: (a.queued_at, a.id), reverse=True)
        shown = []
        for announcement in sent[:limit]:
            mine = [v for (a, _), v in self.s.recipients.items() if a == announcement.id]
            shown.append(
                AnnouncementCounts(
                    announcement,
                    sum(1 for outcome, _ in mine if outcome is Outcome.DELIVERED),
                    sum(1 for outcome, _ in mine if outcome is Outcome.BLOCKED),
                    sum(1 for outcome, _ in mine if outcome is Outcome.FAILED),
                    sum(1 for _, unsubscribed in mine if unsubscribed is not None),
                )
            )
        return shown

    def forget_drafts_before(self, at: datetime) -> int:
        drafts = [
            i for i, a in self.s.announcements.items() if a.queued_at is None and a.created_at < at
        ]
        for announcement_id in drafts:
            del self.s.announcements[announcement_id]
        return len(drafts)


class FakeUnitOfWork:
    def __init__(self, state: State | None = None) -> None:
        self.committed = state or State()
        self.commits = 0
        self._reading = False

    def reading(self) -> Self:
        self._reading = True
        return self

    def __enter__(self) -> Self:
        self.working = copy.deepcopy(self.committed)
        self.products = FakeProducts(self.working)
        self.catalogue = FakeCatalogueVersion(self.working)
        self.ledger = FakeLedger(self.working)
        self.customers = FakeCustomers(self.working)
        self.carts = FakeCarts(self.working)
        self.orders = FakeOrders(self.working)
        self.staff = FakeStaff(self.working)
        self.sessions = FakeSessions(self.working)
        self.invites = FakeInvites(self.working)
        self.web = FakeWebAccess(self.working)
        self.staged = FakeStagedUploads(self.working)
        self.photos = FakePhotos(self.working)
        self.store_details = FakeStoreDetails(self.working)
        self.offers = FakeOffers(self.working)
        self.promo_codes = FakePromoCodes(self.working)
        self.ratings = FakeRatings(self.working)
        self.outbox = FakeOutbox(self.working)
        self.checkouts = FakeCheckouts(self.working)
        self.prompts = FakePrompts(self.working)
        self.throttles = FakeThrottles(self.working)
        self.digests = FakeDigests(self.working)
        self.windows = FakeSalesWindows(self.working)
        self.shields = FakeShields(self.working)
        self.chores = FakeChores(self.working)
        self.watches = FakeWatches(self.working)
        self.favourites = FakeFavourites(self.working)
        self.news = FakeNews(self.working)
        self.announcements = FakeAnnouncements(self.working)
        self.updates = FakeProcessedUpdates(self.working)
        self.languages = FakeLanguages(self.working)
        self.questions = FakeQuestions(self.working)
        self.waiting = FakeWaiting()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._reading = False
        self.rollback()

    def commit(self) -> None:
        if self._reading:  # as the real one: a reading use case commits nothing
            raise RuntimeError("a unit of work opened for reading commits nothing")
        if self.working.catalogue_changed:
            self.working.catalogue_version += 1
            self.working.catalogue_changed = False
        self.committed = self.working
        self.working = copy.deepcopy(self.committed)
        self._rebind()
        self.commits += 1

    def rollback(self) -> None:
        self.working = copy.deepcopy(self.committed)
        self._rebind()

    def _rebind(self) -> None:
        for repo in (
            self.products,
            self.catalogue,
            self.ledger,
            self.customers,
            self.carts,
            self.orders,
            self.staff,
            self.sessions,
            self.invites,
            self.web,
            self.staged,
            self.photos,
            self.store_details,
            self.offers,
            self.ratings,
            self.outbox,
            self.checkouts,
            self.prompts,
            self.throttles,
            self.digests,
            self.shields,
            self.updates,
            self.chores,
            self.watches,
            self.favourites,
            self.news,
            self.announcements,
            self.questions,
        ):
            repo.s = self.working
