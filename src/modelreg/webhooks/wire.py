"""The webhooks' REST JSON: MLflow's wire format for webhooks, and modelreg's for deliveries.

MLflow writes an event as ``{"entity": "MODEL_VERSION", "action": "CREATED"}`` (its protobuf
enum names) and omits empty fields. A webhook's secret is never rendered, except the one the
registry generated, in the answer to its creation.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from modelreg.errors import InvalidParameterValue
from modelreg.webhooks.entities import Delivery, Webhook, WebhookTestResult
from modelreg.webhooks.events import parse_event

__all__ = [
    "delivery_to_wire",
    "event_from_wire",
    "event_to_wire",
    "test_result_to_wire",
    "webhook_to_wire",
]

JSON = dict[str, Any]


def _without_empty(body: JSON) -> JSON:
    return {key: value for key, value in body.items() if value not in (None, "", [], {})}


def event_to_wire(event: str) -> JSON:
    """``model_version.created`` → ``{"entity": "MODEL_VERSION", "action": "CREATED"}``."""
    entity, action = event.split(".")
    return {"entity": entity.upper(), "action": action.upper()}


def event_from_wire(event: Any) -> str:
    """``{"entity": ..., "action": ...}`` (any case) → the event's name, else a 400 error."""
    if not isinstance(event, dict) or not {"entity", "action"} <= event.keys():
        raise InvalidParameterValue(
            f"Invalid webhook event {event!r}: expected {{'entity': ..., 'action': ...}}."
        )
    return parse_event(f"{event['entity']}.{event['action']}")


def webhook_to_wire(webhook: Webhook) -> JSON:
    """A webhook as MLflow renders it, plus ``model_name`` (and a generated ``secret``)."""
    return _without_empty(
        {
            "webhook_id": webhook.webhook_id,
            "name": webhook.name,
            "description": webhook.description,
            "url": webhook.url,
            "events": [event_to_wire(event) for event in webhook.events],
            "status": webhook.status.value,
            "creation_timestamp": webhook.creation_timestamp,
            "last_updated_timestamp": webhook.last_updated_timestamp,
            "model_name": webhook.model_name,
            "secret": webhook.secret,
        }
    )


def test_result_to_wire(result: WebhookTestResult) -> JSON:
    """MLflow's ``WebhookTestResult`` (``success`` is always present)."""
    return _without_empty(asdict(result))


def delivery_to_wire(delivery: Delivery) -> JSON:
    """A delivery with its attempts; the event is named ``entity.action``."""
    body = _without_empty(asdict(delivery))
    body["status"] = delivery.status.value
    body["attempts"] = [_without_empty(asdict(attempt)) for attempt in delivery.attempts]
    return body
