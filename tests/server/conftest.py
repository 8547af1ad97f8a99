"""Fixtures for the server's in-process tests: the app over a fresh SQLite file, and helpers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from modelreg.backend import LocalBackend, open_local_backend
from modelreg.config import Settings
from modelreg.server import create_app
from tests.conftest import FakeClock

API = "/api/2.0/mlflow"
ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts"


@pytest.fixture
def artifact_root(tmp_path: Path) -> Path:
    """The server's artifact root."""
    return tmp_path / "artifacts"


@pytest.fixture
def client(tmp_path: Path, artifact_root: Path) -> Iterator[TestClient]:
    """The app on an empty SQLite registry, with its lifespan running and a 1 ms/tick clock."""
    settings = Settings.resolve(
        f"sqlite:///{tmp_path / 'registry.db'}", artifact_root=str(artifact_root)
    )
    backend = open_local_backend(settings, clock=FakeClock(), local_sources=False)
    with TestClient(create_app(settings, backend=backend)) as session:
        yield session
    backend.close()


def backend_of(client: TestClient) -> LocalBackend:
    """The services behind the app, to check what the database keeps."""
    backend: LocalBackend = client.app.state.backend  # type: ignore[attr-defined]
    return backend


def ok(response: httpx.Response) -> Any:
    """The JSON body of a 200 response (failing with the body otherwise)."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def assert_error(response: httpx.Response, status: int, error_code: str, message: str = "") -> None:
    """A JSON error body with this status and code (and ``message`` in its text)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["error_code"] == error_code
    assert message in body["message"]


def create_experiment(client: TestClient, name: str = "exp") -> str:
    """A new experiment's id."""
    experiment_id: str = ok(client.post(f"{API}/experiments/create", json={"name": name}))[
        "experiment_id"
    ]
    return experiment_id


def create_run(client: TestClient, experiment_id: str, **fields: Any) -> dict[str, Any]:
    """A new run, as the wire renders it."""
    body = {"experiment_id": experiment_id, "start_time": 1000, **fields}
    run: dict[str, Any] = ok(client.post(f"{API}/runs/create", json=body))["run"]
    return run


def create_logged_model(client: TestClient, experiment_id: str, **fields: Any) -> dict[str, Any]:
    """A new logged model, as the wire renders it."""
    body = {"experiment_id": experiment_id, "name": "model", **fields}
    model: dict[str, Any] = ok(client.post(f"{API}/logged-models", json=body))["model"]
    return model


def upload(client: TestClient, path: str, content: bytes) -> None:
    """PUT a file through the artifact proxy."""
    response = client.put(f"{ARTIFACTS}/{path}", content=content)
    assert response.status_code == 200, response.text
