"""MLflow's webhook signature: HMAC-SHA256 over ``<delivery id>.<timestamp>.<body>``.

Every delivery carries ``X-MLflow-Delivery-Id``, ``X-MLflow-Timestamp`` (Unix seconds when it
was sent) and ``X-MLflow-Signature: v1,<base64 HMAC>``, exactly as MLflow's server sends them,
so receivers written for MLflow verify modelreg's deliveries unchanged.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

__all__ = [
    "DELIVERY_ID_HEADER",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "delivery_headers",
    "sign",
    "verify",
]

SIGNATURE_HEADER = "X-MLflow-Signature"
TIMESTAMP_HEADER = "X-MLflow-Timestamp"
DELIVERY_ID_HEADER = "X-MLflow-Delivery-Id"
_VERSION = "v1"


def sign(secret: str, delivery_id: str, timestamp: str, body: str) -> str:
    """The signature header's value: ``v1,<base64 of HMAC-SHA256(secret, id.timestamp.body)>``."""
    content = f"{delivery_id}.{timestamp}.{body}".encode()
    digest = hmac.new(secret.encode(), content, hashlib.sha256).digest()
    return f"{_VERSION},{base64.b64encode(digest).decode()}"


def verify(secret: str, delivery_id: str, timestamp: str, body: str, signature: str) -> bool:
    """Whether ``signature`` is the one ``secret`` gives (what a receiver checks)."""
    return hmac.compare_digest(sign(secret, delivery_id, timestamp, body), signature)


def delivery_headers(secret: str, delivery_id: str, timestamp: str, body: str) -> dict[str, str]:
    """The headers of a delivery sent at ``timestamp`` (Unix seconds, as a string)."""
    return {
        "Content-Type": "application/json",
        DELIVERY_ID_HEADER: delivery_id,
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(secret, delivery_id, timestamp, body),
    }
