"""Fixtures shared by the whole suite: fresh SQLite and PostgreSQL stores, a fake clock."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from modelreg.service import RegistryService
from modelreg.store.sql import SqlRegistryStore, create_store_engine
from modelreg.store.sql.tables import metadata

#: The PostgreSQL server the suite runs against (trust auth on this machine and in CI).
POSTGRES_SERVER = os.environ.get("MODELREG_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")


class FakeClock:
    """A clock that moves 1 ms per reading, so timestamps are distinct and predictable."""

    def __init__(self, start: int = 1_700_000_000_000) -> None:
        self.now = start

    def __call__(self) -> int:
        self.now += 1
        return self.now


@pytest.fixture(scope="session")
def postgres_uri() -> Iterator[str]:
    """A PostgreSQL database created for this test run (per xdist worker), dropped after."""
    name = f"modelreg_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(
        f"{POSTGRES_SERVER}/postgres".replace("postgresql://", "postgresql+psycopg://"),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_engine(postgres_uri: str) -> Iterator[sa.Engine]:
    """One migrated engine on the run's PostgreSQL database."""
    engine = create_store_engine(postgres_uri)
    yield engine
    engine.dispose()


def _empty(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_uri(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URI of an empty registry store, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'registry.db'}"
    engine: sa.Engine = request.getfixturevalue("postgres_engine")
    _empty(engine)
    return str(request.getfixturevalue("postgres_uri"))


@pytest.fixture
def store(store_uri: str) -> Iterator[SqlRegistryStore]:
    """An empty, migrated SQL store on each backend."""
    store = SqlRegistryStore.from_uri(store_uri)
    yield store
    store.close()


@pytest.fixture
def clock() -> FakeClock:
    """A deterministic clock."""
    return FakeClock()


@pytest.fixture
def registry(store: SqlRegistryStore, clock: FakeClock) -> RegistryService:
    """The registry service over an empty store, with a deterministic clock."""
    return RegistryService(store, clock=clock)
