"""Granting permissions on registered models and experiments: MLflow's permission endpoints.

Managing a resource's grants needs MANAGE on it. Every change is appended to the audit log in
its own transaction: entity ``permission``, action ``created``/``updated``/``deleted``, the
permission before and after, and the user it concerns (``data.user``). Experiments' events
carry the model name ``experiment:<id>``.
"""

from __future__ import annotations

from modelreg.auth.entities import Grant, ResourceKind
from modelreg.auth.errors import GrantNotFound
from modelreg.clock import Clock, system_clock
from modelreg.entities.events import EventEntity
from modelreg.entities.permissions import Permission
from modelreg.identity import actor_name
from modelreg.service.access import AccessControl, Resource
from modelreg.store.sql.auth_store import SqlAuthStore, SqlAuthTransaction

__all__ = ["GrantService", "record_creator"]


def _record(
    tx: SqlAuthTransaction,
    now: int,
    action: str,
    resource: Resource,
    resource_id: int,
    username: str,
    before: Permission | None,
    after: Permission | None,
) -> None:
    is_model = resource.kind == "registered_model"
    tx.record_event(
        timestamp=now,
        actor=actor_name(),
        entity=EventEntity.PERMISSION,
        action=action,
        model_id=resource_id if is_model else None,
        model_name=resource.key if is_model else f"experiment:{resource.key}",
        before=None if before is None else {"permission": before.value},
        after=None if after is None else {"permission": after.value},
        data={"user": username},
    )


def record_creator(store: SqlAuthStore, resource: Resource, username: str, now: int) -> None:
    """Grant MANAGE on a new resource to the user who created it."""
    with store.write() as tx:
        resource_id = tx.resource_id(resource.kind, resource.key)
        user = tx.user(username)
        tx.insert_grant(
            Grant(resource.kind, resource.key, user.id, username, Permission.MANAGE), resource_id
        )
        _record(tx, now, "created", resource, resource_id, username, None, Permission.MANAGE)


def _resource(kind: ResourceKind, key: str) -> Resource:
    return Resource.model(key) if kind == "registered_model" else Resource.experiment(key)


class GrantService:
    """Create, read, change and remove one user's permission on one model or experiment."""

    def __init__(
        self, store: SqlAuthStore, access: AccessControl, *, clock: Clock = system_clock
    ) -> None:
        self.store = store
        self.access = access
        self.clock = clock

    def _managed(self, kind: ResourceKind, key: str) -> Resource:
        resource = _resource(kind, key)
        self.access.require(resource, Permission.MANAGE)
        return resource

    def create(self, kind: ResourceKind, key: str, username: str, permission: Permission) -> Grant:
        """Give ``username`` a permission on the resource (refused if they hold one)."""
        resource = self._managed(kind, key)
        with self.store.write() as tx:
            resource_id = tx.resource_id(kind, key)
            user = tx.user(username)
            grant = Grant(kind, key, user.id, user.username, permission)
            tx.insert_grant(grant, resource_id)
            _record(tx, self.clock(), "created", resource, resource_id, username, None, permission)
            return grant

    def get(self, kind: ResourceKind, key: str, username: str) -> Grant:
        """The permission granted to ``username`` on the resource."""
        self._managed(kind, key)
        with self.store.read() as tx:
            grant = tx.grant(kind, key, tx.resource_id(kind, key), tx.user(username))
        if grant is None:
            raise GrantNotFound(kind, key, username)
        return grant

    def update(self, kind: ResourceKind, key: str, username: str, permission: Permission) -> Grant:
        """Change the permission granted to ``username`` on the resource."""
        resource = self._managed(kind, key)
        with self.store.write() as tx:
            resource_id = tx.resource_id(kind, key)
            old = tx.grant(kind, key, resource_id, tx.user(username))
            if old is None:
                raise GrantNotFound(kind, key, username)
            grant = Grant(kind, key, old.user_id, old.username, permission)
            tx.update_grant(grant, resource_id)
            _record(
                tx,
                self.clock(),
                "updated",
                resource,
                resource_id,
                username,
                old.permission,
                permission,
            )
            return grant

    def delete(self, kind: ResourceKind, key: str, username: str) -> None:
        """Take back the permission granted to ``username`` (the default applies again)."""
        resource = self._managed(kind, key)
        with self.store.write() as tx:
            resource_id = tx.resource_id(kind, key)
            user = tx.user(username)
            old = tx.grant(kind, key, resource_id, user)
            if old is None:
                raise GrantNotFound(kind, key, username)
            tx.delete_grant(kind, resource_id, user)
            _record(
                tx, self.clock(), "deleted", resource, resource_id, username, old.permission, None
            )
