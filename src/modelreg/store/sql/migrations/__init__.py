"""Alembic migrations of the SQL store, applied on first use and by ``modelreg db upgrade``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from modelreg.store.sql.engine import WRITE

if TYPE_CHECKING:
    from alembic.config import Config

_HERE = Path(__file__).parent
_PG_MIGRATION_LOCK = 0x6D6F64656C726567  # "modelreg": one migrator at a time per database

#: The newest migration (a test checks it ends Alembic's chain). Knowing it, a process whose
#: database is up to date, as every server worker's is, never loads Alembic.
HEAD = "0008"

_STORED = sa.text("SELECT version_num FROM alembic_version")


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """An Alembic configuration for this package's migrations, bound to ``connection``."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_HERE))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest migration this code knows."""
    return HEAD


def current_revision(engine: sa.Engine) -> str | None:
    """The migration the database is at (None for an empty database)."""
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table("alembic_version"):
            return None
        revision = connection.execute(_STORED).scalar()
    return None if revision is None else str(revision)


def upgrade(engine: sa.Engine) -> None:
    """Bring the database to the newest migration; safe when several processes race to do it."""
    if current_revision(engine) == head_revision():
        return
    with engine.connect().execution_options(**{WRITE: True}) as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.select(sa.func.pg_advisory_lock(_PG_MIGRATION_LOCK)))
            connection.commit()
        try:
            from alembic import command

            with connection.begin():
                command.upgrade(alembic_config(connection), "head")
        finally:
            if connection.dialect.name == "postgresql":
                connection.execute(sa.select(sa.func.pg_advisory_unlock(_PG_MIGRATION_LOCK)))
                connection.commit()
