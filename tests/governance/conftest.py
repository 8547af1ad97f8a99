"""Fixtures of the governance tests: a registry whose users hold chosen permissions.

``RoleAccess`` is a test double of the AccessControl protocol (the boundary another part of
modelreg implements): every user holds one permission on every model. The users:
``ed`` (EDIT), ``mia`` and ``max`` (MANAGE), ``rita`` (READ), ``root`` (an administrator).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import pytest

from modelreg.entities.events import Event
from modelreg.entities.permissions import Permission, Reader
from modelreg.errors import PermissionDenied
from modelreg.governance.gate import PolicyGate
from modelreg.governance.service import GovernanceService
from modelreg.identity import Principal, acting_as, current_principal
from modelreg.models import MLmodel, ModelSignature
from modelreg.service import RegistryService, TrackingService
from modelreg.service.access import Resource
from modelreg.store.sql import SqlRegistryStore, events_store
from tests.conftest import FakeClock

ROLES = {
    "ed": Permission.EDIT,
    "mia": Permission.MANAGE,
    "max": Permission.MANAGE,
    "rita": Permission.READ,
}
ADMIN = Principal("root", is_admin=True)


class RoleAccess:
    """Each user holds one permission on every model; administrators hold MANAGE."""

    def __init__(self, roles: Mapping[str, Permission]) -> None:
        self.roles = roles

    def permission(self, resource: Resource) -> Permission:
        principal = current_principal()
        if principal is None:
            return Permission.NO_PERMISSIONS
        if principal.is_admin:
            return Permission.MANAGE
        return self.roles.get(principal.username, Permission.NO_PERMISSIONS)

    def require(self, resource: Resource, needed: Permission) -> None:
        if not self.permission(resource).allows(needed):
            raise PermissionDenied(f"{needed.value} permission on {resource.key} is required.")

    def require_create(self, kind: Literal["registered_model", "experiment"]) -> None:
        self.require(Resource(kind, "*"), Permission.EDIT)

    def created(self, resource: Resource) -> None:
        """Nothing to record: permissions are fixed."""

    def require_admin(self) -> None:
        principal = current_principal()
        if principal is None or not principal.is_admin:
            raise PermissionDenied("Only an administrator may do this.")

    def reader(self) -> Reader | None:
        """Searches list every model (the tests here do not search)."""
        return None


@contextmanager
def as_user(name: str) -> Iterator[None]:
    """Act as the user ``name`` (``root`` is the administrator)."""
    with acting_as(ADMIN if name == ADMIN.username else Principal(name)):
        yield


@pytest.fixture
def access() -> RoleAccess:
    """The users' permissions."""
    return RoleAccess(ROLES)


@pytest.fixture
def governed(store: SqlRegistryStore, clock: FakeClock, access: RoleAccess) -> RegistryService:
    """The registry service with access control and the policy gate, on SQLite and PostgreSQL."""
    return RegistryService(store, clock=clock, access=access, gate=PolicyGate(access))


@pytest.fixture
def governance(governed: RegistryService) -> GovernanceService:
    """The governance operations over the governed registry."""
    return GovernanceService(governed)


def model_folder(
    root: Path, name: str, signature: ModelSignature | None = None, *, mlmodel: bool = True
) -> str:
    """A model folder under ``root`` with an ``MLmodel`` holding ``signature``; its file URI."""
    folder = root / name
    folder.mkdir(parents=True)
    if mlmodel:
        MLmodel(flavors={"python_function": {}}, signature=signature).save(folder)
    return folder.as_uri()


def logged_run(tracking: TrackingService, **metrics: float) -> str:
    """A run with these metrics logged (as the administrator); its id."""
    with as_user("root"):
        experiment_id = tracking.create_experiment(f"experiment-{uuid.uuid4().hex}")
        run_id = tracking.create_run(experiment_id).info.run_id
        for key, value in metrics.items():
            tracking.log_metric(run_id, key, value)
    return run_id


def history(registry: RegistryService, name: str) -> list[Event]:
    """The model's audit events, oldest first."""
    with registry.store.read() as tx:
        model_id = tx.model_id(name)
        return events_store.model_events(tx.connection, model_id, newest_first=False)
