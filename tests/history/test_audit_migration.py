"""Migration 0004 (audit trail) from the previous head, on both backends: data kept, and
reversible."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from modelreg.store.sql import create_store_engine
from modelreg.store.sql.engine import WRITE
from modelreg.store.sql.migrations import alembic_config, current_revision
from tests.databases import fresh_postgres_database

# The tables as revision 0003 has them.
MODELS = sa.table(
    "registered_models",
    *(
        sa.column(name)
        for name in ("id", "name", "creation_time", "last_updated_time", "last_version")
    ),
)
VERSIONS = sa.table(
    "model_versions",
    *(
        sa.column(name)
        for name in (
            "model_id", "version", "creation_time", "last_updated_time", "current_stage",
            "source", "status",
        )
    ),
)  # fmt: skip
MODEL = {"id": 1, "name": "Unicorn", "creation_time": 1, "last_updated_time": 1}
VERSION = {
    "model_id": 1,
    "version": 1,
    "creation_time": 1,
    "last_updated_time": 1,
    "current_stage": "Production",
    "source": "s3://b/m",
    "status": "READY",
}


def _migrate(engine: sa.Engine, verb: str, revision: str) -> None:
    with engine.connect().execution_options(**{WRITE: True}) as connection, connection.begin():
        getattr(command, verb)(alembic_config(connection), revision)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fresh_store_uri(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all, on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'registry.db'}"
        return
    with fresh_postgres_database("modelreg_migration") as uri:
        yield uri


def test_0004_upgrades_a_0003_database_and_downgrades_back(fresh_store_uri: str) -> None:
    engine = create_store_engine(fresh_store_uri, migrate=False)
    try:
        _migrate(engine, "upgrade", "0003")
        with engine.begin() as connection:
            connection.execute(sa.insert(MODELS).values(MODEL))
            connection.execute(sa.insert(VERSIONS).values(VERSION))

        _migrate(engine, "upgrade", "0004")
        assert {"registry_events", "deleted_model_versions"} <= set(
            sa.inspect(engine).get_table_names()
        )
        with engine.begin() as connection:
            kept = connection.exec_driver_sql(
                "SELECT current_stage, idempotency_key FROM model_versions"
            ).all()
            assert [tuple(row) for row in kept] == [("Production", None)]

        _migrate(engine, "downgrade", "0003")
        assert current_revision(engine) == "0003"
        assert "registry_events" not in sa.inspect(engine).get_table_names()
        with engine.connect() as connection:
            assert connection.execute(sa.select(VERSIONS)).mappings().all() == [VERSION]
    finally:
        engine.dispose()
