"""Run Alembic migrations from code (the CLI and the tests use this)."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def upgrade(
    engine: Engine, revision: str = "head", *, default_vat_rate: Decimal | None = None
) -> None:
    """`default_vat_rate`: the store's, for filling in the VAT of receipts issued before it
    was kept (0027); None: the settings' (read only if completed orders need it)."""
    config = alembic_config(engine)
    with _migrating(engine) as connection:
        config.attributes["connection"] = connection
        config.attributes["default_vat_rate"] = default_vat_rate
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config(engine)
    with _migrating(engine) as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


@contextmanager
def _migrating(engine: Engine) -> Iterator[Connection]:
    """One transaction for the migrations. On SQLite, with foreign keys unchecked while they
    run and checked whole before it commits if any ran: changing a column there means
    building the table anew and dropping the old one, which a checked key refuses while rows
    refer to it (as Alembic advises for SQLite). A start with nothing to migrate checks
    nothing (the worker still serving is not held up)."""
    with engine.connect() as connection:
        sqlite = engine.dialect.name == "sqlite"
        raw: Any = connection.connection.dbapi_connection
        if sqlite:  # outside any transaction, or SQLite ignores it
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                before = _revision(connection)
                yield connection
                if sqlite and _revision(connection) != before:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(
                            f"the migration left rows whose keys refer to nothing: {broken[:5]}"
                        )
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys=ON")


def _revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return _revision(connection)


def scripts() -> ScriptDirectory:
    """The migrations this code ships."""
    return ScriptDirectory.from_config(alembic_config())


@functools.cache
def head_revision() -> str | None:
    """The newest migration this code ships (read once: each read runs every migration file,
    and the code a process runs does not change under it)."""
    return scripts().get_current_head()
