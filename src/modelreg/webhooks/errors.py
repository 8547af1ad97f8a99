"""Errors of the webhook API, on modelreg's tree (both are ``RESOURCE_DOES_NOT_EXIST``)."""

from __future__ import annotations

from modelreg.errors import ResourceNotFound

__all__ = ["DeliveryNotFound", "WebhookNotFound"]


class WebhookNotFound(ResourceNotFound):
    """No webhook has this id (MLflow's message)."""

    def __init__(self, webhook_id: str) -> None:
        super().__init__(f"Webhook with ID {webhook_id} not found.")
        self.webhook_id = webhook_id


class DeliveryNotFound(ResourceNotFound):
    """No webhook delivery has this id."""

    def __init__(self, delivery_id: str) -> None:
        super().__init__(f"Webhook delivery with ID {delivery_id} not found.")
        self.delivery_id = delivery_id
