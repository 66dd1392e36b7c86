"""The schema. Migrations in migrations/ build exactly this; a test checks they agree."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    false,
)
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.persistence.types import Percent, Quantity, UtcDateTime, exact_text

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
LONG_TEXT = Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb")  # up to 16 MB there
MYSQL_TABLE = {
    "mysql_engine": "InnoDB",
    "mysql_charset": "utf8mb4",
    "mysql_collate": "utf8mb4_unicode_ci",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ProductRow(Base):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        # Items on sale: the list of categories, a category's count and its page in name
        # order, each read from this index alone.
        Index("ix_products_active_category_name", "active", "category", "name"),
        # Items on sale from the lowest stock up: the low-stock list stops after its first 40.
        Index("ix_products_active_stock_name", "active", "stock", "name"),
        # Items on sale in name order: a report's first items that did not sell.
        Index("ix_products_active_name", "active", "name"),
        # Every item in the catalogue's order, archived ones too: a page of the back office's
        # items table, however deep, from this index alone.
        Index("ix_products_category_name", "category", "name"),
        MYSQL_TABLE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sku: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(60))
    unit: Mapped[str] = mapped_column(String(8))
    step: Mapped[Decimal] = mapped_column(Quantity)
    price_minor: Mapped[int] = mapped_column(BigInteger)
    description: Mapped[str] = mapped_column(Text)
    low_stock_threshold: Mapped[Decimal | None] = mapped_column(Quantity)
    active: Mapped[bool] = mapped_column(Boolean, index=True)
    photo_file_id: Mapped[str | None] = mapped_column(String(255))
    # The web address the photo was fetched from (bot.domain.catalogue.Product.photo_address).
    photo_address: Mapped[str | None] = mapped_column(String(255))
    stock: Mapped[Decimal] = mapped_column(Quantity)
    search_text: Mapped[str] = mapped_column(String(400))
    # Set when a low-stock alert went out; cleared when stock rises above the threshold again.
    low_stock_alerted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # VAT rate in percent (5.5, 20); NULL: the store's default (SHOPKEEPS_DEFAULT_VAT_RATE).
    vat_rate: Mapped[Decimal | None] = mapped_column(Percent)


class CatalogueVersionRow(Base):
    """The catalogue as customers see it, versioned: a transaction that changes what a browse
    screen shows adds a random step to one of a few rows (bot.persistence.repositories.catalogue
    says why), and the version is their sum, which every update's record reads."""

    __tablename__ = "catalogue_versions"
    __table_args__ = (MYSQL_TABLE,)

    shard: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger)


class LedgerRow(Base):
    __tablename__ = "stock_ledger"
    __table_args__ = (
        Index("ix_stock_ledger_product_id_id", "product_id", "id"),
        # The moves since a moment, oldest first: the ledger export.
        Index("ix_stock_ledger_at", "at"),
        MYSQL_TABLE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    reason: Mapped[str] = mapped_column(String(24))
    change: Mapped[Decimal] = mapped_column(Quantity)
    resulting_level: Mapped[Decimal] = mapped_column(Quantity)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(String(500))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)


class CustomerRow(Base):
    __tablename__ = "customers"
    __table_args__ = (MYSQL_TABLE,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # None once the customer was erased (/forgetme): their anonymised orders still point here.
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    name: Mapped[str] = mapped_column(String(120))
    username: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(20))
    language: Mapped[str | None] = mapped_column(String(8))  # chosen with /language


class CartLineRow(Base):
    __tablename__ = "cart_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"), MYSQL_TABLE)

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    seen_price_minor: Mapped[int] = mapped_column(BigInteger)
    position: Mapped[int] = mapped_column(Integer)


