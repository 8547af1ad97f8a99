"""``SqlAccessControl``: the services' permission checks, from grants kept in the database.

A user's permission on a registered model or an experiment is the one granted to them on it,
else the configured default (READ, as in MLflow). Administrators hold MANAGE on everything,
and so does in-process code that acts for no authenticated principal (the embedded mode, the
CLI on a local store, the server's own background work): only the server binds principals.
"""

from __future__ import annotations

from typing import Literal

from modelreg.auth.grants import record_creator
from modelreg.clock import Clock, system_clock
from modelreg.entities.permissions import Permission, Reader
from modelreg.errors import PermissionDenied
from modelreg.identity import current_principal
from modelreg.service.access import Resource
from modelreg.store.sql.auth_store import SqlAuthStore

__all__ = ["SqlAccessControl", "describe"]


def describe(resource: Resource) -> str:
    """``registered model 'Unicorn'`` or ``experiment 3``, for messages."""
    if resource.kind == "registered_model":
        return f"registered model '{resource.key}'"
    return f"experiment {resource.key}"


class SqlAccessControl:
    """Implements :class:`~modelreg.service.access.AccessControl` (and scoped searches)."""

    def __init__(
        self,
        store: SqlAuthStore,
        default: Permission = Permission.READ,
        *,
        clock: Clock = system_clock,
    ) -> None:
        self.store = store
        self.default = default
        self.clock = clock

    def permission(self, resource: Resource) -> Permission:
        """The current principal's permission on ``resource``."""
        principal = current_principal()
        if principal is None or principal.is_admin:
            return Permission.MANAGE
        with self.store.read() as tx:
            granted = tx.permission(resource.kind, resource.key, principal.username)
        return self.default if granted is None else granted

    def require(self, resource: Resource, needed: Permission) -> None:
        """Raise PermissionDenied unless the current principal holds ``needed``."""
        if not self.permission(resource).allows(needed):
            principal = current_principal()
            who = principal.username if principal is not None else "?"
            raise PermissionDenied(
                f"Permission denied: user '{who}' needs {needed.value} on {describe(resource)}."
            )

    def require_create(self, kind: Literal["registered_model", "experiment"]) -> None:
        """Every authenticated user may create models and experiments (as in MLflow)."""

    def created(self, resource: Resource) -> None:
        """Give the creator MANAGE on what they created (recorded in the audit log)."""
        principal = current_principal()
        if principal is not None:
            record_creator(self.store, resource, principal.username, self.clock())

    def require_admin(self) -> None:
        """Administrators and in-process code (no principal) may; others may not."""
        principal = current_principal()
        if principal is not None and not principal.is_admin:
            raise PermissionDenied(
                f"Permission denied: user '{principal.username}' is not an administrator."
            )

    def reader(self) -> Reader | None:
        """Who searches are filtered for: None for administrators and in-process code."""
        principal = current_principal()
        if principal is None or principal.is_admin:
            return None
        return Reader(principal.username, self.default)
