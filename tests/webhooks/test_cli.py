"""``modelreg webhooks ...`` on a local SQLite store, with a real receiver."""

from __future__ import annotations

from pathlib import Path

import pytest

from modelreg.store.sql import SqlRegistryStore
from modelreg.store.sql.webhooks_store import SqlWebhookStore
from modelreg.webhooks.worker import running_worker
from tests.cli.conftest import Cli
from tests.webhooks.conftest import FAST
from tests.webhooks.receiver import Receiver

SECRET = "cli-secret-never-printed"


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    """The CLI on a fresh SQLite registry."""
    return Cli(f"sqlite:///{tmp_path / 'registry.db'}")


def test_create_list_get_update_delete(cli: Cli) -> None:
    created = cli.json(
        "webhooks", "create", "ci", "--url", "https://ci.example.com/hook",
        "--event", "model_version.created", "--event", "model_version_stage.transitioned",
        "--model", "Unicorn", "--description", "CI", "--secret", SECRET,
    )  # fmt: skip
    webhook_id = created["webhook_id"]
    assert created["events"] == [
        {"entity": "MODEL_VERSION", "action": "CREATED"},
        {"entity": "MODEL_VERSION_STAGE", "action": "TRANSITIONED"},
    ]
    assert created["model_name"] == "Unicorn"
    assert "secret" not in created
    assert cli.json("webhooks", "get", webhook_id) == created
    assert cli.json("webhooks", "list") == {"webhooks": [created], "next_page_token": None}

    updated = cli.json(
        "webhooks", "update", webhook_id, "--status", "disabled", "--model", "",
        "--event", "registered_model.created",
    )  # fmt: skip
    assert updated["status"] == "DISABLED"
    assert "model_name" not in updated
    assert updated["events"] == [{"entity": "REGISTERED_MODEL", "action": "CREATED"}]

    table = cli("webhooks", "list")
    assert table.exit_code == 0
    assert webhook_id in table.stdout
    assert "registered_model.created" in table.stdout
    assert SECRET not in table.stdout

    assert cli.json("webhooks", "delete", webhook_id, "--yes") == {
        "webhook_id": webhook_id,
        "deleted": True,
    }
    missing = cli("webhooks", "get", webhook_id)
    assert missing.exit_code == 2
    assert f"Webhook with ID {webhook_id} not found." in missing.stderr


def test_a_generated_secret_is_printed_once(cli: Cli) -> None:
    result = cli(
        "webhooks",
        "create",
        "ci",
        "--url",
        "http://127.0.0.1:9/",
        "--event",
        "model_version.created",
    )
    assert result.exit_code == 0, result.output
    assert "Secret (shown once, keep it): " in result.stdout
    secret = result.stdout.rsplit("Secret (shown once, keep it): ", 1)[1].strip()
    assert len(secret) >= 32
    listed = cli("webhooks", "list")
    assert secret not in listed.stdout


def test_bad_input_exits_2_with_the_reason(cli: Cli) -> None:
    bad_url = cli(
        "webhooks", "create", "ci", "--url", "ftp://x/", "--event", "model_version.created"
    )
    assert bad_url.exit_code == 2
    assert "Invalid webhook URL scheme: 'ftp'" in bad_url.stderr
    no_event = cli("webhooks", "create", "ci", "--url", "http://x/")
    assert no_event.exit_code == 2
    assert "non-empty list" in no_event.stderr


def test_a_server_uri_is_refused(tmp_path: Path) -> None:
    result = Cli("http://127.0.0.1:9")("webhooks", "list")
    assert result.exit_code == 2
    assert "works on a local store" in result.stderr


def test_test_deliveries_and_redeliver(cli: Cli, receiver: Receiver) -> None:
    webhook_id = cli.json(
        "webhooks", "create", "ci", "--url", receiver.url,
        "--event", "registered_model.created", "--secret", SECRET,
    )["webhook_id"]  # fmt: skip
    assert cli.json("webhooks", "test", webhook_id) == {
        "success": True,
        "response_status": 200,
        "response_body": "ok",
    }
    assert cli("webhooks", "test", webhook_id).stdout == "Delivered: HTTP 200.\n"

    cli.json("models", "create", "Unicorn")
    store = SqlRegistryStore.from_uri(cli.tracking_uri)
    try:
        with running_worker(SqlWebhookStore(store.engine), FAST):
            receiver.wait_for(3)
    finally:
        store.close()
    log = cli.json("webhooks", "deliveries", webhook_id)["deliveries"]
    assert [d["event"] for d in log] == [
        "registered_model.created",
        "registered_model.created",
        "registered_model.created",
    ]
    assert [d["status"] for d in log] == ["DELIVERED"] * 3
    assert log[0]["payload"]["data"]["name"] == "Unicorn"
    table = cli("webhooks", "deliveries", webhook_id)
    assert log[0]["delivery_id"] in table.stdout
    assert "HTTP 200" in table.stdout

    again = cli.json("webhooks", "redeliver", log[0]["delivery_id"])
    assert again["redelivery_of"] == log[0]["delivery_id"]
    assert again["status"] == "PENDING"

    receiver.down()
    failed = cli("webhooks", "test", webhook_id)
    assert failed.exit_code == 1
    assert failed.stdout.startswith("Failed (no answer): ConnectError")
