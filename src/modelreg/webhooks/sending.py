"""One attempt at a delivery: a signed POST, and what came of it."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from modelreg.clock import Clock
from modelreg.webhooks.entities import DeliveryAttempt
from modelreg.webhooks.settings import DeliverySettings
from modelreg.webhooks.signing import delivery_headers

if TYPE_CHECKING:
    import httpx

__all__ = ["http_client", "post"]

#: How much of a receiver's answer the delivery log keeps.
RESPONSE_BODY_LIMIT = 1000


def http_client(settings: DeliverySettings) -> httpx.Client:
    """A client for deliveries: the settings' timeout, no redirects, no proxy from the env."""
    import httpx  # loaded with the first delivery: a server without webhooks never needs it

    return httpx.Client(timeout=settings.timeout, follow_redirects=False, trust_env=False)


def post(
    client: httpx.Client,
    *,
    url: str,
    secret: str,
    delivery_id: str,
    body: str,
    attempt: int,
    clock: Clock,
) -> DeliveryAttempt:
    """POST ``body`` to ``url`` with the signature headers; never raises for a failed send."""
    import httpx  # already loaded by http_client

    started = clock()
    headers = delivery_headers(secret, delivery_id, str(started // 1000), body)
    began = time.monotonic()
    try:
        response = client.post(url, content=body.encode(), headers=headers)
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        return DeliveryAttempt(
            attempt, started, _elapsed_ms(began), error=f"{type(error).__name__}: {error}"
        )
    return DeliveryAttempt(
        attempt,
        started,
        _elapsed_ms(began),
        response_status=response.status_code,
        response_body=response.text[:RESPONSE_BODY_LIMIT],
    )


def _elapsed_ms(began: float) -> int:
    return int((time.monotonic() - began) * 1000)
