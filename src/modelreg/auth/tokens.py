"""API tokens: ``mrg_`` and 43 URL-safe characters (256 random bits), kept only as SHA-256.

The prefix makes a leaked token recognisable to secret scanners and to people; a plain
SHA-256 is enough to store it, since the token is random (no dictionary to try).
"""

from __future__ import annotations

import hashlib
import secrets

__all__ = ["TOKEN_PREFIX", "new_token", "token_hash"]

TOKEN_PREFIX = "mrg_"
_RANDOM_BYTES = 32


def new_token() -> str:
    """A fresh API token."""
    return TOKEN_PREFIX + secrets.token_urlsafe(_RANDOM_BYTES)


def token_hash(token: str) -> str:
    """What the database keeps of a token, and looks it up by."""
    return hashlib.sha256(token.encode()).hexdigest()
