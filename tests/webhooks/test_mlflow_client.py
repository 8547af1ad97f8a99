"""The official MLflow client's webhook methods, unchanged, against a real modelreg server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from mlflow import MlflowClient
from mlflow.entities.webhook import WebhookEvent, WebhookStatus
from mlflow.exceptions import MlflowException
from mlflow.webhooks.delivery import _generate_hmac_signature

from tests.processes import running_server
from tests.webhooks.receiver import Receiver

SECRET = "mlflow-client-secret"


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MlflowClient]:
    """An MlflowClient pointed at a modelreg server process on a fresh SQLite registry."""
    uri = f"sqlite:///{tmp_path / 'registry.db'}"
    with running_server(uri, tmp_path / "art", tmp_path / "server.log") as url:
        monkeypatch.setenv("MLFLOW_TRACKING_URI", url)
        yield MlflowClient()


def test_mlflow_client_manages_and_tests_webhooks(client: MlflowClient, receiver: Receiver) -> None:
    created = client.create_webhook(
        name="ci",
        url=receiver.url,
        events=["registered_model.created", "model_version.created"],
        description="CI trigger",
        secret=SECRET,
    )
    assert created.name == "ci"
    assert created.url == receiver.url
    assert created.description == "CI trigger"
    assert created.status is WebhookStatus.ACTIVE
    assert created.events == [
        WebhookEvent.from_str("registered_model.created"),
        WebhookEvent.from_str("model_version.created"),
    ]
    assert created.secret is None  # never sent back
    assert [w.webhook_id for w in client.list_webhooks()] == [created.webhook_id]
    assert client.get_webhook(created.webhook_id).name == "ci"

    updated = client.update_webhook(created.webhook_id, description="new", status="DISABLED")
    assert (updated.description, updated.status) == ("new", WebhookStatus.DISABLED)
    client.update_webhook(created.webhook_id, status="ACTIVE")

    result = client.test_webhook(created.webhook_id)
    assert (result.success, result.response_status, result.response_body) == (True, 200, "ok")
    [test] = receiver.requests
    assert test.event == "registered_model.created"
    assert test.signature == _generate_hmac_signature(
        SECRET, test.delivery_id, test.timestamp, test.body
    )
    aliased = client.test_webhook(created.webhook_id, event="model_version_alias.created")
    assert aliased.success
    assert receiver.requests[-1].event == "model_version_alias.created"

    client.create_registered_model("Unicorn")
    client.create_model_version("Unicorn", "s3://bucket/unicorn/1")
    model_created, version_created = receiver.wait_for(4)[2:]
    assert model_created.json["data"] == {"name": "Unicorn", "tags": {}, "description": None}
    assert version_created.json["data"] == {
        "name": "Unicorn",
        "version": "1",
        "source": "s3://bucket/unicorn/1",
        "run_id": None,
        "tags": {},
        "description": None,
    }

    client.delete_webhook(created.webhook_id)
    with pytest.raises(MlflowException) as missing:
        client.get_webhook(created.webhook_id)
    assert missing.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    with pytest.raises(MlflowException) as invalid:
        client.create_webhook(name="bad", url="ftp://x/", events=["model_version.created"])
    assert invalid.value.error_code == "INVALID_PARAMETER_VALUE"
