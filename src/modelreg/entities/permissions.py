"""Permissions on registered models and experiments, with MLflow's basic-auth names."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from modelreg.errors import InvalidParameterValue

__all__ = ["Permission", "Reader"]


class Permission(StrEnum):
    """What a user may do with one model or experiment; each level includes the ones below.

    ``READ`` sees it, ``EDIT`` changes it (versions, tags, descriptions, stages that are not
    protected), ``MANAGE`` also deletes it, moves protected stages and aliases, and grants
    permissions; ``NO_PERMISSIONS`` hides it.
    """

    NO_PERMISSIONS = "NO_PERMISSIONS"
    READ = "READ"
    EDIT = "EDIT"
    MANAGE = "MANAGE"

    @property
    def rank(self) -> int:
        """Position in the order NO_PERMISSIONS < READ < EDIT < MANAGE."""
        return _RANKS[self]

    def allows(self, needed: Permission) -> bool:
        """Whether holding this permission is enough for an action that needs ``needed``."""
        return self.rank >= needed.rank

    @classmethod
    def parse(cls, value: str) -> Permission:
        """The permission named ``value`` (case-insensitive)."""
        try:
            return cls(value.strip().upper())
        except ValueError:
            names = ", ".join(p.value for p in cls)
            raise InvalidParameterValue(
                f"Invalid permission {value!r}: expected one of {names}."
            ) from None


_RANKS = {
    Permission.NO_PERMISSIONS: 0,
    Permission.READ: 1,
    Permission.EDIT: 2,
    Permission.MANAGE: 3,
}


@dataclass(frozen=True)
class Reader:
    """Who a search lists results for: what they were granted, else ``default``."""

    username: str
    default: Permission
