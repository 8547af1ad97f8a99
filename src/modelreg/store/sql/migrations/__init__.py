"""Alembic migrations of the SQL store, applied on first use and by ``modelreg db upgrade``."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from modelreg.store.sql.engine import WRITE

_HERE = Path(__file__).parent
_PG_MIGRATION_LOCK = 0x6D6F64656C726567  # "modelreg": one migrator at a time per database


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """An Alembic configuration for this package's migrations, bound to ``connection``."""
    config = Config()
    config.set_main_option("script_location", str(_HERE))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    """The newest migration this code knows."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: sa.Engine) -> str | None:
    """The migration the database is at (None for an empty database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: sa.Engine) -> None:
    """Bring the database to the newest migration; safe when several processes race to do it."""
    if current_revision(engine) == head_revision():
        return
    with engine.connect().execution_options(**{WRITE: True}) as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.select(sa.func.pg_advisory_lock(_PG_MIGRATION_LOCK)))
            connection.commit()
        try:
            with connection.begin():
                command.upgrade(alembic_config(connection), "head")
        finally:
            if connection.dialect.name == "postgresql":
                connection.execute(sa.select(sa.func.pg_advisory_unlock(_PG_MIGRATION_LOCK)))
                connection.commit()
