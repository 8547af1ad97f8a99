"""The ``Authorization`` header: HTTP basic (a user's password) or a bearer API token."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field

__all__ = ["BasicCredentials", "BearerToken", "parse_authorization"]


@dataclass(frozen=True)
class BasicCredentials:
    """A user name and password (``Authorization: Basic base64(user:password)``)."""

    username: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class BearerToken:
    """An API token (``Authorization: Bearer mrg_...``)."""

    token: str = field(repr=False)


def parse_authorization(header: str) -> BasicCredentials | BearerToken | None:
    """The credentials a header carries; None when it is malformed or of another scheme."""
    scheme, _, value = header.strip().partition(" ")
    value = value.strip()
    if not value:
        return None
    if scheme.lower() == "bearer":
        return BearerToken(value)
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, colon, password = decoded.partition(":")
    return BasicCredentials(username, password) if colon and username else None
