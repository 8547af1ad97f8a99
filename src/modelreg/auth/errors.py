"""Errors of authentication and permissions, in modelreg's error tree.

ResourceNotFound      UserNotFound, TokenNotFound, GrantNotFound
ResourceAlreadyExists UserAlreadyExists, GrantAlreadyExists
InvalidParameterValue WeakPassword
"""

from __future__ import annotations

from modelreg.errors import InvalidParameterValue, ResourceAlreadyExists, ResourceNotFound

__all__ = [
    "GrantAlreadyExists",
    "GrantNotFound",
    "TokenNotFound",
    "UserAlreadyExists",
    "UserNotFound",
    "WeakPassword",
]


def _target(kind: str, key: str) -> str:
    return f"registered model '{key}'" if kind == "registered_model" else f"experiment {key}"


class UserNotFound(ResourceNotFound):
    """No user has this name."""

    def __init__(self, username: str) -> None:
        super().__init__(f"User with username={username} not found")
        self.username = username


class UserAlreadyExists(ResourceAlreadyExists):
    """A user with this name exists already."""

    def __init__(self, username: str) -> None:
        super().__init__(f"User (username={username}) already exists.")
        self.username = username


class TokenNotFound(ResourceNotFound):
    """No API token has this id."""

    def __init__(self, token_id: int) -> None:
        super().__init__(f"API token with id={token_id} not found")
        self.token_id = token_id


class GrantNotFound(ResourceNotFound):
    """The user holds no explicit permission on the model or experiment."""

    def __init__(self, kind: str, key: str, username: str) -> None:
        super().__init__(f"No permission of user '{username}' on {_target(kind, key)}")
        self.kind = kind
        self.key = key
        self.username = username


class GrantAlreadyExists(ResourceAlreadyExists):
    """The user already holds a permission on the model or experiment (update it instead)."""

    def __init__(self, kind: str, key: str, username: str) -> None:
        super().__init__(
            f"User '{username}' already has a permission on {_target(kind, key)}; update it."
        )
        self.kind = kind
        self.key = key
        self.username = username


class WeakPassword(InvalidParameterValue):
    """A password that does not meet the minimum the registry asks for."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"Invalid password: {reason}.")
        self.reason = reason
