"""A real ``modelreg server`` process killed with SIGKILL between a change and its delivery
loses no event: the outbox is in the database, and the next server process sends it."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from modelreg.webhooks import signing
from tests.databases import fresh_postgres_database
from tests.processes import free_port, wait_until_healthy
from tests.webhooks.receiver import Receiver, eventually

SECRET = "process-secret-4f1c9e"
MLFLOW = "/api/2.0/mlflow"


@contextlib.contextmanager
def server_process(
    tracking_uri: str, folder: Path, log: Path
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``modelreg server`` on a free port, its output appended to ``log``; stopped after."""
    port = free_port()
    command = [sys.executable, "-m", "modelreg.cli.app", "--tracking-uri", tracking_uri]
    command += ["server", "--port", str(port), "--artifacts-destination", str(folder / "art")]
    with log.open("ab") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, process, log)
        yield url, process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def tracking_uri(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty registry database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'registry.db'}"
        return
    with fresh_postgres_database("modelreg_webhooks") as uri:
        yield uri


def call(url: str, method: str, path: str, **kwargs: Any) -> Any:
    response = httpx.request(method, f"{url}{path}", timeout=30, **kwargs)
    assert response.status_code == 200, response.text
    assert SECRET not in response.text
    return response.json()


def test_sigkill_between_change_and_delivery_loses_no_event(
    tracking_uri: str, tmp_path: Path
) -> None:
    receiver = Receiver()  # down: connections are refused
    log = tmp_path / "server.log"
    with server_process(tracking_uri, tmp_path, log) as (url, process):
        events = [
            {"entity": "REGISTERED_MODEL", "action": "CREATED"},
            {"entity": "MODEL_VERSION", "action": "CREATED"},
            {"entity": "MODEL_VERSION_ALIAS", "action": "CREATED"},
            {"entity": "MODEL_VERSION_STAGE", "action": "TRANSITIONED"},
        ]
        body = {"name": "ci", "url": receiver.url, "events": events, "secret": SECRET}
        webhook_id = call(url, "POST", f"{MLFLOW}/webhooks", json=body)["webhook"]["webhook_id"]
        for name in ("Unicorn", "Pegasus"):
            call(url, "POST", f"{MLFLOW}/registered-models/create", json={"name": name})
        for n in range(1, 4):
            for name in ("Unicorn", "Pegasus"):
                version = {"name": name, "source": f"s3://bucket/{name}/{n}"}
                call(url, "POST", f"{MLFLOW}/model-versions/create", json=version)
        for name in ("Unicorn", "Pegasus"):
            alias = {"name": name, "alias": "champion", "version": "3"}
            call(url, "POST", f"{MLFLOW}/registered-models/alias", json=alias)
            stage = {"name": name, "version": "3", "stage": "Production"}
            call(url, "POST", f"{MLFLOW}/model-versions/transition-stage", json=stage)

        def tried() -> bool | None:
            page = call(url, "GET", f"/api/2.0/modelreg/webhooks/{webhook_id}/deliveries")
            return any(d.get("attempts") for d in page["deliveries"]) or None

        eventually(tried)  # the server is retrying: the receiver is still down
        process.kill()
        process.wait()

    with server_process(tracking_uri, tmp_path, log):
        receiver.up()
        try:
            got = receiver.wait_for(12, timeout=90)
        finally:
            receiver.down()

    for name in ("Unicorn", "Pegasus"):
        sequence = [
            (r.event, r.json["data"].get("version")) for r in got if r.json["data"]["name"] == name
        ]
        assert sequence == [
            ("registered_model.created", None),
            ("model_version.created", "1"),
            ("model_version.created", "2"),
            ("model_version.created", "3"),
            ("model_version_alias.created", "3"),
            ("model_version_stage.transitioned", "3"),
        ]
    for request in receiver.requests:
        assert signing.verify(
            SECRET, request.delivery_id, request.timestamp, request.body, request.signature
        )
    output = log.read_text()
    assert "failed (ConnectError" in output  # the worker logged its retries...
    assert SECRET not in output  # ...and never the secret
