"""Migration 0003 (logged models) from the previous head: data kept, and reversible."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command

from modelreg.store.sql import create_store_engine
from modelreg.store.sql.engine import WRITE
from modelreg.store.sql.migrations import alembic_config, current_revision, upgrade

LOGGED_MODEL_TABLES = {
    "logged_models",
    "logged_model_params",
    "logged_model_tags",
    "logged_model_metrics",
    "logged_model_outputs",
}

# The tables as the old revision has them (not as tables.py declares them today).
EXPERIMENTS = sa.table(
    "experiments",
    *(
        sa.column(name)
        for name in (
            "experiment_id",
            "name",
            "artifact_location",
            "lifecycle_stage",
            "creation_time",
            "last_update_time",
        )
    ),
)
KEPT = {
    "experiment_id": 1,
    "name": "kept",
    "artifact_location": "/a/1",
    "lifecycle_stage": "active",
    "creation_time": 1,
    "last_update_time": 1,
}
MODEL = {
    "model_id": "m-1",
    "experiment_id": 1,
    "name": "model",
    "status": "LOGGED_MODEL_READY",
    "artifact_location": "/a/1/models/m-1/artifacts",
    "creation_time": 2,
    "last_updated_time": 2,
}
LOGGED_MODELS = sa.table("logged_models", *(sa.column(name) for name in MODEL))


def _migrate(engine: sa.Engine, verb: str, revision: str) -> None:
    with engine.connect().execution_options(**{WRITE: True}) as connection, connection.begin():
        getattr(command, verb)(alembic_config(connection), revision)


def test_0003_upgrades_a_0002_database_and_downgrades_back(tmp_path: Path) -> None:
    engine = create_store_engine(f"sqlite:///{tmp_path / 'registry.db'}", migrate=False)
    try:
        _migrate(engine, "upgrade", "0002")
        with engine.begin() as connection:
            connection.execute(sa.insert(EXPERIMENTS).values(KEPT))
        assert not LOGGED_MODEL_TABLES & set(sa.inspect(engine).get_table_names())

        upgrade(engine)
        assert set(sa.inspect(engine).get_table_names()) >= LOGGED_MODEL_TABLES
        with engine.begin() as connection:
            connection.execute(sa.insert(LOGGED_MODELS).values(MODEL))
            assert connection.execute(sa.select(EXPERIMENTS)).mappings().all() == [KEPT]

        _migrate(engine, "downgrade", "0002")
        assert current_revision(engine) == "0002"
        assert not LOGGED_MODEL_TABLES & set(sa.inspect(engine).get_table_names())
        with engine.connect() as connection:
            assert connection.execute(sa.select(EXPERIMENTS)).mappings().all() == [KEPT]
    finally:
        engine.dispose()
