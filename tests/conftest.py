"""Fixtures shared by the whole suite: fresh SQLite and PostgreSQL stores, a fake clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from modelreg.backend import LocalBackend
from modelreg.config import Settings
from modelreg.operations import RegistryOperations
from modelreg.remote import RestClient
from modelreg.remote.registry import RemoteRegistry
from modelreg.server import create_app
from modelreg.service import RegistrationService, RegistryService, TrackingService
from modelreg.store.sql import SqlRegistryStore, SqlTrackingStore, create_store_engine
from modelreg.store.sql.generation import registry_generation
from modelreg.store.sql.schema import metadata
from tests.databases import fresh_postgres_database

pytest_plugins = ["tests.fixtures_s3", "tests.cli_fixtures"]


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
    with fresh_postgres_database() as uri:
        yield uri


@pytest.fixture(scope="session")
def postgres_engine(postgres_uri: str) -> Iterator[sa.Engine]:
    """One migrated engine on the run's PostgreSQL database."""
    engine = create_store_engine(postgres_uri)
    yield engine
    engine.dispose()


def _empty(engine: sa.Engine) -> None:
    # TRUNCATE, not DELETE: the append-only event log refuses row deletes. The generation
    # keeps counting (servers of earlier tests may still hold answers of earlier ones).
    tables = [table for table in metadata.sorted_tables if table is not registry_generation]
    names = ", ".join(f'"{table.name}"' for table in tables)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_uri(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URI of an empty registry store, on SQLite and on PostgreSQL."""
    return empty_store_uri(request, request.param, tmp_path)


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
def local_registry(store: SqlRegistryStore, clock: FakeClock) -> RegistryService:
    """The registry service over an empty store, with a deterministic clock."""
    return RegistryService(store, clock=clock)


def empty_store_uri(request: pytest.FixtureRequest, kind: str, tmp_path: Path) -> str:
    """An empty registry database: a SQLite file, or the run's PostgreSQL database emptied."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'registry.db'}"
    _empty(request.getfixturevalue("postgres_engine"))
    return str(request.getfixturevalue("postgres_uri"))


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.postgres),
        pytest.param("remote", marks=pytest.mark.postgres),
    ]
)
def registry(
    request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock
) -> Iterator[RegistryOperations]:
    """The registry operations on each backend: in-process on SQLite and PostgreSQL, and
    through a modelreg server (in-process, over its HTTP API) backed by PostgreSQL."""
    kind = "postgresql" if request.param == "remote" else request.param
    store = SqlRegistryStore.from_uri(empty_store_uri(request, kind, tmp_path))
    service = RegistryService(store, clock=clock)
    if request.param != "remote":
        yield service
        store.close()
        return
    settings = Settings.resolve(str(store.engine.url), artifact_root=str(tmp_path / "artifacts"))
    tracking = TrackingService(SqlTrackingStore(store.engine), settings.artifact_root, clock=clock)
    backend = LocalBackend(
        service,
        tracking,
        RegistrationService(
            service, tracking, settings.artifact_root, settings.cache_dir, local_sources=False
        ),
    )
    with TestClient(create_app(settings, backend=backend)) as session:
        yield RemoteRegistry(RestClient("http://testserver", session=session))
    store.close()


@pytest.fixture
def tracking(store: SqlRegistryStore, clock: FakeClock, tmp_path: Path) -> TrackingService:
    """The tracking service on the same database, with artifacts under tmp_path."""
    return TrackingService(SqlTrackingStore(store.engine), str(tmp_path / "artifacts"), clock=clock)
