"""Migrations: the Alembic chain builds exactly the schema the code declares, on both backends."""

from __future__ import annotations

import warnings

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from modelreg.store.sql import create_store_engine
from modelreg.store.sql.migrations import current_revision, head_revision, upgrade
from modelreg.store.sql.schema import metadata


def test_migrated_schema_matches_the_declared_tables(store_uri: str) -> None:
    engine = create_store_engine(store_uri)
    try:
        assert current_revision(engine) == head_revision()
        with engine.connect() as connection, warnings.catch_warnings():
            # SQLite cannot reflect the expression index on lower(name); it is skipped there.
            warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression")
            warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expr")
            diff = compare_metadata(MigrationContext.configure(connection), metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_upgrade_twice_is_a_no_op(store_uri: str) -> None:
    engine = create_store_engine(store_uri)
    try:
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        assert "registered_models" in sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()
