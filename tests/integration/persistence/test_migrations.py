from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from bot.persistence import migrate
from bot.persistence.engine import build_engine
from bot.persistence.models import Base
from tests.support.databases import fresh_database

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
    "staff_accounts",
    "staff_sessions",
    "invites",
    "outbox",
    "checkouts",
    "prompts",
    "login_throttles",
    "digest_runs",
    "shown_cards",
}


def test_migrations_build_the_whole_schema_from_empty_and_remove_it_again(
    backend: str, tmp_path: Path
) -> None:
    with fresh_database(backend, tmp_path) as url:
        engine = build_engine(url)
        try:
            migrate.upgrade(engine)
            assert set(inspect(engine).get_table_names()) >= TABLES
            assert migrate.current_revision(engine) == "0026"
            migrate.downgrade(engine, "base")
            assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
            migrate.upgrade(engine)  # and up again: downgrade left nothing behind
            assert set(inspect(engine).get_table_names()) >= TABLES
        finally:
            engine.dispose()


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
