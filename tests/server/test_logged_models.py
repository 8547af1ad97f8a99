"""``/logged-models`` (MLflow 3) and ``/api/3.0/mlflow/server-info`` on the wire."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from modelreg.wire import logged_model_from_wire, logged_model_to_wire
from tests.server.conftest import (
    API,
    assert_error,
    backend_of,
    create_experiment,
    create_logged_model,
    create_run,
    ok,
)

SOURCE_TAGS = [
    {"key": "mlflow.user", "value": "root"},
    {"key": "mlflow.source.name", "value": "workflow.py"},
    {"key": "mlflow.source.type", "value": "LOCAL"},
]


@pytest.fixture
def experiment_id(client: TestClient) -> str:
    return create_experiment(client, "unicorn-exp")


@pytest.fixture
def run_id(client: TestClient, experiment_id: str) -> str:
    run_id: str = create_run(client, experiment_id)["info"]["run_id"]
    return run_id


def test_create_renders_a_pending_model_with_sorted_params_and_tags(
    client: TestClient, experiment_id: str, run_id: str, artifact_root: Path
) -> None:
    body = {
        "experiment_id": experiment_id,
        "name": "model",
        "source_run_id": run_id,
        "params": [{"key": "model", "value": "LinearRegression"}, {"key": "encoder", "value": "x"}],
        "tags": SOURCE_TAGS,
    }
    model = ok(client.post(f"{API}/logged-models", json=body))["model"]
    info = model["info"]
    model_id = info["model_id"]
    assert re.fullmatch(r"m-[0-9a-f]{32}", model_id)
    assert info == {
        "model_id": model_id,
        "experiment_id": experiment_id,
        "name": "model",
        "creation_timestamp_ms": info["creation_timestamp_ms"],
        "last_updated_timestamp_ms": info["creation_timestamp_ms"],
        "artifact_uri": f"mlflow-artifacts:/{experiment_id}/models/{model_id}/artifacts",
        "status": "LOGGED_MODEL_PENDING",
        "model_type": "",
        "source_run_id": run_id,
        "tags": sorted(SOURCE_TAGS, key=lambda tag: tag["key"]),
    }
    assert model["data"] == {
        "params": [{"key": "encoder", "value": "x"}, {"key": "model", "value": "LinearRegression"}]
    }
    stored = backend_of(client).logged_models.get_logged_model(model_id)
    assert stored.artifact_location == (
        f"{artifact_root}/{experiment_id}/models/{model_id}/artifacts"
    )


def test_create_without_a_name_gets_a_generated_one(client: TestClient, experiment_id: str) -> None:
    body = {"experiment_id": experiment_id}
    info = ok(client.post(f"{API}/logged-models", json=body))["model"]["info"]
    assert info["name"]
    assert "source_run_id" not in info


@pytest.mark.parametrize("name", ["a/b", "a.b", "a:b", ""])
def test_create_with_a_bad_name_is_invalid(
    client: TestClient, experiment_id: str, name: str
) -> None:
    response = client.post(
        f"{API}/logged-models", json={"experiment_id": experiment_id, "name": name}
    )
    assert_error(response, 400, "INVALID_PARAMETER_VALUE", "Invalid model name")


def test_create_in_a_missing_experiment_is_404(client: TestClient) -> None:
    response = client.post(f"{API}/logged-models", json={"experiment_id": "99", "name": "m"})
    assert_error(response, 404, "RESOURCE_DOES_NOT_EXIST")


def test_create_from_a_missing_run_is_404(client: TestClient, experiment_id: str) -> None:
    body = {"experiment_id": experiment_id, "source_run_id": "9" * 32}
    assert_error(client.post(f"{API}/logged-models", json=body), 404, "RESOURCE_DOES_NOT_EXIST")


def test_create_in_a_deleted_experiment_is_invalid(client: TestClient, experiment_id: str) -> None:
    client.post(f"{API}/experiments/delete", json={"experiment_id": experiment_id})
    response = client.post(f"{API}/logged-models", json={"experiment_id": experiment_id})
    assert_error(response, 400, "INVALID_PARAMETER_VALUE")


def test_create_without_an_experiment_is_invalid(client: TestClient) -> None:
    response = client.post(f"{API}/logged-models", json={"name": "model"})
    assert_error(response, 400, "INVALID_PARAMETER_VALUE", "'experiment_id'")


def test_get(client: TestClient, experiment_id: str) -> None:
    created = create_logged_model(client, experiment_id)
    found = ok(client.get(f"{API}/logged-models/{created['info']['model_id']}"))
    assert found == {"model": created}


def test_get_missing_model_has_mlflows_message(client: TestClient) -> None:
    model_id = "m-" + "a" * 32
    response = client.get(f"{API}/logged-models/{model_id}")
    assert_error(
        response, 404, "RESOURCE_DOES_NOT_EXIST", f"Logged model with ID '{model_id}' not found."
    )


def test_finalize_marks_ready_and_bumps_the_update_time(
    client: TestClient, experiment_id: str
) -> None:
    model_id = create_logged_model(client, experiment_id)["info"]["model_id"]
    body = {"model_id": model_id, "status": "LOGGED_MODEL_READY"}
    info = ok(client.patch(f"{API}/logged-models/{model_id}", json=body))["model"]["info"]
    assert info["status"] == "LOGGED_MODEL_READY"
    assert info["last_updated_timestamp_ms"] >= info["creation_timestamp_ms"]


def test_finalize_accepts_the_proto_number(client: TestClient, experiment_id: str) -> None:
    model_id = create_logged_model(client, experiment_id)["info"]["model_id"]
    info = ok(client.patch(f"{API}/logged-models/{model_id}", json={"status": 3}))["model"]["info"]
    assert info["status"] == "LOGGED_MODEL_UPLOAD_FAILED"


def test_finalize_with_a_bad_status_is_invalid(client: TestClient, experiment_id: str) -> None:
    model_id = create_logged_model(client, experiment_id)["info"]["model_id"]
    response = client.patch(f"{API}/logged-models/{model_id}", json={"status": "DONE"})
    assert_error(response, 400, "INVALID_PARAMETER_VALUE")


def test_finalize_missing_model_is_404(client: TestClient) -> None:
    body = {"status": "LOGGED_MODEL_READY"}
    response = client.patch(f"{API}/logged-models/m-{'b' * 32}", json=body)
    assert_error(response, 404, "RESOURCE_DOES_NOT_EXIST")


def test_set_tags_overwrites_and_delete_tag_removes(client: TestClient, experiment_id: str) -> None:
    model_id = create_logged_model(client, experiment_id, tags=SOURCE_TAGS)["info"]["model_id"]
    versions = '[{"name": "Unicorn", "version": 1}, {"name": "Unicorn", "version": "1"}]'
    body = {"tags": [{"key": "mlflow.modelVersions", "value": versions}]}
    assert ok(client.patch(f"{API}/logged-models/{model_id}/tags", json=body)) == {}
    tags = ok(client.get(f"{API}/logged-models/{model_id}"))["model"]["info"]["tags"]
    assert tags[0] == {"key": "mlflow.modelVersions", "value": versions}
    assert len(tags) == 4
    assert ok(client.delete(f"{API}/logged-models/{model_id}/tags/mlflow.user")) == {}
    tags = ok(client.get(f"{API}/logged-models/{model_id}"))["model"]["info"]["tags"]
    assert "mlflow.user" not in {tag["key"] for tag in tags}
    response = client.delete(f"{API}/logged-models/{model_id}/tags/mlflow.user")
    assert_error(response, 404, "RESOURCE_DOES_NOT_EXIST")


def test_set_tags_on_missing_model_is_404(client: TestClient) -> None:
    body = {"tags": [{"key": "k", "value": "v"}]}
    response = client.patch(f"{API}/logged-models/m-{'c' * 32}/tags", json=body)
    assert_error(response, 404, "RESOURCE_DOES_NOT_EXIST")


def test_log_params_adds_to_the_model(client: TestClient, experiment_id: str) -> None:
    model_id = create_logged_model(client, experiment_id)["info"]["model_id"]
    body = {"model_id": model_id, "params": [{"key": "alpha", "value": "0.1"}]}
    assert ok(client.post(f"{API}/logged-models/{model_id}/params", json=body)) == {}
    data = ok(client.get(f"{API}/logged-models/{model_id}"))["model"]["data"]
    assert data["params"] == [{"key": "alpha", "value": "0.1"}]
    missing = client.post(f"{API}/logged-models/m-{'d' * 32}/params", json=body)
    assert_error(missing, 404, "RESOURCE_DOES_NOT_EXIST")


def test_search_by_name_in_experiments_newest_first(
    client: TestClient, experiment_id: str, run_id: str
) -> None:
    other = create_experiment(client, "other")
    first = create_logged_model(client, experiment_id, source_run_id=run_id)["info"]["model_id"]
    second = create_logged_model(client, experiment_id)["info"]["model_id"]
    create_logged_model(client, experiment_id, name="other-name")
    create_logged_model(client, other)
    query = {"experiment_ids": [experiment_id], "filter": "name = 'model'"}
    found = ok(client.post(f"{API}/logged-models/search", json=query))
    assert [m["info"]["model_id"] for m in found["models"]] == [second, first]
    assert found["models"][0]["info"]["artifact_uri"].startswith("mlflow-artifacts:/")
    by_run = {"experiment_ids": [experiment_id], "filter": f"source_run_id = '{run_id}'"}
    found = ok(client.post(f"{API}/logged-models/search", json=by_run))
    assert [m["info"]["model_id"] for m in found["models"]] == [first]


def test_search_orders_and_pages(client: TestClient, experiment_id: str) -> None:
    for name in ("b", "a", "c"):
        create_logged_model(client, experiment_id, name=name)
    query = {
        "experiment_ids": [experiment_id],
        "order_by": [{"field_name": "name", "ascending": True}],
        "max_results": 2,
    }
    first = ok(client.post(f"{API}/logged-models/search", json=query))
    assert [m["info"]["name"] for m in first["models"]] == ["a", "b"]
    following = {**query, "page_token": first["next_page_token"]}
    second = ok(client.post(f"{API}/logged-models/search", json=following))
    assert [m["info"]["name"] for m in second["models"]] == ["c"]
    assert "next_page_token" not in second


def test_search_with_no_match_is_empty(client: TestClient, experiment_id: str) -> None:
    query = {"experiment_ids": [experiment_id], "filter": "name = 'extra'"}
    assert ok(client.post(f"{API}/logged-models/search", json=query)) == {}


@pytest.mark.parametrize(
    "query",
    [
        {"experiment_ids": ["1"], "filter": "nme = 'model'"},
        {"experiment_ids": ["1"], "order_by": [{"field_name": "colour"}]},
        {"experiment_ids": []},
    ],
)
def test_search_with_a_bad_query_is_invalid(client: TestClient, query: dict[str, object]) -> None:
    response = client.post(f"{API}/logged-models/search", json=query)
    assert_error(response, 400, "INVALID_PARAMETER_VALUE")


def test_wire_round_trip(client: TestClient, experiment_id: str, run_id: str) -> None:
    created = create_logged_model(client, experiment_id, source_run_id=run_id, tags=SOURCE_TAGS)
    model_id = created["info"]["model_id"]
    metric = {"key": "r2", "value": 0.5, "timestamp": 1, "step": 0, "model_id": model_id}
    ok(client.post(f"{API}/runs/log-batch", json={"run_id": run_id, "metrics": [metric]}))
    body = ok(client.get(f"{API}/logged-models/{model_id}"))["model"]
    assert logged_model_to_wire(logged_model_from_wire(body)) == body


def test_server_info_turns_presigned_and_multipart_transfers_off(client: TestClient) -> None:
    info = ok(client.get("/api/3.0/mlflow/server-info"))
    assert info["store_type"] == "SqlStore"
    assert info["artifact_serving_enabled"] is True
    for flag in (
        "multipart_uploads_enabled",
        "multipart_downloads_enabled",
        "presigned_upload_run_id_supported",
        "presigned_upload_model_id_supported",
        "model_artifact_presigned_downloads_supported",
        "workspaces_enabled",
    ):
        assert info[flag] is False, flag
