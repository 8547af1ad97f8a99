"""The delivery worker against a real receiver: signed, retried, in order, logged, redone."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Iterator

import pytest
from mlflow.webhooks.delivery import _generate_hmac_signature

from modelreg.errors import InvalidParameterValue
from modelreg.service import RegistryService
from modelreg.store.sql.webhooks_store import SqlWebhookStore
from modelreg.webhooks.entities import Delivery, DeliveryStatus
from modelreg.webhooks.errors import DeliveryNotFound, WebhookNotFound
from modelreg.webhooks.service import WebhookService
from modelreg.webhooks.worker import DeliveryWorker, running_worker
from tests.webhooks.conftest import FAST
from tests.webhooks.receiver import Receiver, eventually

SECRET = "correct horse battery staple"


def finished(webhooks: WebhookService, webhook_id: str, count: int) -> list[Delivery]:
    """Wait until ``count`` deliveries of the webhook are no longer pending; oldest first."""

    def probe() -> list[Delivery] | None:
        page = list(reversed(webhooks.list_webhook_deliveries(webhook_id)))
        done = [d for d in page if d.status is not DeliveryStatus.PENDING]
        return page if len(done) >= count else None

    return eventually(probe)


def test_a_delivery_is_signed_as_mlflow_signs_and_logged(
    registry: RegistryService,
    webhooks: WebhookService,
    receiver: Receiver,
    worker: DeliveryWorker,
) -> None:
    hook = webhooks.create_webhook("ci", receiver.url, ["model_version.created"], secret=SECRET)
    registry.create_registered_model("Unicorn")
    registry.create_model_version("Unicorn", "runs:/r1/model", run_id="r1")

    [got] = receiver.wait_for(1)
    assert got.path == "/hook"
    assert got.headers["content-type"] == "application/json"
    expected = _generate_hmac_signature(SECRET, got.delivery_id, got.timestamp, got.body)
    assert got.signature == expected
    assert abs(int(got.timestamp) - time.time()) < 60
    assert got.json["entity"] == "model_version"
    assert got.json["action"] == "created"
    assert got.json["data"]["version"] == "1"

    [delivery] = finished(webhooks, hook.webhook_id, 1)
    assert delivery.delivery_id == got.delivery_id
    assert delivery.status is DeliveryStatus.DELIVERED
    assert delivery.payload == got.json
    assert [(a.attempt, a.response_status, a.response_body) for a in delivery.attempts] == [
        (1, 200, "ok")
    ]


def test_a_receiver_down_for_a_while_gets_every_event_in_order_per_model(
    registry: RegistryService,
    webhooks: WebhookService,
    receiver: Receiver,
    worker: DeliveryWorker,
) -> None:
    hook = webhooks.create_webhook(
        "ci", receiver.url, ["model_version.created", "model_version_stage.transitioned"]
    )
    receiver.down()
    for name in ("Unicorn", "Pegasus"):
        registry.create_registered_model(name)
    for n in range(1, 4):
        for name in ("Unicorn", "Pegasus"):
            registry.create_model_version(name, f"runs:/r{n}/model")
            registry.transition_model_version_stage(name, n, "Staging")
    # Let it fail a few times (connection refused), then come back.
    eventually(
        lambda: (
            [d for d in webhooks.list_webhook_deliveries(hook.webhook_id) if len(d.attempts) >= 2]
            or None
        )
    )
    receiver.up()

    got = receiver.wait_for(12)
    for name in ("Unicorn", "Pegasus"):
        sequence = [
            (r.event, r.json["data"]["version"]) for r in got if r.json["data"]["name"] == name
        ]
        assert sequence == [
            (event, str(n))
            for n in range(1, 4)
            for event in ("model_version.created", "model_version_stage.transitioned")
        ]
    log = finished(webhooks, hook.webhook_id, 12)
    assert all(d.status is DeliveryStatus.DELIVERED for d in log)
    first = log[0]
    assert len(first.attempts) >= 3
    assert all(a.error and "ConnectError" in a.error for a in first.attempts[:-1])
    assert first.attempts[-1].response_status == 200


def test_errors_are_retried_and_a_delivery_is_given_up_after_max_attempts(
    registry: RegistryService,
    webhooks: WebhookService,
    webhook_store: SqlWebhookStore,
    receiver: Receiver,
) -> None:
    hook = webhooks.create_webhook("ci", receiver.url, ["model_version.created"])
    registry.create_registered_model("Unicorn")
    receiver.status = 503
    registry.create_model_version("Unicorn", "runs:/r1/model")
    registry.create_model_version("Unicorn", "runs:/r2/model")
    settings = dataclasses.replace(FAST, max_attempts=3)
    with running_worker(webhook_store, settings):
        [given_up, _] = finished(webhooks, hook.webhook_id, 1)
        assert given_up.status is DeliveryStatus.FAILED
        assert [a.response_status for a in given_up.attempts] == [503, 503, 503]
        # The model's next event waited for the first to end; now it goes out.
        receiver.status = 200
        [_, delivered] = finished(webhooks, hook.webhook_id, 2)
    assert delivered.status is DeliveryStatus.DELIVERED
    assert delivered.attempts[-1].response_status == 200
    versions = [r.json["data"]["version"] for r in receiver.requests]
    assert versions.index("2") > max(i for i, v in enumerate(versions) if v == "1")


def test_redelivery_sends_the_same_body_as_a_new_delivery(
    registry: RegistryService,
    webhooks: WebhookService,
    receiver: Receiver,
    worker: DeliveryWorker,
) -> None:
    hook = webhooks.create_webhook("ci", receiver.url, ["registered_model.created"])
    registry.create_registered_model("Unicorn")
    [original] = finished(webhooks, hook.webhook_id, 1)

    again = webhooks.redeliver_webhook_delivery(original.delivery_id)
    assert again.redelivery_of == original.delivery_id
    assert again.status is DeliveryStatus.PENDING
    first, second = receiver.wait_for(2)
    assert second.delivery_id == again.delivery_id != first.delivery_id
    assert second.body == first.body
    newest = webhooks.list_webhook_deliveries(hook.webhook_id)[0]
    assert newest.delivery_id == again.delivery_id

    with pytest.raises(DeliveryNotFound):
        webhooks.redeliver_webhook_delivery("no-such-delivery")


def test_a_pending_delivery_cannot_be_redelivered(
    registry: RegistryService, webhooks: WebhookService
) -> None:
    hook = webhooks.create_webhook("ci", "http://127.0.0.1:9/", ["registered_model.created"])
    registry.create_registered_model("Unicorn")
    [pending] = webhooks.list_webhook_deliveries(hook.webhook_id)
    with pytest.raises(InvalidParameterValue, match="still pending"):
        webhooks.redeliver_webhook_delivery(pending.delivery_id)


def test_the_test_event_is_sent_now_signed_and_logged(
    webhooks: WebhookService, receiver: Receiver
) -> None:
    hook = webhooks.create_webhook(
        "ci", receiver.url, ["model_version_alias.created", "model_version.created"], secret=SECRET
    )
    result = webhooks.test_webhook(hook.webhook_id)
    assert result.success
    assert result.response_status == 200
    assert result.response_body == "ok"
    [got] = receiver.requests
    assert got.event == "model_version.created"  # the webhook's first event
    assert got.signature == _generate_hmac_signature(
        SECRET, got.delivery_id, got.timestamp, got.body
    )
    assert got.json["data"]["name"] == "example_model"

    receiver.status = 500
    failed = webhooks.test_webhook(hook.webhook_id, "MODEL_VERSION_ALIAS.created")
    assert not failed.success
    assert failed.response_status == 500
    assert receiver.requests[-1].event == "model_version_alias.created"

    receiver.down()
    unreachable = webhooks.test_webhook(hook.webhook_id)
    assert not unreachable.success
    assert unreachable.response_status is None
    assert unreachable.error_message is not None
    assert "ConnectError" in unreachable.error_message

    log = webhooks.list_webhook_deliveries(hook.webhook_id)
    assert [d.status for d in log] == [
        DeliveryStatus.FAILED,
        DeliveryStatus.FAILED,
        DeliveryStatus.DELIVERED,
    ]
    assert all(d.event_id is None and len(d.attempts) == 1 for d in log)
    with pytest.raises(WebhookNotFound):
        webhooks.test_webhook("no-such-webhook")


def test_a_claim_whose_worker_died_is_retried_after_its_lease(
    registry: RegistryService,
    webhooks: WebhookService,
    webhook_store: SqlWebhookStore,
    receiver: Receiver,
) -> None:
    hook = webhooks.create_webhook("ci", receiver.url, ["registered_model.created"])
    registry.create_registered_model("Unicorn")
    settings = dataclasses.replace(FAST, timeout=0.2)  # a lease of 1.4 s
    # A worker claims the delivery and dies before sending it.
    [claimed] = webhook_store.claim(int(time.time() * 1000), 10, settings.lease_ms)
    with running_worker(webhook_store, settings):
        time.sleep(0.5)
        assert receiver.requests == []  # still leased
        [got] = receiver.wait_for(1)
    assert got.delivery_id == claimed.delivery_id
    [delivery] = finished(webhooks, hook.webhook_id, 1)
    assert delivery.attempt_count == 2  # the dead worker's attempt, then the real one
    assert [a.attempt for a in delivery.attempts] == [2]


@pytest.fixture
def two_workers(webhook_store: SqlWebhookStore) -> Iterator[None]:
    """Two workers on one database, as two server replicas run them."""
    other = SqlWebhookStore(webhook_store.engine)
    with running_worker(webhook_store, FAST), running_worker(other, FAST):
        yield


def test_two_workers_deliver_each_event_once_and_in_order(
    registry: RegistryService,
    webhooks: WebhookService,
    receiver: Receiver,
    two_workers: None,
) -> None:
    webhooks.create_webhook("a", receiver.url, ["model_version.created"])
    webhooks.create_webhook("b", receiver.url + "?b", ["model_version.created"])
    names = [f"m{i}" for i in range(4)]
    for name in names:
        registry.create_registered_model(name)
    for n in range(1, 6):
        for name in names:
            registry.create_model_version(name, f"runs:/r{n}/model")

    got = receiver.wait_for(40)
    time.sleep(0.3)
    assert len(receiver.requests) == 40  # no duplicates from the two workers
    for path in ("/hook", "/hook?b"):
        for name in names:
            versions = [
                json.loads(r.body)["data"]["version"]
                for r in got
                if r.path == path and r.json["data"]["name"] == name
            ]
            assert versions == ["1", "2", "3", "4", "5"]
