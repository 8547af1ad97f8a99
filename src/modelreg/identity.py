"""Who is acting: the principal of the current request or command, held in a context variable.

The server binds the authenticated principal for the duration of a request with
:func:`acting_as`; in-process use (the embedded default, scripts, the CLI on a local store)
acts as the operating-system user. The services read it when they check permissions and
record who made each change.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

__all__ = ["Principal", "acting_as", "actor_name", "current_principal"]


@dataclass(frozen=True)
class Principal:
    """An authenticated user (``is_admin`` users may do everything)."""

    username: str
    is_admin: bool = False


_current: ContextVar[Principal | None] = ContextVar("modelreg_principal", default=None)


def current_principal() -> Principal | None:
    """The principal bound by :func:`acting_as`, or None outside an authenticated request."""
    return _current.get()


@contextmanager
def acting_as(principal: Principal | None) -> Iterator[None]:
    """Bind ``principal`` as the actor of everything done inside the block."""
    token = _current.set(principal)
    try:
        yield
    finally:
        _current.reset(token)


def actor_name() -> str:
    """The name recorded as the author of a change: the principal, else the OS user."""
    principal = _current.get()
    if principal is not None:
        return principal.username
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return "unknown"
