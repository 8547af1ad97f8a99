"""Webhook endpoints: MLflow's (``/api/2.0/mlflow/webhooks...``) and the delivery log
(``/api/2.0/modelreg/webhooks/...``), over the app's WebhookService."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel
from starlette.responses import Response

from modelreg.server.api import PREFIX
from modelreg.server.mlflow_compat import PREFIXES as MLFLOW_PREFIXES
from modelreg.server.responses import JSONResponse, empty
from modelreg.webhooks.entities import Webhook
from modelreg.webhooks.service import WebhookService
from modelreg.webhooks.wire import delivery_to_wire, test_result_to_wire, webhook_to_wire


async def _service(request: Request) -> WebhookService:
    found: WebhookService = request.app.state.webhooks
    return found


Webhooks = Annotated[WebhookService, Depends(_service)]


class WireEvent(BaseModel):
    """MLflow's event: ``{"entity": "MODEL_VERSION", "action": "CREATED"}``."""

    entity: str
    action: str

    @property
    def name(self) -> str:
        """``model_version.created`` (checked by the service)."""
        return f"{self.entity}.{self.action}"


class CreateWebhook(BaseModel):
    name: str
    url: str
    events: list[WireEvent]
    description: str | None = None
    secret: str | None = None
    status: str | None = None
    model_name: str | None = None


class UpdateWebhook(BaseModel):
    name: str | None = None
    description: str | None = None
    url: str | None = None
    events: list[WireEvent] | None = None
    secret: str | None = None
    status: str | None = None
    model_name: str | None = None


class SendTestEvent(BaseModel):
    event: WireEvent | None = None


def _webhook(webhook: Webhook) -> Response:
    return JSONResponse({"webhook": webhook_to_wire(webhook)})


mlflow_routes = APIRouter(tags=["webhooks"])


@mlflow_routes.post("/webhooks")
def create_webhook(body: CreateWebhook, webhooks: Webhooks) -> Response:
    """Create a webhook (a generated secret is returned once, in ``webhook.secret``)."""
    return _webhook(
        webhooks.create_webhook(
            body.name,
            body.url,
            [event.name for event in body.events],
            body.description,
            body.secret,
            body.status,
            model_name=body.model_name,
        )
    )


@mlflow_routes.get("/webhooks")
def list_webhooks(
    webhooks: Webhooks, max_results: int | None = None, page_token: str | None = None
) -> Response:
    """Webhooks, newest first, one page at a time."""
    page = webhooks.list_webhooks(max_results, page_token)
    body: dict[str, Any] = {"webhooks": [webhook_to_wire(webhook) for webhook in page]}
    if page.token is not None:
        body["next_page_token"] = page.token
    return JSONResponse(body)


@mlflow_routes.get("/webhooks/{webhook_id}")
def get_webhook(webhook_id: str, webhooks: Webhooks) -> Response:
    """One webhook."""
    return _webhook(webhooks.get_webhook(webhook_id))


@mlflow_routes.patch("/webhooks/{webhook_id}")
def update_webhook(webhook_id: str, body: UpdateWebhook, webhooks: Webhooks) -> Response:
    """Change the fields given."""
    events = None if body.events is None else [event.name for event in body.events]
    return _webhook(
        webhooks.update_webhook(
            webhook_id,
            body.name,
            body.description,
            body.url,
            events,
            body.secret,
            body.status,
            model_name=body.model_name,
        )
    )


@mlflow_routes.delete("/webhooks/{webhook_id}")
def delete_webhook(webhook_id: str, webhooks: Webhooks) -> Response:
    """Delete a webhook with its pending deliveries."""
    webhooks.delete_webhook(webhook_id)
    return empty()


@mlflow_routes.post("/webhooks/{webhook_id}/test")
def send_test_event(
    webhook_id: str, webhooks: Webhooks, body: SendTestEvent | None = None
) -> Response:
    """Send a made-up event now and report how the receiver answered."""
    event = None if body is None or body.event is None else body.event.name
    return JSONResponse({"result": test_result_to_wire(webhooks.test_webhook(webhook_id, event))})


modelreg_routes = APIRouter(tags=["webhooks"])


@modelreg_routes.get("/webhooks/{webhook_id}/deliveries")
def list_deliveries(
    webhook_id: str,
    webhooks: Webhooks,
    max_results: int | None = None,
    page_token: str | None = None,
) -> Response:
    """A webhook's delivery log: deliveries newest first, each with its attempts."""
    page = webhooks.list_webhook_deliveries(webhook_id, max_results, page_token)
    body: dict[str, Any] = {"deliveries": [delivery_to_wire(delivery) for delivery in page]}
    if page.token is not None:
        body["next_page_token"] = page.token
    return JSONResponse(body)


@modelreg_routes.post("/webhooks/deliveries/{delivery_id}/redeliver")
def redeliver(delivery_id: str, webhooks: Webhooks) -> Response:
    """Queue a finished delivery again (a new delivery of the same body)."""
    delivery = webhooks.redeliver_webhook_delivery(delivery_id)
    return JSONResponse({"delivery": delivery_to_wire(delivery)})


def router() -> APIRouter:
    """The webhook routes: MLflow's under its prefixes, the delivery log under modelreg's."""
    combined = APIRouter()
    for prefix in MLFLOW_PREFIXES:
        combined.include_router(
            mlflow_routes, prefix=prefix, include_in_schema=not prefix.startswith("/ajax-api")
        )
    combined.include_router(modelreg_routes, prefix=PREFIX)
    return combined
