"""`modelreg db upgrade` from every earlier schema revision, with data in it, on both backends:
the data is kept and the registry works on it afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from modelreg import Client
from modelreg.store.sql import create_store_engine
from modelreg.store.sql.migrations import alembic_config, current_revision, head_revision
from tests.cli_fixtures import Cli
from tests.databases import fresh_postgres_database
from tests.history.test_audit_migration import MODEL, MODELS, VERSION, VERSIONS, _migrate

REVISIONS = [
    script.revision
    for script in reversed(list(ScriptDirectory.from_config(alembic_config()).walk_revisions()))
]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_uri(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'registry.db'}"
        return
    with fresh_postgres_database("modelreg_upgrade") as uri:
        yield uri


def test_the_chain_is_linear_and_ends_at_head() -> None:
    assert REVISIONS[0] == "0001"
    assert REVISIONS[-1] == head_revision()
    assert len(set(REVISIONS)) == len(REVISIONS)


@pytest.mark.parametrize("revision", REVISIONS[:-1])
def test_upgrade_from_an_earlier_revision_keeps_the_data(
    empty_uri: str, tmp_path: Path, revision: str
) -> None:
    engine = create_store_engine(empty_uri, migrate=False)
    try:
        _migrate(engine, "upgrade", revision)
        with engine.begin() as connection:  # columns every revision has had since 0001
            connection.execute(sa.insert(MODELS).values({**MODEL, "last_version": 1}))
            connection.execute(sa.insert(VERSIONS).values(VERSION))
    finally:
        engine.dispose()

    upgraded = Cli(empty_uri).json("db", "upgrade")
    assert (upgraded["before"], upgraded["after"]) == (revision, head_revision())

    client = Client(empty_uri, artifact_root=str(tmp_path / "artifacts"))
    try:
        assert client.get_model_version("Unicorn", 1).current_stage.value == "Production"
        assert client.create_model_version("Unicorn", "s3://bucket/2").version == 2
        assert client.get_model_history("Unicorn")[0].name == "model_version.created"
    finally:
        client.close()
    engine = create_store_engine(empty_uri, migrate=False)
    assert current_revision(engine) == head_revision()
    engine.dispose()
