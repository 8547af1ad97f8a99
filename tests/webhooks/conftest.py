"""Fixtures of the webhook tests: a receiver, the services on each backend, a fast worker."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from modelreg.service import RegistryService
from modelreg.store.sql import SqlRegistryStore
from modelreg.store.sql.webhooks_store import SqlWebhookStore
from modelreg.webhooks.service import WebhookService
from modelreg.webhooks.settings import DeliverySettings
from modelreg.webhooks.worker import DeliveryWorker, running_worker
from tests.webhooks.receiver import Receiver, running_receiver

#: Quick polling and retries, so a receiver that comes back is served within a second.
FAST = DeliverySettings(poll_interval=0.05, timeout=2.0, backoff=0.05, max_backoff=0.3)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A receiver on a loopback port, up."""
    with running_receiver() as receiver:
        yield receiver


@pytest.fixture
def registry(store: SqlRegistryStore) -> RegistryService:
    """The registry service over an empty store of each kind, on the system clock (the
    worker compares delivery times with it)."""
    return RegistryService(store)


@pytest.fixture
def webhook_store(store: SqlRegistryStore) -> SqlWebhookStore:
    """The webhook queries on the registry's database."""
    return SqlWebhookStore(store.engine)


@pytest.fixture
def webhooks(webhook_store: SqlWebhookStore) -> WebhookService:
    """The webhook service on the registry's database."""
    return WebhookService(webhook_store, settings=FAST)


@pytest.fixture
def worker(webhook_store: SqlWebhookStore) -> Iterator[DeliveryWorker]:
    """A delivery worker with FAST timing, running."""
    with running_worker(webhook_store, FAST) as worker:
        yield worker