class OrderRow(Base):
    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_status_placed_at", "status", "placed_at"),
        # A customer's completed orders in time: whether a buyer came back (analytics).
        Index("ix_orders_customer_completed", "customer_id", "completed_at"),
        # Covers the report's revenue per day: no row is read, only this index.
        Index("ix_orders_placed_at_totals", "placed_at", "status", "total_minor"),
        # A customer's uses of a promo code, counted under its row lock at each redemption.
        Index("ix_orders_promo_code_customer", "promo_code_id", "customer_id"),
        # Completed orders not yet in the running totals: none, but during an upgrade.
        Index("ix_orders_sales_counted", "sales_counted", "completed_at"),
        # Covers the report's takings: orders, delivery fees and money per way it was taken,
        # per day of completion.
        Index(
            "ix_orders_completed_takings",
            "completed_at",
            "money_taken",
            "total_minor",
            "delivery_fee_minor",
            "extra_taken",
            "extra_taken_minor",
        ),
        MYSQL_TABLE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    status: Mapped[str] = mapped_column(String(24))
    fulfilment: Mapped[str] = mapped_column(String(16))
    pickup_slot: Mapped[datetime | None] = mapped_column(UtcDateTime)
    address: Mapped[str | None] = mapped_column(String(300))
    delivery_fee_minor: Mapped[int] = mapped_column(BigInteger)
    # A delivery's time window, chosen at checkout (none: the store offers no windows).
    delivery_from: Mapped[datetime | None] = mapped_column(UtcDateTime)
    delivery_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    phone: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(500))
    currency: Mapped[str] = mapped_column(String(3))
    total_minor: Mapped[int] = mapped_column(BigInteger)
    placed_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    payment_method: Mapped[str] = mapped_column(String(16), server_default="on_handover")
    # Online orders not paid by then are released; indexed for the job that finds them.
    pay_by: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    refund_due_minor: Mapped[int] = mapped_column(BigInteger, server_default="0")
    # The total it was placed at (what a Telegram invoice asks); total_minor follows the
    # picking (bot.domain.picking). NULL: placed before it was kept, its total never changed.
    placed_total_minor: Mapped[int | None] = mapped_column(BigInteger)
    # Staff changed what it holds and the customer has not been told yet.
    changes_untold: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    pickup_code: Mapped[str | None] = mapped_column(String(8), unique=True, index=True)
    # The promo code it was placed with, and its discount as it was then (bot.domain.promo_codes).
    promo_code_id: Mapped[int | None] = mapped_column(ForeignKey("promo_codes.id"))
    promo_code: Mapped[str | None] = mapped_column(String(24))
    promo_percent: Mapped[Decimal | None] = mapped_column(Percent)
    promo_amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    promo_items_minor: Mapped[int | None] = mapped_column(BigInteger)  # the items then
    # Waiting for the shop: when a member on duty first saw it, and when the managers were
    # told nobody had (bot.domain.waiting); the job finds them by status and placed_at.
    seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    unseen_alerted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Set together when it is completed: what is revenue, and how its money was taken
    # (bot.domain.payments.MoneyTaken; NULL for orders completed before it was recorded).
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    money_taken: Mapped[str | None] = mapped_column(String(16))
    # Paid in Telegram, then picked heavier: how the rest was taken at the hand-over, and
    # how much (the report counts it there, not as Telegram money).
    extra_taken: Mapped[str | None] = mapped_column(String(16))
    extra_taken_minor: Mapped[int] = mapped_column(BigInteger, server_default="0")
    # In the analytics' running totals (sales_quarters, sales_days, the windows): set with the
    # completion, or by the running totals' job for an order completed by a worker of an
    # older release during an upgrade (bot.domain.services.sales_windows.count_uncounted).
    sales_counted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    lines: Mapped[list[OrderLineRow]] = relationship(order_by="OrderLineRow.id", lazy="selectin")
    # Read beside the order, never locked with it (a join would lock the customer's row too).
    customer: Mapped[CustomerRow] = relationship(lazy="selectin")
    payments: Mapped[list[PaymentRow]] = relationship(order_by="PaymentRow.id", lazy="selectin")
    history: Mapped[list[StatusChangeRow]] = relationship(
        order_by="StatusChangeRow.id", lazy="selectin"
    )


