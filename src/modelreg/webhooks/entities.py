"""Webhook entities: the subscription, its deliveries and their attempts, a test's result."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = [
    "ClaimedDelivery",
    "Delivery",
    "DeliveryAttempt",
    "DeliveryStatus",
    "Webhook",
    "WebhookStatus",
    "WebhookTestResult",
]


class WebhookStatus(StrEnum):
    """Whether a webhook receives events (MLflow's names)."""

    ACTIVE = "ACTIVE"
    DISABLED = "DISABLED"


class DeliveryStatus(StrEnum):
    """Where a delivery is: waiting for (another) attempt, delivered, or given up."""

    PENDING = "PENDING"
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"


@dataclass(frozen=True)
class Webhook:
    """A subscription: POST these events (of one model, or all) to ``url``, signed.

    ``events`` are names such as ``model_version.created``. ``secret`` is never read back: it
    is set only on what ``create_webhook`` returns when the registry generated it, so the
    caller can learn it once.
    """

    webhook_id: str
    name: str
    url: str
    events: tuple[str, ...]
    status: WebhookStatus
    creation_timestamp: int
    last_updated_timestamp: int
    description: str | None = None
    model_name: str | None = None
    secret: str | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class DeliveryAttempt:
    """One POST of a delivery: what came back (``response_status``) or what went wrong."""

    attempt: int
    timestamp: int
    duration_ms: int
    response_status: int | None = None
    response_body: str | None = None
    error: str | None = None

    @property
    def succeeded(self) -> bool:
        """Whether the receiver answered 2xx."""
        return self.response_status is not None and 200 <= self.response_status < 300


@dataclass(frozen=True)
class Delivery:
    """One event sent (or to be sent) to one webhook, with its log of attempts.

    ``delivery_id`` is the ``X-MLflow-Delivery-Id`` header: the same on every retry, so a
    receiver can drop duplicates. ``attempt_count`` counts the attempts started, ``attempts``
    the ones that finished (a crash in between loses the log line, not the event).
    ``event_id`` is the audit event reported (None for a test event).
    """

    delivery_id: str
    webhook_id: str
    event: str
    status: DeliveryStatus
    attempt_count: int
    created_timestamp: int
    payload: dict[str, Any]
    event_id: int | None = None
    model_name: str | None = None
    next_attempt_timestamp: int | None = None
    finished_timestamp: int | None = None
    redelivery_of: str | None = None
    attempts: tuple[DeliveryAttempt, ...] = ()


@dataclass(frozen=True)
class ClaimedDelivery:
    """A delivery a worker claimed for one attempt: what to send, where, and the key to sign."""

    key: int
    delivery_id: str
    webhook_id: str
    attempt: int
    created_timestamp: int
    body: str
    url: str
    secret: str = field(repr=False)


@dataclass(frozen=True)
class WebhookTestResult:
    """The outcome of a test event (MLflow's fields)."""

    success: bool
    response_status: int | None = None
    response_body: str | None = None
    error_message: str | None = None
