"""WebhookService: create, read, update and delete webhooks, test them, read and redo deliveries.

MLflow's webhook methods (``create_webhook``, ``get_webhook``, ``list_webhooks``,
``update_webhook``, ``delete_webhook``, ``test_webhook``) with MLflow's arguments, plus the
delivery log (``list_webhook_deliveries``) and ``redeliver_webhook_delivery``. Deliveries of
registry changes are queued by the store with each change and sent by the worker.
"""

from __future__ import annotations

import dataclasses
import secrets
import uuid
from collections.abc import Sequence
from typing import Any

from modelreg import validation
from modelreg.clock import Clock, system_clock
from modelreg.entities import PagedList
from modelreg.errors import InvalidFilter
from modelreg.search.page_token import decode_page_token, encode_page_token, query_fingerprint
from modelreg.store.sql.webhooks_store import SqlWebhookStore
from modelreg.webhooks import validation as check
from modelreg.webhooks.entities import Delivery, Webhook, WebhookStatus, WebhookTestResult
from modelreg.webhooks.events import parse_event
from modelreg.webhooks.payloads import envelope, example_data
from modelreg.webhooks.sending import http_client, post
from modelreg.webhooks.settings import DeliverySettings

__all__ = ["WebhookService"]

_DEFAULT_PAGE = 100
_PAGE_LIMIT = 1000
_WEBHOOKS_PAGE = query_fingerprint("webhooks")


class WebhookService:
    """The webhook operations over a SQL store; ``settings`` times the test events' POST."""

    def __init__(
        self,
        store: SqlWebhookStore,
        *,
        clock: Clock = system_clock,
        settings: DeliverySettings | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.settings = settings or DeliverySettings()

    def create_webhook(
        self,
        name: str,
        url: str,
        events: Sequence[str],
        description: str | None = None,
        secret: str | None = None,
        status: str | WebhookStatus | None = None,
        *,
        model_name: str | None = None,
    ) -> Webhook:
        """Subscribe ``url`` to ``events`` (of the model ``model_name`` only, when given).

        Deliveries are signed with ``secret``; without one, a secret is generated and returned
        once, in the result's ``secret`` (it is never shown again).

        Example::

            service.create_webhook("ci", "https://ci.example.com/hook",
                                   ["model_version.created"], model_name="Unicorn")
        """
        generated = secret is None
        key = secrets.token_urlsafe(32) if secret is None else check.secret(secret)
        now = self.clock()
        webhook = Webhook(
            webhook_id=str(uuid.uuid4()),
            name=check.name(name),
            url=check.url(url),
            events=check.events(events),
            status=WebhookStatus.ACTIVE if status is None else check.status(status),
            creation_timestamp=now,
            last_updated_timestamp=now,
            description=validation.description(description),
            model_name=None if model_name is None else validation.model_name(model_name),
        )
        self.store.insert_webhook(webhook, key)
        if generated:
            return dataclasses.replace(webhook, secret=key)
        return webhook

    def get_webhook(self, webhook_id: str) -> Webhook:
        """The webhook with this id (without its secret)."""
        return self.store.get_webhook(webhook_id)

    def list_webhooks(
        self, max_results: int | None = None, page_token: str | None = None
    ) -> PagedList[Webhook]:
        """Webhooks, newest first, one page at a time."""
        limit = validation.max_results(max_results, default=_DEFAULT_PAGE, limit=_PAGE_LIMIT)
        after = _position(page_token, _WEBHOOKS_PAGE, int, str)
        found = self.store.list_webhooks(after, limit + 1)
        page = found[:limit]
        token = None
        if len(found) > limit:
            last = page[-1]
            token = encode_page_token([last.creation_timestamp, last.webhook_id], _WEBHOOKS_PAGE)
        return PagedList(page, token)

    def update_webhook(
        self,
        webhook_id: str,
        name: str | None = None,
        description: str | None = None,
        url: str | None = None,
        events: Sequence[str] | None = None,
        secret: str | None = None,
        status: str | WebhookStatus | None = None,
        *,
        model_name: str | None = None,
    ) -> Webhook:
        """Change the fields given (None keeps a field; ``model_name=""`` means every model)."""
        columns: dict[str, object] = {}
        if name is not None:
            columns["name"] = check.name(name)
        if description is not None:
            columns["description"] = validation.description(description)
        if url is not None:
            columns["url"] = check.url(url)
        if secret is not None:
            columns["secret"] = check.secret(secret)
        if status is not None:
            columns["status"] = check.status(status).value
        if model_name is not None:
            columns["model_name"] = validation.model_name(model_name) if model_name else None
        subscribed = None if not events else check.events(events)
        return self.store.update_webhook(webhook_id, self.clock(), events=subscribed, **columns)

    def delete_webhook(self, webhook_id: str) -> None:
        """Delete a webhook; its pending deliveries are dropped with its delivery log."""
        self.store.delete_webhook(webhook_id)

    def test_webhook(self, webhook_id: str, event: str | None = None) -> WebhookTestResult:
        """POST a made-up ``event`` (default: the webhook's first) now, signed, and say how
        it went; the attempt is kept in the delivery log."""
        webhook, secret = self.store.webhook_secret(webhook_id)
        name = webhook.events[0] if event is None else parse_event(event)
        delivery_id = str(uuid.uuid4())
        body = envelope(name, self.clock(), example_data(name))
        with http_client(self.settings) as client:
            attempt = post(
                client,
                url=webhook.url,
                secret=secret,
                delivery_id=delivery_id,
                body=body,
                attempt=1,
                clock=self.clock,
            )
        self.store.record_test(
            webhook_id, delivery_id=delivery_id, event=name, body=body, attempt=attempt
        )
        return WebhookTestResult(
            success=attempt.succeeded,
            response_status=attempt.response_status,
            response_body=attempt.response_body,
            error_message=attempt.error,
        )

    def list_webhook_deliveries(
        self, webhook_id: str, max_results: int | None = None, page_token: str | None = None
    ) -> PagedList[Delivery]:
        """A webhook's deliveries with their attempts, newest first, one page at a time."""
        limit = validation.max_results(max_results, default=_DEFAULT_PAGE, limit=_PAGE_LIMIT)
        fingerprint = query_fingerprint("deliveries", webhook_id)
        after = _position(page_token, fingerprint, int)
        before = None if after is None else after[0]
        page, last = self.store.list_deliveries(webhook_id, before, limit)
        token = None if last is None else encode_page_token([last], fingerprint)
        return PagedList(page, token)

    def redeliver_webhook_delivery(self, delivery_id: str) -> Delivery:
        """Send a delivered or given-up delivery again, as a new delivery of the same body."""
        return self.store.redeliver(delivery_id, self.clock())


def _position(token: str | None, fingerprint: str, *types: type) -> list[Any] | None:
    """The sort values a page token holds, checked to be of ``types``."""
    after = decode_page_token(token, fingerprint)
    if after is not None and [type(value) for value in after] != list(types):
        raise InvalidFilter("Invalid page_token: it was not issued for this list or was altered.")
    return after
