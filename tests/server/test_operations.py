"""Operations: request ids, JSON request logs, Prometheus metrics, liveness and readiness."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from modelreg.config import Settings
from modelreg.server import create_app
from modelreg.server.operations.json_logs import JsonFormatter, logging_config
from tests.processes import running_server


@pytest.fixture
def session(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings.resolve(f"sqlite:///{tmp_path / 'r.db'}", artifact_root=str(tmp_path))
    with TestClient(create_app(settings)) as session:
        yield session


def test_every_answer_carries_a_request_id(session: TestClient) -> None:
    made = session.get("/health").headers["x-request-id"]
    assert len(made) == 32
    assert (
        session.get("/health", headers={"X-Request-Id": "ci-42.a"}).headers["x-request-id"]
        == "ci-42.a"
    )
    unsafe = session.get("/health", headers={"X-Request-Id": "a b\tc"})
    assert unsafe.headers["x-request-id"] != "a b\tc"


def test_each_request_is_logged_as_json_with_its_id(
    session: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="modelreg.server.requests"):
        session.get(
            "/api/2.0/mlflow/registered-models/get",
            params={"name": "nope"},
            headers={"X-Request-Id": "req-1"},
        )
    (record,) = [r for r in caplog.records if r.name == "modelreg.server.requests"]
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "GET /api/2.0/mlflow/registered-models/get 404"
    assert (line["status"], line["route"], line["method"]) == (
        404,
        "/api/2.0/mlflow/registered-models/get",
        "GET",
    )
    assert line["duration_ms"] >= 0
    assert line["level"] == "INFO"


def test_logs_inside_a_request_carry_its_id(session: TestClient) -> None:
    # The formatter reads the id from the request's context: outside one there is none.
    record = logging.LogRecord("modelreg.x", logging.INFO, "f", 1, "hello %s", ("you",), None)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "hello you"
    assert "request_id" not in line


def test_metrics_count_requests_by_route_template(session: TestClient) -> None:
    for name in ("a", "b", "c"):
        session.get("/api/2.0/mlflow/registered-models/get", params={"name": name})
    session.get("/api/2.0/mlflow-artifacts/artifacts/some/file.txt")
    session.get("/nowhere")
    text = session.get("/metrics").text
    assert 'route="/api/2.0/mlflow-artifacts/artifacts/{path}",status="404"} 1.0' in text
    assert 'route="unmatched",status="404"} 1.0' in text
    assert (
        'modelreg_http_requests_total{method="GET",route="/api/2.0/mlflow/registered-models/get",'
        'status="404"} 3.0' in text
    )
    assert "modelreg_http_request_duration_seconds_bucket" in text
    assert "modelreg_webhook_deliveries_pending 0.0" in text


def test_readiness_checks_the_database_and_its_schema(session: TestClient) -> None:
    assert session.get("/health/ready").text == "OK"
    engine = session.app.state.backend.registry.store.engine  # type: ignore[attr-defined]
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '0003'"))
    answer = session.get("/health/ready")
    assert answer.status_code == 503
    assert answer.json()["error_code"] == "TEMPORARILY_UNAVAILABLE"
    assert "modelreg db upgrade" in answer.json()["message"]
    assert session.get("/health").status_code == 200  # liveness does not depend on it


def test_the_logging_config_routes_modelreg_and_uvicorn_to_json() -> None:
    config = logging_config("info")
    assert config["formatters"]["main"]["()"].endswith("JsonFormatter")
    assert config["loggers"]["modelreg"]["level"] == "INFO"
    assert config["loggers"]["uvicorn.access"]["handlers"] == []
    assert "format" in logging_config("debug", json_format=False)["formatters"]["main"]


def test_the_real_server_logs_json_lines_with_request_ids(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    with running_server(f"sqlite:///{tmp_path / 'r.db'}", tmp_path / "a", log) as url:
        request = urllib.request.Request(
            f"{url}/api/2.0/mlflow/registered-models/get?name=nope",
            headers={"X-Request-Id": "trace-me-42"},
        )
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(request, timeout=10)
        with answer.value:
            assert answer.value.headers["x-request-id"] == "trace-me-42"
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    (logged,) = [line for line in lines if line.get("request_id") == "trace-me-42"]
    assert (logged["status"], logged["route"]) == (404, "/api/2.0/mlflow/registered-models/get")
    assert all("level" in line and "time" in line for line in lines)
