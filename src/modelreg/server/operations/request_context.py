"""The id of the request being served, for logs and the ``X-Request-Id`` response header."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

__all__ = ["current_request_id", "request_id_from"]

_current: ContextVar[str | None] = ContextVar("modelreg_request_id", default=None)
#: What a caller's own ``X-Request-Id`` may look like to be kept (else a new one is made).
_ACCEPTABLE = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def current_request_id() -> str | None:
    """The id of the request this code runs for, or None outside a request."""
    return _current.get()


def request_id_from(header: str | None) -> str:
    """The caller's request id when it is reasonable, else a new random one."""
    if header is not None and _ACCEPTABLE.fullmatch(header):
        return header
    return uuid.uuid4().hex


def bind(request_id: str) -> object:
    """Make ``request_id`` current; returns the token to :func:`unbind` with."""
    return _current.set(request_id)


def unbind(token: object) -> None:
    """Restore the request id that was current before :func:`bind`."""
    _current.reset(token)  # type: ignore[arg-type]
