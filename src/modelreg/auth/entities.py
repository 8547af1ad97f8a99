"""The entities of authentication: users, API tokens, grants, and who reads a search."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from modelreg.entities.permissions import Permission

__all__ = ["ApiToken", "Grant", "ResourceKind", "User"]

#: What a grant applies to: a registered model (by name) or an experiment (by id).
ResourceKind = Literal["registered_model", "experiment"]


@dataclass(frozen=True)
class User:
    """An account; ``is_admin`` users may do everything."""

    id: int
    username: str
    is_admin: bool
    creation_timestamp: int


@dataclass(frozen=True)
class ApiToken:
    """An API token's description (the token itself is shown once, when it is created)."""

    id: int
    username: str
    name: str
    creation_timestamp: int


@dataclass(frozen=True)
class Grant:
    """A permission given to one user on one model (``key``: its name) or experiment (its id)."""

    kind: ResourceKind
    key: str
    user_id: int
    username: str
    permission: Permission
