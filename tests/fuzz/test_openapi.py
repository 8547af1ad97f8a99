"""Schemathesis against the server's own OpenAPI schema: whatever a client sends to any
endpoint, the server answers without a 5xx (a 4xx with MLflow's error body for bad input).

Twice: the embedded server (no authentication), and a server with authentication on, called
with an administrator's token (every endpoint reachable, the user and permission ones too)
and without credentials (every endpoint refuses with 401, never fails)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from modelreg.auth.accounts import AccountService
from modelreg.backend import LocalBackend
from modelreg.config import Settings
from modelreg.identity import Principal, acting_as
from modelreg.server import create_app
from modelreg.server.auth.middleware import is_public
from tests.auth.conftest import auth_settings, secured_backend

#: Endpoints that stream bodies of any size or serve files: covered by their own tests.
SKIPPED_PATHS = ("/api/2.0/mlflow-artifacts/",)
API_PATHS = ("/api/", "/ajax-api/")


@dataclass
class Target:
    """An app to fuzz and the headers to send it (None: the embedded server)."""

    app: FastAPI
    headers: dict[str, str] | None = None
    #: Whether the API refuses every request (authentication on, no credentials sent).
    anonymous: bool = False
    #: What fetching the schema takes (with authentication on, an administrator's token).
    schema_headers: dict[str, str] | None = None


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    folder: Path = tmp_path_factory.mktemp("openapi")
    app = create_app(
        Settings.resolve(f"sqlite:///{folder / 'registry.db'}", artifact_root=str(folder / "a"))
    )
    backend = app.state.backend
    _seed(backend)
    yield Target(app)
    backend.close()


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, str]]:
    """A server with authentication on (started, so its admin exists) and an admin token."""
    settings = auth_settings(tmp_path_factory.mktemp("openapi-auth"))
    backend = secured_backend(settings)
    app = create_app(settings, backend=backend)
    with TestClient(app):
        _, token = AccountService(app.state.auth.store).create_token("fuzz", username="admin")
        with acting_as(Principal("admin", is_admin=True)):
            _seed(backend)
        yield app, token
    backend.close()


def _seed(backend: LocalBackend) -> None:
    backend.registry.create_registered_model("Unicorn")
    backend.registry.create_model_version("Unicorn", "s3://bucket/unicorn/1")


def _check_every_operation(target: Target) -> None:
    fetch = {"headers": target.schema_headers} if target.schema_headers else {}
    schema = schemathesis.openapi.from_asgi("/openapi.json", target.app, **fetch)
    operations = [result.ok() for result in schema.get_all_operations()]
    checked = 0
    for operation in operations:
        if operation.path.startswith(SKIPPED_PATHS):
            continue
        _fuzz(operation, target)
        checked += 1
    assert checked >= 70  # every route group is in the schema


def test_no_endpoint_answers_a_server_error(embedded: Target) -> None:
    _check_every_operation(embedded)


def test_with_authentication_no_endpoint_answers_a_server_error(
    secured: tuple[FastAPI, str],
) -> None:
    app, token = secured
    admin = {"Authorization": f"Bearer {token}"}
    _check_every_operation(Target(app, admin, schema_headers=admin))


def test_without_credentials_every_endpoint_refuses_cleanly(
    secured: tuple[FastAPI, str],
) -> None:
    app, token = secured
    admin = {"Authorization": f"Bearer {token}"}
    _check_every_operation(Target(app, {}, anonymous=True, schema_headers=admin))


def _fuzz(operation: schemathesis.APIOperation, target: Target) -> None:
    @given(operation.as_strategy())
    @settings(
        max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
    )
    def check(case: schemathesis.Case) -> None:
        response = case.call(headers=target.headers)
        where = f"{case.method} {case.formatted_path}"
        assert response.status_code < 500, (where, response.text[:500])
        if target.anonymous and case.path.startswith(API_PATHS) and not is_public(case.path):
            assert response.status_code == 401, (where, response.text[:500])
        content_type = str(response.headers.get("content-type", ""))
        if response.status_code >= 400 and "application/json" in content_type:
            assert {"error_code", "message"} <= set(response.json()), (where, response.text)

    check()
