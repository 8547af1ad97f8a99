"""A Client on every backend (SQLite, PostgreSQL, and a server over HTTP) with a fake clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from modelreg import Client
from modelreg.backend import LocalBackend
from modelreg.config import Settings
from modelreg.remote import open_remote_backend
from modelreg.server import create_app
from modelreg.service import RegistrationService, RegistryService, TrackingService
from modelreg.store.sql import SqlRegistryStore, SqlTrackingStore
from tests.conftest import FakeClock, empty_store_uri


def local_backend(store_uri: str, tmp_path: Path, clock: FakeClock) -> LocalBackend:
    """In-process services on ``store_uri`` sharing one engine and the fake clock."""
    store = SqlRegistryStore.from_uri(store_uri)
    settings = Settings.resolve(store_uri, artifact_root=str(tmp_path / "artifacts"))
    registry = RegistryService(store, clock=clock)
    tracking = TrackingService(SqlTrackingStore(store.engine), settings.artifact_root, clock=clock)
    registration = RegistrationService(
        registry, tracking, settings.artifact_root, tmp_path / "cache"
    )
    return LocalBackend(registry, tracking, registration)


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.postgres),
        pytest.param("remote", marks=pytest.mark.postgres),
    ]
)
def client(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> Iterator[Client]:
    """A Client in-process on SQLite and PostgreSQL, and through a server backed by PostgreSQL."""
    kind = "postgresql" if request.param == "remote" else request.param
    backend = local_backend(empty_store_uri(request, kind, tmp_path), tmp_path, clock)
    if request.param != "remote":
        yield Client(backend=backend)
        backend.close()
        return
    settings = Settings.resolve("http://testserver", artifact_root=str(tmp_path / "artifacts"))
    app = create_app(
        Settings.resolve(str(backend.registry.store.engine.url), artifact_root=str(tmp_path)),
        backend=backend,
    )
    with TestClient(app) as session:
        yield Client(backend=open_remote_backend(settings, session=session))
    backend.close()
