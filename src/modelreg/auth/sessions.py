"""Login sessions of the web UI: signed, self-contained cookie values (nothing kept server-side).

A value holds the user name, the fingerprint of their password hash (so changing the password
ends the session) and when it was issued, signed with HMAC-SHA256 under the server's secret
key. Any replica holding the same key accepts it; a forged or expired value reads as nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass

__all__ = ["SESSION_MAX_AGE_MS", "SessionSigner", "SessionSubject"]

#: How long a login lasts.
SESSION_MAX_AGE_MS = 12 * 60 * 60 * 1000


@dataclass(frozen=True)
class SessionSubject:
    """Who a session belongs to, and the password fingerprint it was opened under."""

    username: str
    fingerprint: str


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SessionSigner:
    """Signs session values with ``secret_key`` and reads them back."""

    def __init__(self, secret_key: str, *, max_age_ms: int = SESSION_MAX_AGE_MS) -> None:
        self._key = hashlib.sha256(b"modelreg-session:" + secret_key.encode()).digest()
        self.max_age_ms = max_age_ms

    def _signature(self, payload: str) -> str:
        return _encode(hmac.new(self._key, payload.encode(), hashlib.sha256).digest())

    def sign(self, subject: SessionSubject, now: int) -> str:
        """The cookie value of a session opened at ``now`` (milliseconds)."""
        fields = {"u": subject.username, "f": subject.fingerprint, "t": now}
        payload = _encode(json.dumps(fields, separators=(",", ":")).encode())
        return f"{payload}.{self._signature(payload)}"

    def read(self, value: str | None, now: int) -> SessionSubject | None:
        """The subject of a genuine, unexpired value; None for anything else."""
        payload, _, signature = (value or "").partition(".")
        if not signature or not hmac.compare_digest(signature, self._signature(payload)):
            return None
        try:
            fields = json.loads(_decode(payload))
            subject = SessionSubject(str(fields["u"]), str(fields["f"]))
            issued = int(fields["t"])
        except (ValueError, KeyError, TypeError):
            return None
        return subject if 0 <= now - issued <= self.max_age_ms else None
