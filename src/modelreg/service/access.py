"""Access control as the services see it: a check before each operation.

The services call :meth:`AccessControl.require` with the resource an operation touches and
the permission it needs; the implementation decides from the current principal
(:mod:`modelreg.identity`). :class:`Unrestricted` is the embedded single-user default.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from modelreg.entities.permissions import Permission, Reader

__all__ = ["AccessControl", "Resource", "Unrestricted"]


@dataclass(frozen=True)
class Resource:
    """A registered model (by name) or an experiment (by id)."""

    kind: Literal["registered_model", "experiment"]
    key: str

    @classmethod
    def model(cls, name: str) -> Resource:
        """The registered model called ``name``."""
        return cls("registered_model", name)

    @classmethod
    def experiment(cls, experiment_id: str) -> Resource:
        """The experiment with id ``experiment_id``."""
        return cls("experiment", str(experiment_id))


class AccessControl(Protocol):
    """Decides whether the current principal may act on a resource."""

    def permission(self, resource: Resource) -> Permission:
        """The current principal's permission on ``resource``."""
        ...

    def require(self, resource: Resource, needed: Permission) -> None:
        """Raise PermissionDenied (or Unauthenticated) unless ``needed`` is held."""
        ...

    def require_create(self, kind: Literal["registered_model", "experiment"]) -> None:
        """Raise unless the current principal may create a resource of ``kind``."""
        ...

    def created(self, resource: Resource) -> None:
        """Called after ``resource`` was created by the current principal (its creator)."""
        ...

    def require_admin(self) -> None:
        """Raise unless the current principal may administer the whole registry."""
        ...

    def reader(self) -> Reader | None:
        """Who searches list results for (None: everything is listed)."""
        ...


class Unrestricted:
    """Everyone may do everything: the embedded single-user default."""

    def permission(self, resource: Resource) -> Permission:
        """MANAGE on everything."""
        return Permission.MANAGE

    def require(self, resource: Resource, needed: Permission) -> None:
        """Always allowed."""

    def require_create(self, kind: Literal["registered_model", "experiment"]) -> None:
        """Always allowed."""

    def created(self, resource: Resource) -> None:
        """Nothing to record."""

    def require_admin(self) -> None:
        """Always allowed: the single user administers the registry."""

    def reader(self) -> Reader | None:
        """No filter."""
        return None