class PaymentRow(Base):
    """A payment Telegram reported; its charge id makes a redelivered one change nothing."""

    __tablename__ = "payments"
    __table_args__ = (MYSQL_TABLE,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    telegram_charge_id: Mapped[str] = mapped_column(String(255), unique=True)
    provider_charge_id: Mapped[str] = mapped_column(String(255))
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    paid_at: Mapped[datetime] = mapped_column(UtcDateTime)


class OrderLineRow(Base):
    __tablename__ = "order_lines"
    __table_args__ = (
        # Covers sales per item, in item order: the report reads this index, not the lines
        # and not their orders.
        Index(
            "ix_order_lines_product_sales",
            "product_id",
            "cancelled",
            "placed_at",
            "quantity",
            "line_total_minor",
        ),
        # The same in time order: a short period's sales are a slice of it.
        Index(
            "ix_order_lines_sales_by_time",
            "cancelled",
            "placed_at",
            "product_id",
            "quantity",
            "line_total_minor",
        ),
        # Covers the report's item sales (completed orders only), in time order.
        Index(
            "ix_order_lines_completed_sales",
            "completed_at",
            "product_id",
            "quantity",
            "line_total_minor",
        ),
        # The same in item order: a long period's sales already grouped.
        Index(
            "ix_order_lines_product_completed",
            "product_id",
            "completed_at",
            "quantity",
            "line_total_minor",
        ),
        MYSQL_TABLE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    sku: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(120))
    unit: Mapped[str] = mapped_column(String(8))
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    unit_price_minor: Mapped[int] = mapped_column(BigInteger)
    line_total_minor: Mapped[int] = mapped_column(BigInteger)
    # Copied from the order (its time never changes; `cancelled` follows its status) so that
    # sales per item are summed from this table alone.
    placed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # What was ordered, kept once staff pick it otherwise (bot.domain.picking): the quantity,
    # and the item it replaced; NULL while the line is as ordered. A missing line sells 0.
    ordered_quantity: Mapped[Decimal | None] = mapped_column(Quantity)
    ordered_product_id: Mapped[int | None] = mapped_column(Integer)
    ordered_name: Mapped[str | None] = mapped_column(String(120))
    # Copied from the order when it is completed: the report's item sales read this alone.
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The VAT rate (percent) the line was sold at; NULL: sold before rates were kept, counted
    # at the store's default rate.
    vat_rate: Mapped[Decimal | None] = mapped_column(Percent)


class OrderVatRow(Base):
    """The VAT a completed order's receipt stated, per rate, kept as issued: a change of the
    store's default rate later changes no past receipt nor report, and the report sums these
    few rows instead of every line (bot.domain.receipts)."""

    __tablename__ = "order_vat"
    __table_args__ = (
        Index("ix_order_vat_completed", "completed_at", "rate", "gross_minor", "vat_minor"),
        MYSQL_TABLE,
    )

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    rate: Mapped[Decimal] = mapped_column(Percent, primary_key=True, autoincrement=False)
    completed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    gross_minor: Mapped[int] = mapped_column(BigInteger)
    vat_minor: Mapped[int] = mapped_column(BigInteger)


class SalesSums:
    """Completed orders summed (sales_quarters, sales_days): how many, their totals (goods and
    fees), their delivery fees, and what the picking added that was taken another way."""

    orders: Mapped[int] = mapped_column(Integer)
    total_minor: Mapped[int] = mapped_column(BigInteger)
    fees_minor: Mapped[int] = mapped_column(BigInteger)
    extra_minor: Mapped[int] = mapped_column(BigInteger)


class SalesQuarterRow(SalesSums, Base):
    """Completed orders summed per quarter hour of completion (UTC), by how their money was
    taken: the analytics' days and hours of a year read these 35,000 rows at most instead of
    every order. Every time zone's offset is whole quarter hours, so any local day is a run
    of whole quarters. Added to as each order completes (bot.domain.services.orders)."""

    __tablename__ = "sales_quarters"
    __table_args__ = (MYSQL_TABLE,)

    # Seconds since 1970-01-01 00:00 UTC, divided by 900.
    quarter: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # As on the order; '' where it has none (a key's parts cannot be NULL).
    money_taken: Mapped[str] = mapped_column(String(16), primary_key=True)
    extra_taken: Mapped[str] = mapped_column(String(16), primary_key=True)


class SalesDayRow(SalesSums, Base):
    """A day that is over, in one time zone, summed from its quarters once: no order can be
    completed in it any more, so the overview's year and the year before read 730 of these
    rather than 70,000 quarters (bot.domain.services.sales_windows.close_days)."""

    __tablename__ = "sales_days"
    __table_args__ = (MYSQL_TABLE,)

    zone: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    money_taken: Mapped[str] = mapped_column(String(16), primary_key=True)
    extra_taken: Mapped[str] = mapped_column(String(16), primary_key=True)


class SalesZoneRow(Base):
    """Through which day the days of a time zone are summed in sales_days (a day with no
    sale has no row there)."""

    __tablename__ = "sales_zones"
    __table_args__ = (MYSQL_TABLE,)

    zone: Mapped[str] = mapped_column(String(64), primary_key=True)
    through: Mapped[date | None] = mapped_column(Date)


class SalesWindowRow(Base):
    """A running sum of what sold since `starts_at`, for the analytics' "last N days": the
    lines of each order completed since are added as it completes, and each local midnight
    moves `starts_at` on, taking off the day that left (bot.domain.services.sales_windows).
    NULL: not built yet (its rows are not to be read)."""

    __tablename__ = "sales_windows"
    __table_args__ = (MYSQL_TABLE,)

    days: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    starts_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class WindowItemRow(Base):
    """Per window, each item's quantity sold and revenue (no row: none sold)."""

    __tablename__ = "window_items"
    __table_args__ = (MYSQL_TABLE,)

    days: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    product_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    revenue: Mapped[int] = mapped_column(BigInteger)


class WindowPairRow(Base):
    """Per window, how many orders held both items (first_id < second_id; no row: none)."""

    __tablename__ = "window_pairs"
    __table_args__ = (MYSQL_TABLE,)

    days: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    first_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    second_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    orders: Mapped[int] = mapped_column(Integer)


# The rankings read in their own order from these, most first (no sort of a year's 99,000
# items or 440,000 pairs for the first 20): the ABC classes, the best sellers, the pairs.
def _window_ranking(name: str, first: Any, then: Any) -> Index:
    """A window's items in a ranking's own order (ranking.in_rank): most first, ties by the
    other measure, then the lower id."""
    return Index(name, WindowItemRow.days, first.desc(), then.desc(), WindowItemRow.product_id)


_window_ranking("ix_window_items_revenue", WindowItemRow.revenue, WindowItemRow.quantity)
_window_ranking("ix_window_items_quantity", WindowItemRow.quantity, WindowItemRow.revenue)
Index(
    "ix_window_pairs_orders",
    WindowPairRow.days,
    WindowPairRow.orders.desc(),
    WindowPairRow.first_id,
    WindowPairRow.second_id,
)


class StatusChangeRow(Base):
    __tablename__ = "order_status_changes"
    __table_args__ = (MYSQL_TABLE,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    status: Mapped[str] = mapped_column(String(24))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(500))


class StaffRow(Base):
    __tablename__ = "staff_accounts"
    __table_args__ = (MYSQL_TABLE,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(32), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(60))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean)
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    language: Mapped[str | None] = mapped_column(String(8))  # chosen with /language


