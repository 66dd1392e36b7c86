from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text, update

from bot.domain.payments import MoneyTaken
from bot.domain.vat import VatAtRate
from bot.persistence import migrate
from bot.persistence.engine import build_engine
from bot.persistence.models import Base, OrderLineRow, OrderRow
from tests.support.databases import fresh_database, uow_factory
from tests.support.factories import STORE, customer, delivery_details, placed_order, stocked

TABLES = {
    "products",
    "catalogue_versions",
    "processed_updates",
    "search_terms",
    "search_variants",
    "send_ticks",
    "send_pauses",
    "password_shields",
    "chore_runs",
    "stock_watches",
    "favourites",
    "news_choices",
    "cart_activity",
    "announcements",
    "announcement_recipients",
    "payments",
    "questions",
    "stock_ledger",
    "customers",
    "app_languages",
    "workers",
    "cart_lines",
    "orders",
    "order_lines",
    "order_status_changes",
    "order_vat",
    "sales_quarters",
    "sales_days",
    "sales_zones",
    "sales_windows",
    "window_items",
    "window_pairs",
    "staff_accounts",
    "staff_sessions",
    "invites",
    "web_links",
    "web_sessions",
    "staged_uploads",
    "photos",
    "store_details",
    "offers",
    "promo_codes",
    "order_ratings",
    "outbox",
    "checkouts",
    "prompts",
    "login_throttles",
    "digest_runs",
    "shown_cards",
}


@contextmanager
def fresh_engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty database of its own, disposed of after."""
    with fresh_database(backend, tmp_path) as url:
        engine = build_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


def test_migrations_build_the_whole_schema_from_empty_and_remove_it_again(
    backend: str, tmp_path: Path
) -> None:
    with fresh_engine(backend, tmp_path) as engine:
        migrate.upgrade(engine)
        assert set(inspect(engine).get_table_names()) >= TABLES
        assert migrate.current_revision(engine) == "0043"
        migrate.downgrade(engine, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        migrate.upgrade(engine)  # and up again: downgrade left nothing behind
        assert set(inspect(engine).get_table_names()) >= TABLES


def test_receipts_issued_before_their_vat_was_kept_get_it_as_they_stated_it(
    backend: str, tmp_path: Path
) -> None:
    with fresh_engine(backend, tmp_path) as engine:
        migrate.upgrade(engine)  # the orders as today's code writes them, then back
        new_uow = uow_factory(engine)
        apples = stocked(new_uow(), 50, price_minor=329, vat_rate=Decimal("5.5"))
        wine = stocked(new_uow(), 50, price_minor=899)  # the store's default rate
        delivered = delivery_details(fee_minor=490)
        store = dataclasses.replace(STORE, default_vat_rate=Decimal(20))
        items = (apples, 3), (wine, 1)
        order = placed_order(new_uow(), customer(), *items, details=delivered, store=store)
        placed_order(new_uow(), customer(), (wine, 1))  # never completed: no receipt
        at = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
        with engine.begin() as connection:  # completed as before 0027: no VAT kept
            connection.execute(
                update(OrderRow)
                .where(OrderRow.id == order.id)
                .values(status="completed", completed_at=at)
            )
            connection.execute(
                update(OrderLineRow)
                .where(OrderLineRow.order_id == order.id)
                .values(completed_at=at)
            )
            # Sold before rates were kept: the default rate's (20 %), as its receipt said.
            connection.execute(
                update(OrderLineRow).where(OrderLineRow.product_id == wine.id).values(vat_rate=None)
            )
        migrate.downgrade(engine, "0026")
        migrate.upgrade(engine, default_vat_rate=Decimal(20))
        with new_uow() as uow:
            assert uow.orders.issued_vat(order.id or 0) == [
                VatAtRate(Decimal("5.5"), 987, 51),  # 9.87 at 5.5 %: 0.5145...
                VatAtRate(Decimal(20), 899 + 490, 232),  # the wine and the fee: 231.5
            ]
            assert uow.orders.completed_vat(at, datetime(2026, 11, 25, tzinfo=UTC)) == [
                VatAtRate(Decimal("5.5"), 987, 51),
                VatAtRate(Decimal(20), 1389, 232),
            ]


def test_what_the_picking_added_to_a_telegram_payment_before_0028_is_money_not_recorded(
    backend: str, tmp_path: Path
) -> None:
    with fresh_engine(backend, tmp_path) as engine:
        migrate.upgrade(engine)
        new_uow = uow_factory(engine)
        apples = stocked(new_uow(), 50, price_minor=1000)
        heavier = placed_order(new_uow(), customer(), (apples, 1))
        in_full = placed_order(new_uow(), customer(), (apples, 1))
        at = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
        with engine.begin() as connection:  # paid 10.00 in Telegram; picked to 10.39
            for order, total in ((heavier, 1039), (in_full, 1000)):
                connection.execute(
                    update(OrderRow)
                    .where(OrderRow.id == order.id)
                    .values(
                        status="completed",
                        completed_at=at,
                        money_taken="telegram",
                        placed_total_minor=1000,
                        total_minor=total,
                    )
                )
        migrate.downgrade(engine, "0027")  # SQLite: orders built anew under its lines
        migrate.upgrade(engine)
        if backend == "sqlite":  # its keys are checked again after the migrations
            with engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        with new_uow() as uow:
            [day] = uow.orders.day_totals(at, at + timedelta(hours=1), 0)
            found = [uow.orders.get(o.id or 0) for o in (heavier, in_full)]
            assert [o.extra_taken_minor for o in found if o is not None] == [39, 0]
        assert day.taken == {MoneyTaken.TELEGRAM: 2000, None: 39}


def test_sqlite_migrations_that_leave_a_key_to_nothing_are_undone_and_a_start_checks_nothing(
    backend: str, tmp_path: Path
) -> None:
    if backend != "sqlite":
        pytest.skip("MariaDB checks its keys on every write; only SQLite migrates unchecked")
    with fresh_engine(backend, tmp_path) as engine:
        migrate.upgrade(engine)
        with engine.connect() as connection:  # a line of an order that is not there
            raw = connection.connection.dbapi_connection
            assert raw is not None
            raw.execute("PRAGMA foreign_keys=OFF")  # autocommit: outside a transaction
            raw.execute(
                "INSERT INTO order_lines (order_id, product_id, sku, name, unit, quantity,"
                " unit_price_minor, line_total_minor, placed_at, cancelled)"
                " VALUES (999, 999, 'X', 'x', 'pc', 1000, 1, 1, '2026-12-01 10:00:00', 0)"
            )
            raw.execute("PRAGMA foreign_keys=ON")
        migrate.upgrade(engine)  # nothing to migrate: nothing checked, the bot starts
        with pytest.raises(RuntimeError, match="keys refer to nothing"):
            migrate.downgrade(engine, "0027")
        assert migrate.current_revision(engine) == "0043"  # undone whole
        assert "extra_taken" in {c["name"] for c in inspect(engine).get_columns("orders")}


def test_the_migrated_schema_matches_the_models(shared_engine: Engine) -> None:
    with shared_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_mariadb_tables_are_innodb_with_utf8mb4(backend: str, shared_engine: Engine) -> None:
    if backend != "mariadb":
        pytest.skip("storage engines and charsets are a MySQL/MariaDB matter")
    with shared_engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT table_name, engine, table_collation FROM information_schema.tables "
                "WHERE table_schema = DATABASE() AND table_name != 'alembic_version'"
            )
        ).all()
    assert {row[0] for row in rows} == TABLES
    assert all(row[1] == "InnoDB" and row[2].startswith("utf8mb4") for row in rows)
