"""Run Alembic migrations from code (the CLI and the tests use this)."""

from __future__ import annotations

import functools
from decimal import Decimal
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

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
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        config.attributes["default_vat_rate"] = default_vat_rate
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def scripts() -> ScriptDirectory:
    """The migrations this code ships."""
    return ScriptDirectory.from_config(alembic_config())


@functools.cache
def head_revision() -> str | None:
    """The newest migration this code ships (read once: each read runs every migration file,
    and the code a process runs does not change under it)."""
    return scripts().get_current_head()