class StaffSessionRow(Base):
    __tablename__ = "staff_sessions"
    __table_args__ = (MYSQL_TABLE,)

    telegram_user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class WebLinkRow(Base):
    """A single-use way into the back office, sent in the chat (SHA-256 of its secret)."""

    __tablename__ = "web_links"
    __table_args__ = (MYSQL_TABLE,)

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id"), index=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class WebSessionRow(Base):
    """A browser in the back office (SHA-256 of its cookie), hanging on a chat login."""

    __tablename__ = "web_sessions"
    __table_args__ = (MYSQL_TABLE,)

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id"), index=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger)
    staff_started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    csrf: Mapped[str] = mapped_column(String(64))
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class StagedUploadRow(Base):
    """A file uploaded to the back office and shown as a preview, kept until it is confirmed
    (any worker may take the confirmation) or forgotten a day later."""

    __tablename__ = "staged_uploads"
    __table_args__ = (MYSQL_TABLE,)

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    body: Mapped[bytes] = mapped_column(
        LargeBinary().with_variant(mysql.MEDIUMBLOB(), "mysql", "mariadb")
    )
    staged_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class PhotoRow(Base):
    """An item photo uploaded to the back office, by the SHA-256 of its (re-encoded) bytes:
    served at a public address from which Telegram fetches it once."""

    __tablename__ = "photos"
    __table_args__ = (MYSQL_TABLE,)

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(32))
    body: Mapped[bytes] = mapped_column(
        LargeBinary().with_variant(mysql.MEDIUMBLOB(), "mysql", "mariadb")
    )
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)


