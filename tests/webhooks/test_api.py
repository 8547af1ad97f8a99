"""The REST API: MLflow's webhook endpoints and wire format, the delivery log, and errors."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from modelreg.backend import open_local_backend
from modelreg.config import Settings
from modelreg.server import create_app
from modelreg.webhooks import signing
from tests.server.conftest import assert_error, ok
from tests.webhooks.conftest import FAST
from tests.webhooks.receiver import Receiver, eventually

MLFLOW = "/api/2.0/mlflow"
MODELREG = "/api/2.0/modelreg"
SECRET = "s3cret-that-must-never-leak"
VERSION_CREATED = {"entity": "MODEL_VERSION", "action": "CREATED"}
MODEL_CREATED = {"entity": "REGISTERED_MODEL", "action": "CREATED"}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    """The app on an empty SQLite registry, its delivery worker running with FAST timing."""
    settings = Settings.resolve(
        f"sqlite:///{tmp_path / 'registry.db'}", artifact_root=str(tmp_path / "artifacts")
    )
    backend = open_local_backend(settings, local_sources=False)
    with TestClient(create_app(settings, backend=backend, webhook_delivery=FAST)) as session:
        yield session
    backend.close()


def create(client: TestClient, **fields: Any) -> dict[str, Any]:
    body = {"name": "ci", "url": "http://127.0.0.1:9/hook", "events": [VERSION_CREATED], **fields}
    webhook: dict[str, Any] = ok(client.post(f"{MLFLOW}/webhooks", json=body))["webhook"]
    return webhook


def test_crud_speaks_mlflows_wire_format(client: TestClient) -> None:
    created = create(
        client,
        events=[VERSION_CREATED, {"entity": "model_version_stage", "action": "transitioned"}],
        description="CI trigger",
        secret=SECRET,
        model_name="Unicorn",
    )
    webhook_id = created["webhook_id"]
    assert created == {
        "webhook_id": webhook_id,
        "name": "ci",
        "description": "CI trigger",
        "url": "http://127.0.0.1:9/hook",
        "events": [
            VERSION_CREATED,
            {"entity": "MODEL_VERSION_STAGE", "action": "TRANSITIONED"},
        ],
        "status": "ACTIVE",
        "creation_timestamp": created["creation_timestamp"],
        "last_updated_timestamp": created["creation_timestamp"],
        "model_name": "Unicorn",
    }
    assert ok(client.get(f"{MLFLOW}/webhooks/{webhook_id}")) == {"webhook": created}
    assert ok(client.get(f"{MLFLOW}/webhooks")) == {"webhooks": [created]}

    updated = ok(
        client.patch(
            f"{MLFLOW}/webhooks/{webhook_id}",
            json={"name": "deploy", "status": "DISABLED", "events": [MODEL_CREATED]},
        )
    )["webhook"]
    assert updated["name"] == "deploy"
    assert updated["status"] == "DISABLED"
    assert updated["events"] == [MODEL_CREATED]
    assert updated["description"] == "CI trigger"
    assert updated["last_updated_timestamp"] >= created["last_updated_timestamp"]

    assert ok(client.delete(f"{MLFLOW}/webhooks/{webhook_id}")) == {}
    assert_error(
        client.get(f"{MLFLOW}/webhooks/{webhook_id}"),
        404,
        "RESOURCE_DOES_NOT_EXIST",
        f"Webhook with ID {webhook_id} not found.",
    )


def test_a_generated_secret_is_shown_once_and_signs_the_deliveries(
    client: TestClient, receiver: Receiver
) -> None:
    created = create(client, url=receiver.url)
    secret = created["secret"]
    assert len(secret) >= 32
    assert "secret" not in ok(client.get(f"{MLFLOW}/webhooks/{created['webhook_id']}"))["webhook"]
    assert "secret" not in ok(client.get(f"{MLFLOW}/webhooks"))["webhooks"][0]

    ok(client.post(f"{MLFLOW}/webhooks/{created['webhook_id']}/test", json={}))
    [got] = receiver.requests
    assert signing.verify(secret, got.delivery_id, got.timestamp, got.body, got.signature)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"url": "ftp://example.com/hook"}, "Invalid webhook URL scheme: 'ftp'"),
        ({"url": "file:///etc/passwd"}, "Invalid webhook URL scheme: 'file'"),
        ({"url": "http:///no-host"}, "must include a hostname"),
        ({"url": "http://host:port/"}, "Invalid webhook URL"),
        ({"url": ""}, "cannot be empty"),
        ({"name": "-bad name-"}, "Webhook name '-bad name-' is invalid"),
        ({"events": []}, "non-empty list"),
        ({"events": [{"entity": "PROMPT", "action": "CREATED"}]}, "Invalid webhook event"),
        ({"events": [{"entity": "MODEL_VERSION"}]}, "Missing value for required parameter"),
        ({"status": "PAUSED"}, "Invalid webhook status 'PAUSED'"),
        ({"secret": ""}, "Webhook secret must be a non-empty string"),
        ({"model_name": ""}, "name"),
    ],
)
def test_invalid_webhooks_are_refused_with_400(
    client: TestClient, fields: dict[str, Any], message: str
) -> None:
    body = {"name": "ci", "url": "http://127.0.0.1:9/hook", "events": [VERSION_CREATED], **fields}
    assert_error(
        client.post(f"{MLFLOW}/webhooks", json=body), 400, "INVALID_PARAMETER_VALUE", message
    )
    assert ok(client.get(f"{MLFLOW}/webhooks")) == {"webhooks": []}


def test_a_missing_required_field_is_a_400(client: TestClient) -> None:
    response = client.post(f"{MLFLOW}/webhooks", json={"name": "ci", "events": [VERSION_CREATED]})
    assert_error(
        response, 400, "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'url'"
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"{MLFLOW}/webhooks/nope"),
        ("PATCH", f"{MLFLOW}/webhooks/nope"),
        ("DELETE", f"{MLFLOW}/webhooks/nope"),
        ("POST", f"{MLFLOW}/webhooks/nope/test"),
        ("GET", f"{MODELREG}/webhooks/nope/deliveries"),
    ],
)
def test_an_unknown_webhook_is_a_404(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, path, json={})
    assert_error(response, 404, "RESOURCE_DOES_NOT_EXIST", "Webhook with ID nope not found.")


def test_an_unknown_delivery_is_a_404(client: TestClient) -> None:
    response = client.post(f"{MODELREG}/webhooks/deliveries/nope/redeliver")
    assert_error(response, 404, "RESOURCE_DOES_NOT_EXIST", "Webhook delivery with ID nope")


def test_webhooks_are_listed_newest_first_one_page_at_a_time(client: TestClient) -> None:
    ids = [create(client, name=f"hook-{i}")["webhook_id"] for i in range(3)]
    first = ok(client.get(f"{MLFLOW}/webhooks", params={"max_results": 2}))
    assert [w["webhook_id"] for w in first["webhooks"]] == ids[::-1][:2]
    token = first["next_page_token"]
    second = ok(client.get(f"{MLFLOW}/webhooks", params={"max_results": 2, "page_token": token}))
    assert [w["webhook_id"] for w in second["webhooks"]] == ids[:1]
    assert "next_page_token" not in second
    assert_error(
        client.get(f"{MLFLOW}/webhooks", params={"page_token": "garbage"}),
        400,
        "INVALID_PARAMETER_VALUE",
        "page_token",
    )
    assert_error(
        client.get(f"{MLFLOW}/webhooks", params={"max_results": 0}),
        400,
        "INVALID_PARAMETER_VALUE",
        "max_results",
    )


def test_the_test_endpoint_reports_the_receivers_answer(
    client: TestClient, receiver: Receiver
) -> None:
    webhook_id = create(client, url=receiver.url)["webhook_id"]
    result = ok(client.post(f"{MLFLOW}/webhooks/{webhook_id}/test", json={"event": MODEL_CREATED}))
    assert result == {"result": {"success": True, "response_status": 200, "response_body": "ok"}}
    assert receiver.requests[0].event == "registered_model.created"
    receiver.down()
    failed = ok(client.post(f"{MLFLOW}/webhooks/{webhook_id}/test"))["result"]
    assert failed["success"] is False
    assert "ConnectError" in failed["error_message"]


def test_the_delivery_log_and_redelivery_endpoints(client: TestClient, receiver: Receiver) -> None:
    webhook_id = create(client, url=receiver.url, events=[MODEL_CREATED])["webhook_id"]
    ok(client.post(f"{MLFLOW}/registered-models/create", json={"name": "Unicorn"}))
    [got] = receiver.wait_for(1)

    def delivered() -> list[dict[str, Any]] | None:
        log = ok(client.get(f"{MODELREG}/webhooks/{webhook_id}/deliveries"))["deliveries"]
        return log if log and all(d["status"] == "DELIVERED" for d in log) else None

    [delivery] = eventually(delivered)
    assert delivery["delivery_id"] == got.delivery_id
    assert delivery["webhook_id"] == webhook_id
    assert delivery["event"] == "registered_model.created"
    assert delivery["model_name"] == "Unicorn"
    assert delivery["payload"] == got.json
    assert delivery["attempt_count"] == 1
    [attempt] = delivery["attempts"]
    assert attempt["attempt"] == 1
    assert attempt["response_status"] == 200
    assert attempt["duration_ms"] >= 0

    again = ok(client.post(f"{MODELREG}/webhooks/deliveries/{got.delivery_id}/redeliver"))
    assert again["delivery"]["redelivery_of"] == got.delivery_id
    assert again["delivery"]["status"] == "PENDING"
    second = receiver.wait_for(2)[1]
    assert second.delivery_id == again["delivery"]["delivery_id"]
    assert second.body == got.body
    page = ok(client.get(f"{MODELREG}/webhooks/{webhook_id}/deliveries", params={"max_results": 1}))
    assert [d["delivery_id"] for d in page["deliveries"]] == [second.delivery_id]
    older = ok(
        client.get(
            f"{MODELREG}/webhooks/{webhook_id}/deliveries",
            params={"max_results": 1, "page_token": page["next_page_token"]},
        )
    )
    assert [d["delivery_id"] for d in older["deliveries"]] == [got.delivery_id]


def test_a_secret_never_appears_in_responses_or_logs(
    client: TestClient, receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    responses: list[httpx.Response] = []

    def call(method: str, path: str, **kwargs: Any) -> Any:
        response = client.request(method, path, **kwargs)
        responses.append(response)
        return ok(response)

    hook = call(
        "POST",
        f"{MLFLOW}/webhooks",
        json={"name": "ci", "url": receiver.url, "events": [MODEL_CREATED], "secret": SECRET},
    )["webhook"]
    webhook_id = hook["webhook_id"]
    call("PATCH", f"{MLFLOW}/webhooks/{webhook_id}", json={"secret": SECRET + "-2"})
    call("GET", f"{MLFLOW}/webhooks/{webhook_id}")
    call("GET", f"{MLFLOW}/webhooks")
    call("POST", f"{MLFLOW}/webhooks/{webhook_id}/test", json={})
    receiver.status = 500  # failed attempts are logged as warnings
    call("POST", f"{MLFLOW}/registered-models/create", json={"name": "Unicorn"})
    eventually(lambda: len(receiver.requests) >= 3 or None)  # the test, then two failures
    receiver.status = 200

    def delivered() -> list[dict[str, Any]] | None:
        log = call("GET", f"{MODELREG}/webhooks/{webhook_id}/deliveries")["deliveries"]
        return log if log[0]["status"] == "DELIVERED" else None

    log = eventually(delivered)
    call("POST", f"{MODELREG}/webhooks/deliveries/{log[0]['delivery_id']}/redeliver")
    receiver.wait_for(3)
    error = client.post(f"{MLFLOW}/webhooks", json={"name": "x", "url": 3, "secret": SECRET})
    responses.append(error)

    assert any("attempt 1 failed" in record.getMessage() for record in caplog.records)
    for response in responses:
        assert SECRET not in response.text
    assert SECRET not in caplog.text
    # The receiver saw the new secret's signature, not the secret.
    assert all(SECRET not in request.body for request in receiver.requests)
