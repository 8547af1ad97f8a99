"""Opaque page tokens for keyset pagination.

A token holds the sort-key values of the last row of a page and a fingerprint of the query,
so the next page starts strictly after that row (stable while rows are inserted) and a token
cannot be replayed against a different search.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from modelreg.errors import InvalidFilter


def query_fingerprint(*parts: object) -> str:
    """A short digest of everything that defines a search except the page position."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def encode_page_token(after: list[Any], fingerprint: str) -> str:
    """Encode the sort-key values of a page's last row."""
    payload = json.dumps({"after": after, "query": fingerprint}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode()


def decode_page_token(token: str | None, fingerprint: str) -> list[Any] | None:
    """Return the values a token holds (None for no token), or raise InvalidFilter."""
    if token is None or token == "":
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(token.encode()))
        after, query = payload["after"], payload["query"]
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeError, RecursionError):
        raise InvalidFilter(
            f"Invalid page_token {token!r}: it is not a token this server issued."
        ) from None
    if query != fingerprint or not isinstance(after, list):
        raise InvalidFilter(
            "Invalid page_token: it belongs to a search with a different filter or order_by."
        )
    return after
