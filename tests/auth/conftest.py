"""Fixtures of the authentication tests: a server with ``--auth`` on a fresh SQLite registry,
its users (one per role), and helpers to send their credentials.

The roles: ``admin`` (an administrator), ``manager`` and ``editor`` (granted MANAGE and EDIT
on the resources a test makes for them), ``reader`` (the default permission, READ).
"""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from modelreg.auth.access_control import SqlAccessControl
from modelreg.auth.accounts import AccountService
from modelreg.backend import LocalBackend, store_uri
from modelreg.config import Settings
from modelreg.server import create_app
from modelreg.server.auth.server_auth import ServerAuth
from modelreg.service import RegistrationService, RegistryService, TrackingService
from modelreg.store.sql import SqlRegistryStore, SqlTrackingStore, create_store_engine
from modelreg.store.sql.auth_store import SqlAuthStore

ROLES = ("admin", "manager", "editor", "reader")
PASSWORDS = {role: f"{role}-secret-password" for role in ROLES}
#: Argon2id with the least work: the tests make many users; the server checks their
#: passwords all the same (a hash carries its parameters) and upgrades them at first login.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def auth_settings(folder: Path) -> Settings:
    """Settings of a server with authentication on, bootstrapping the ``admin`` user."""
    settings = Settings.resolve(
        f"sqlite:///{folder / 'registry.db'}", {}, artifact_root=str(folder / "artifacts")
    )
    return dataclasses.replace(
        settings,
        auth=True,
        secret_key="test-secret-key",
        admin_username="admin",
        admin_password=PASSWORDS["admin"],
    )


def secured_backend(settings: Settings) -> LocalBackend:
    """The services with access control on the registry and the tracking (experiments, runs,
    logged models) alike, as the server runs them with authentication on."""
    engine = create_store_engine(store_uri(settings.tracking_uri))
    access = SqlAccessControl(SqlAuthStore(engine), settings.default_permission)
    registry = RegistryService(SqlRegistryStore(engine), access=access)
    tracking = TrackingService(SqlTrackingStore(engine), settings.artifact_root, access=access)
    registration = RegistrationService(
        registry, tracking, settings.artifact_root, settings.cache_dir, local_sources=False
    )
    return LocalBackend(registry, tracking, registration)


def basic(username: str, password: str) -> dict[str, str]:
    """The HTTP basic ``Authorization`` header."""
    encoded = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


def bearer(token: str) -> dict[str, str]:
    """The bearer ``Authorization`` header of an API token."""
    return {"Authorization": f"Bearer {token}"}


@dataclasses.dataclass
class SecuredServer:
    """The app with authentication on, its services, and a token per role."""

    client: TestClient
    backend: LocalBackend
    tokens: dict[str, str]

    @property
    def auth(self) -> ServerAuth:
        """The app's authentication (accounts, grants, sessions)."""
        found: ServerAuth = self.client.app.state.auth  # type: ignore[attr-defined]
        return found

    def as_(self, role: str) -> dict[str, str]:
        """The headers that authenticate as ``role`` (none for ``anonymous``)."""
        return {} if role == "anonymous" else bearer(self.tokens[role])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[SecuredServer]:
    """A server with authentication on and a user (with an API token) for each role."""
    yield from open_secured_server(tmp_path)


def open_secured_server(folder: Path) -> Iterator[SecuredServer]:
    """The app on a fresh registry in ``folder``, running, with its users; closed after."""
    settings = auth_settings(folder)
    backend = secured_backend(settings)
    with TestClient(create_app(settings, backend=backend)) as client:
        secured = SecuredServer(client, backend, {})
        accounts = AccountService(secured.auth.store, hasher=FAST_HASHER)
        for role in ROLES:
            if role != "admin":
                accounts.create_user(role, PASSWORDS[role])
            _, secured.tokens[role] = accounts.create_token("tests", username=role)
        yield secured
    backend.close()