class StoreDetailsRow(Base):
    """The shop's details a manager set in the back office (one row; NULL: as the
    environment says)."""

    __tablename__ = "store_details"
    __table_args__ = (MYSQL_TABLE,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    hours: Mapped[str | None] = mapped_column(String(500))
    closed: Mapped[str | None] = mapped_column(String(2000))
    address: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    delivery_fee_minor: Mapped[int | None] = mapped_column(BigInteger)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    changed_by: Mapped[str] = mapped_column(String(64))


class InviteRow(Base):
    __tablename__ = "invites"
    __table_args__ = (MYSQL_TABLE,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # SHA-256 of the code: a leaked database does not leak usable invites.
    code_digest: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id"))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    used_by: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))
    # A password reset: the account whose password it sets (NULL: a sign-up invite).
    resets: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))


class OutboxRow(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_sent_at_next_attempt_at", "sent_at", "next_attempt_at"),
        MYSQL_TABLE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(24))
    payload: Mapped[dict[str, str]] = mapped_column(JSON)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer)
    # Sends that may have reached Telegram with no answer back (timed out, or the worker died
    # holding the lease): the sender gives up rather than risk a second duplicate.
    unsure_sends: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str] = mapped_column(String(500))
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Who holds the lease: only they may mark the row sent, postponed or failed.
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    failed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class DigestRunRow(Base):
    """One row per local day a low-stock digest was queued: two processes send it once."""

    __tablename__ = "digest_runs"
    __table_args__ = (MYSQL_TABLE,)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    queued_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PromptRow(Base):
    """A question waiting for one person's typed answer (never a password)."""

    __tablename__ = "prompts"
    __table_args__ = (MYSQL_TABLE,)

    telegram_user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(24))
    step: Mapped[str] = mapped_column(String(24))
    data: Mapped[dict[str, str | int | None]] = mapped_column(JSON)  # the typed draft
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class LoginThrottleRow(Base):
    """Wrong passwords per Telegram account, for the lock-out that follows the person."""

    __tablename__ = "login_throttles"
    __table_args__ = (MYSQL_TABLE,)

    telegram_user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    failed_attempts: Mapped[int] = mapped_column(Integer)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CheckoutRow(Base):
    """A checkout in progress: one per customer, gone once the order is placed."""

    __tablename__ = "checkouts"
    __table_args__ = (MYSQL_TABLE,)

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id"), primary_key=True, autoincrement=False
    )
    step: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str | None] = mapped_column(String(16))
    pickup_slot: Mapped[datetime | None] = mapped_column(UtcDateTime)
    address: Mapped[str | None] = mapped_column(String(300))
    delivery_from: Mapped[datetime | None] = mapped_column(UtcDateTime)
    phone: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(500))
    promo_code: Mapped[str | None] = mapped_column(String(24))  # given, and fitting when given
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ProcessedUpdateRow(Base):
    """Telegram update ids already handled: a redelivered update is acknowledged, not applied."""

    __tablename__ = "processed_updates"
    __table_args__ = (MYSQL_TABLE,)

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)  # taken at
    # The worker (process) that took it, and when a transaction of its handling committed:
    # an update taken by a worker that died before committing is taken over, never one whose
    # work was committed (NULL taker: recorded before takers were kept, so done).
    taken_by: Mapped[str | None] = mapped_column(String(32))
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    # The update as Telegram sent it, kept only until it is handled: a worker killed with it
    # in hand leaves it for another (polling has already told Telegram it arrived).
    body: Mapped[str | None] = mapped_column(
        Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb")
    )


class WorkerRow(Base):
    """Each running bot process says it lives every few seconds: what it took and did not
    finish is taken over only once it has gone quiet."""

    __tablename__ = "workers"
    __table_args__ = (MYSQL_TABLE,)

    worker_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class AppLanguageRow(Base):
    """The language of a person's Telegram app, as last seen, for the messages they are sent
    outside a reply (notifications)."""

    __tablename__ = "app_languages"
    __table_args__ = (MYSQL_TABLE,)

    telegram_user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    language: Mapped[str] = mapped_column(String(8))


class ShownCardRow(Base):
    """The item card a person saw last: an amount they type right after it is that item's
    (no foreign key: written with every card, it must not lock the item's row)."""

    __tablename__ = "shown_cards"
    __table_args__ = (MYSQL_TABLE,)

    telegram_user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    product_id: Mapped[int] = mapped_column(Integer)
    shown_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ChoreRunRow(Base):
    """One row per chore and local day: the first worker to insert it does the chore."""

    __tablename__ = "chore_runs"
    __table_args__ = (MYSQL_TABLE,)

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    ran_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PasswordShieldRow(Base):
    """Until when this person's next messages may hold a password: deleted, never read."""

    __tablename__ = "password_shields"
    __table_args__ = (MYSQL_TABLE,)

    telegram_user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    until: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class StockWatchRow(Base):
    """A customer waiting for a sold-out item: told once when it is back, then forgotten."""

    __tablename__ = "stock_watches"
    __table_args__ = (MYSQL_TABLE,)

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id"), primary_key=True, autoincrement=False
    )
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id"), primary_key=True, autoincrement=False, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class OfferRow(Base):
    """An item or a category at a lower price for a while (bot.domain.offers). Ending one
    early moves its end to that moment: the row stays, as the record of what was sold how."""

    __tablename__ = "offers"
    __table_args__ = (Index("ix_offers_ends_at", "ends_at"), MYSQL_TABLE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"), index=True)
    category: Mapped[str | None] = mapped_column(String(60))
    # A percentage off, or the new price: exactly one of them.
    percent: Mapped[Decimal | None] = mapped_column(Percent)
    price_minor: Mapped[int | None] = mapped_column(BigInteger)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Set when a manager ends it early (its end moved to then): it is ended once.
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class PromoCodeRow(Base):
    """A code managers give out (bot.domain.promo_codes). `used` counts the orders placed with
    it and not cancelled; it is raised under the row's lock, so its last use goes once."""

    __tablename__ = "promo_codes"
    __table_args__ = (MYSQL_TABLE,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    # A percentage off, or an amount off: exactly one of them.
    percent: Mapped[Decimal | None] = mapped_column(Percent)
    amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    min_basket_minor: Mapped[int] = mapped_column(BigInteger)
    starts_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    max_uses: Mapped[int | None] = mapped_column(Integer)
    per_customer: Mapped[int] = mapped_column(Integer)
    used: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class FavouriteRow(Base):
    """An item a customer keeps one tap away (⭐ on its card). The key is the customer and the
    item: a double tap, or two workers at once, keep one row."""

    __tablename__ = "favourites"
    __table_args__ = (MYSQL_TABLE,)

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id"), primary_key=True, autoincrement=False
    )
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id"), primary_key=True, autoincrement=False, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class OrderRatingRow(Base):
    """A completed order rated by its customer (bot.domain.ratings): one row per order."""

    __tablename__ = "order_ratings"
    __table_args__ = (CheckConstraint("stars BETWEEN 1 AND 5", name="stars_1_to_5"), MYSQL_TABLE)

    order_id: Mapped[int] = mapped_column(
        ForeignKey("orders.id"), primary_key=True, autoincrement=False
    )
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    stars: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class QuestionRow(Base):
    """A customer's question to the shop ("💬 Ask the shop") and the staff's answer."""

    __tablename__ = "questions"
    __table_args__ = (
        # The questions still waiting and unseen, oldest first: what the unseen check reads.
        Index("ix_questions_waiting", "answered_at", "seen_at", "unseen_alerted_at", "asked_at"),
        MYSQL_TABLE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    text: Mapped[str] = mapped_column(String(1000))
    asked_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    answer: Mapped[str | None] = mapped_column(String(1000))
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    answered_by: Mapped[str | None] = mapped_column(String(80))
    # When a member on duty first saw it, and when the managers were told nobody had.
    seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    unseen_alerted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class SendTickRow(Base):
    """A block of send ticks owned by one worker for the messages the bot starts itself:
    Telegram's bulk limit is per bot, so who sends when lives where all workers see it.
    `tick` is the block's number; `used` is 1 (kept from when each row counted messages)."""

    __tablename__ = "send_ticks"
    __table_args__ = (MYSQL_TABLE,)

    lane: Mapped[str] = mapped_column(String(8), primary_key=True)
    tick: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    used: Mapped[int] = mapped_column(Integer)


class SendPauseRow(Base):
    """Telegram said wait (429): until when each scope (a chat, the bot's bulk messages, every
    call) waits, for every worker. Unix milliseconds: the same on every database."""

    __tablename__ = "send_pauses"
    __table_args__ = (MYSQL_TABLE,)

    scope: Mapped[str] = mapped_column(String(48), primary_key=True)
    until_ms: Mapped[int] = mapped_column(BigInteger)


class SearchTermRow(Base):
    """The search index: each item's words (see bot.domain.search), with where they come from."""

    __tablename__ = "search_terms"
    __table_args__ = (MYSQL_TABLE,)

    term: Mapped[str] = mapped_column(exact_text(40), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True, index=True)
    field: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)


class SearchVariantRow(Base):
    """Every indexed word with each of its one-letter deletions, to find typos by lookup."""

    __tablename__ = "search_variants"
    __table_args__ = (MYSQL_TABLE,)

    variant: Mapped[str] = mapped_column(exact_text(40), primary_key=True)
    term: Mapped[str] = mapped_column(exact_text(40), primary_key=True)


class NewsChoiceRow(Base):
    """A customer's answer to "would you like news?" (bot.domain.news): none, no row; asked
    and not answered, a row with `wants` false. `blocked_at`: a message to them was refused."""

    __tablename__ = "news_choices"
    __table_args__ = (MYSQL_TABLE,)

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id"), primary_key=True, autoincrement=False
    )
    wants: Mapped[bool] = mapped_column(Boolean)
    asked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    chosen_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    blocked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CartActivityRow(Base):
    """When a customer's cart last changed, and the cart (by that moment) they were last
    reminded of: a cart changed since is a new cart. Compared as kept, never against another
    clock, so workers whose clocks differ cannot remind of one cart twice."""

    __tablename__ = "cart_activity"
    __table_args__ = (MYSQL_TABLE,)

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id"), primary_key=True, autoincrement=False
    )
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    reminded_of: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AnnouncementRow(Base):
    """A manager's announcement: a draft until confirmed (`queued_at`), then sent once."""

    __tablename__ = "announcements"
    __table_args__ = (MYSQL_TABLE,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    photo_file_id: Mapped[str | None] = mapped_column(String(255))
    audience: Mapped[str] = mapped_column(String(8))
    category: Mapped[str | None] = mapped_column(String(60))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    queued_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    recipients: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class AnnouncementRecipientRow(Base):
    """One person an announcement was queued for, and what became of it."""

    __tablename__ = "announcement_recipients"
    __table_args__ = (MYSQL_TABLE,)

    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("announcements.id"), primary_key=True, autoincrement=False
    )
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id"), primary_key=True, autoincrement=False, index=True
    )
    outcome: Mapped[str] = mapped_column(String(12))
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
