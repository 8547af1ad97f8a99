"""``/runs/*`` and ``/metrics/get-history`` on the wire, as MLflow's client uses them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.server.conftest import (
    API,
    assert_error,
    backend_of,
    create_experiment,
    create_logged_model,
    create_run,
    ok,
)

MLFLOW_TAGS = [
    {"key": "mlflow.user", "value": "root"},
    {"key": "mlflow.source.name", "value": "workflow.py"},
    {"key": "mlflow.runName", "value": "startups"},
]


@pytest.fixture
def experiment_id(client: TestClient) -> str:
    return create_experiment(client, "unicorn-exp")


@pytest.fixture
def run_id(client: TestClient, experiment_id: str) -> str:
    run_id: str = create_run(client, experiment_id, run_name="startups")["info"]["run_id"]
    return run_id


def get_run(client: TestClient, run_id: str) -> dict[str, Any]:
    run: dict[str, Any] = ok(client.get(f"{API}/runs/get", params={"run_id": run_id}))["run"]
    return run


def test_create_renders_info_with_both_ids_and_a_proxied_artifact_uri(
    client: TestClient, experiment_id: str, artifact_root: Path
) -> None:
    body = {
        "experiment_id": experiment_id,
        "user_id": "root",
        "run_name": "startups",
        "start_time": 1795834803068,
        "tags": MLFLOW_TAGS,
    }
    run = ok(client.post(f"{API}/runs/create", json=body))["run"]
    info = run["info"]
    run_id = info["run_id"]
    assert len(run_id) == 32
    assert info == {
        "run_uuid": run_id,
        "run_id": run_id,
        "run_name": "startups",
        "experiment_id": experiment_id,
        "user_id": "root",
        "status": "RUNNING",
        "start_time": 1795834803068,
        "artifact_uri": f"mlflow-artifacts:/{experiment_id}/{run_id}/artifacts",
        "lifecycle_stage": "active",
    }
    assert list(run["data"]) == ["tags"]
    assert sorted(run["data"]["tags"], key=str) == sorted(MLFLOW_TAGS, key=str)
    assert run["inputs"] == {}
    assert "outputs" not in run
    stored = backend_of(client).tracking.get_run(run_id).info.artifact_uri
    assert stored == f"{artifact_root}/{experiment_id}/{run_id}/artifacts"


def test_create_without_experiment_goes_to_default(client: TestClient) -> None:
    run = ok(client.post(f"{API}/runs/create", json={"start_time": 5}))["run"]
    assert run["info"]["experiment_id"] == "0"


def test_create_in_missing_experiment_is_404(client: TestClient) -> None:
    response = client.post(f"{API}/runs/create", json={"experiment_id": "9"})
    assert_error(response, 404, "RESOURCE_DOES_NOT_EXIST")


def test_create_in_deleted_experiment_is_invalid(client: TestClient, experiment_id: str) -> None:
    client.post(f"{API}/experiments/delete", json={"experiment_id": experiment_id})
    response = client.post(f"{API}/runs/create", json={"experiment_id": experiment_id})
    assert_error(response, 400, "INVALID_PARAMETER_VALUE")


@pytest.mark.parametrize("parameter", ["run_id", "run_uuid"])
def test_get_by_run_id_or_legacy_run_uuid(client: TestClient, run_id: str, parameter: str) -> None:
    run = ok(client.get(f"{API}/runs/get", params={parameter: run_id}))["run"]
    assert run["info"]["run_uuid"] == run["info"]["run_id"] == run_id


def test_get_missing_run_is_404(client: TestClient) -> None:
    response = client.get(f"{API}/runs/get", params={"run_id": "f" * 32})
    assert_error(response, 404, "RESOURCE_DOES_NOT_EXIST", f"Run with id={'f' * 32} not found")


def test_get_without_an_id_is_invalid(client: TestClient) -> None:
    response = client.get(f"{API}/runs/get")
    assert_error(response, 400, "INVALID_PARAMETER_VALUE", "'run_id'")


def test_update_ends_the_run_and_returns_run_info(client: TestClient, run_id: str) -> None:
    body = {"run_uuid": run_id, "status": "FINISHED", "end_time": 2000, "run_id": run_id}
    info = ok(client.post(f"{API}/runs/update", json=body))["run_info"]
    assert (info["status"], info["end_time"], info["run_id"]) == ("FINISHED", 2000, run_id)
    assert info["artifact_uri"].startswith("mlflow-artifacts:/")


def test_update_renames(client: TestClient, run_id: str) -> None:
    ok(client.post(f"{API}/runs/update", json={"run_id": run_id, "run_name": "renamed"}))
    run = get_run(client, run_id)
    assert run["info"]["run_name"] == "renamed"
    assert {"key": "mlflow.runName", "value": "renamed"} in run["data"]["tags"]


def test_update_with_a_bad_status_is_invalid(client: TestClient, run_id: str) -> None:
    response = client.post(f"{API}/runs/update", json={"run_id": run_id, "status": "DONE"})
    assert_error(response, 400, "INVALID_PARAMETER_VALUE")


def test_update_missing_run_is_404(client: TestClient) -> None:
    response = client.post(f"{API}/runs/update", json={"run_id": "0" * 32, "status": "FINISHED"})
    assert_error(response, 404, "RESOURCE_DOES_NOT_EXIST")


def test_delete_and_restore(client: TestClient, run_id: str) -> None:
    assert ok(client.post(f"{API}/runs/delete", json={"run_id": run_id})) == {}
    assert get_run(client, run_id)["info"]["lifecycle_stage"] == "deleted"
    response = client.post(f"{API}/runs/log-parameter", json={"run_id": run_id, "key": "k"})
    assert_error(response, 400, "INVALID_PARAMETER_VALUE", "must be in the 'active' state")
    assert ok(client.post(f"{API}/runs/restore", json={"run_id": run_id})) == {}
    assert get_run(client, run_id)["info"]["lifecycle_stage"] == "active"


@pytest.mark.parametrize("endpoint", ["runs/delete", "runs/restore"])
def test_delete_or_restore_missing_run_is_404(client: TestClient, endpoint: str) -> None:
    response = client.post(f"{API}/{endpoint}", json={"run_id": "1" * 32})
    assert_error(response, 404, "RESOURCE_DOES_NOT_EXIST")


def test_log_parameter_then_changing_it_is_refused(client: TestClient, run_id: str) -> None:
    body = {"run_uuid": run_id, "key": "max_iter", "value": "500", "run_id": run_id}
    assert ok(client.post(f"{API}/runs/log-parameter", json=body)) == {}
    assert get_run(client, run_id)["data"]["params"] == [{"key": "max_iter", "value": "500"}]
    changed = {**body, "value": "600"}
    response = client.post(f"{API}/runs/log-parameter", json=changed)
    assert_error(response, 400, "INVALID_PARAMETER_VALUE", "Changing param values is not allowed")


def test_log_metric_and_its_history(client: TestClient, run_id: str) -> None:
    for step, value in enumerate([0.5, "NaN", 0.9]):
        body = {"run_id": run_id, "key": "r2", "value": value, "timestamp": 100 + step}
        assert ok(client.post(f"{API}/runs/log-metric", json={**body, "step": step})) == {}
    params = {"run_uuid": run_id, "metric_key": "r2", "run_id": run_id, "max_results": 25000}
    history = ok(client.get(f"{API}/metrics/get-history", params=params))
    assert history == {
        "metrics": [
            {"key": "r2", "value": 0.5, "timestamp": 100, "step": 0},
            {"key": "r2", "value": "NaN", "timestamp": 101, "step": 1},
            {"key": "r2", "value": 0.9, "timestamp": 102, "step": 2},
        ]
    }
    assert get_run(client, run_id)["data"]["metrics"][0]["value"] == 0.9


def test_log_metric_with_a_non_number_is_invalid(client: TestClient, run_id: str) -> None:
    body = {"run_id": run_id, "key": "r2", "value": "high", "timestamp": 1}
    assert_error(client.post(f"{API}/runs/log-metric", json=body), 400, "INVALID_PARAMETER_VALUE")


def test_history_of_an_unlogged_metric_is_empty(client: TestClient, run_id: str) -> None:
    params = {"run_id": run_id, "metric_key": "none"}
    assert ok(client.get(f"{API}/metrics/get-history", params=params)) == {}


def test_history_of_a_missing_run_is_404(client: TestClient) -> None:
    params = {"run_id": "2" * 32, "metric_key": "r2"}
    assert_error(
        client.get(f"{API}/metrics/get-history", params=params), 404, "RESOURCE_DOES_NOT_EXIST"
    )


def test_log_batch_params_metrics_and_tags(client: TestClient, run_id: str) -> None:
    body = {
        "run_id": run_id,
        "params": [{"key": "solver", "value": "lbfgs"}, {"key": "dataset", "value": "iris"}],
        "metrics": [
            {"key": "n_samples", "value": 150.0, "timestamp": 7, "step": 1, "run_id": run_id},
            {"key": "loss", "value": 0.1, "timestamp": 7, "step": 1, "run_id": run_id},
        ],
        "tags": [{"key": "kind", "value": "classifier"}],
    }
    assert ok(client.post(f"{API}/runs/log-batch", json=body)) == {}
    data = get_run(client, run_id)["data"]
    assert {p["key"]: p["value"] for p in data["params"]} == {"solver": "lbfgs", "dataset": "iris"}
    assert {m["key"]: m["value"] for m in data["metrics"]} == {"n_samples": 150.0, "loss": 0.1}
    assert {"key": "kind", "value": "classifier"} in data["tags"]


def test_log_batch_on_missing_run_is_404(client: TestClient) -> None:
    body = {"run_id": "3" * 32, "params": [{"key": "a", "value": "b"}]}
    assert_error(client.post(f"{API}/runs/log-batch", json=body), 404, "RESOURCE_DOES_NOT_EXIST")


def test_relogged_metrics_are_linked_to_the_model_without_doubling_the_run_history(
    client: TestClient, experiment_id: str, run_id: str
) -> None:
    metric = {"key": "r2", "value": 0.88, "timestamp": 1795834803161, "step": 0}
    ok(client.post(f"{API}/runs/log-metric", json={"run_id": run_id, **metric}))
    model_id = create_logged_model(client, experiment_id, source_run_id=run_id)["info"]["model_id"]
    linked = {"run_id": run_id, "metrics": [{**metric, "model_id": model_id}]}
    assert ok(client.post(f"{API}/runs/log-batch", json=linked)) == {}
    history = ok(
        client.get(f"{API}/metrics/get-history", params={"run_id": run_id, "metric_key": "r2"})
    )
    assert history == {"metrics": [metric]}
    model = ok(client.get(f"{API}/logged-models/{model_id}"))["model"]
    assert model["data"]["metrics"] == [{**metric, "model_id": model_id, "run_id": run_id}]


def test_log_metric_with_a_model_id_records_it_on_run_and_model(
    client: TestClient, experiment_id: str, run_id: str
) -> None:
    model_id = create_logged_model(client, experiment_id)["info"]["model_id"]
    body = {"run_id": run_id, "key": "acc", "value": 0.7, "timestamp": 3, "model_id": model_id}
    ok(client.post(f"{API}/runs/log-metric", json=body))
    assert get_run(client, run_id)["data"]["metrics"][0]["value"] == 0.7
    model = ok(client.get(f"{API}/logged-models/{model_id}"))["model"]
    assert [m["key"] for m in model["data"]["metrics"]] == ["acc"]


def test_metric_linked_to_a_missing_model_is_404(client: TestClient, run_id: str) -> None:
    body = {"run_id": run_id, "key": "acc", "value": 1, "timestamp": 3, "model_id": "m-" + "0" * 32}
    response = client.post(f"{API}/runs/log-metric", json=body)
    assert_error(response, 404, "RESOURCE_DOES_NOT_EXIST", "Logged model with ID")
    history = {"run_id": run_id, "metric_key": "acc"}
    assert ok(client.get(f"{API}/metrics/get-history", params=history)) == {}


def test_set_tag_and_delete_tag(client: TestClient, run_id: str) -> None:
    body = {"run_uuid": run_id, "key": "kind", "value": "regressor", "run_id": run_id}
    assert ok(client.post(f"{API}/runs/set-tag", json=body)) == {}
    assert {"key": "kind", "value": "regressor"} in get_run(client, run_id)["data"]["tags"]
    ref = {"run_id": run_id, "key": "kind"}
    assert ok(client.post(f"{API}/runs/delete-tag", json=ref)) == {}
    assert {"key": "kind", "value": "regressor"} not in get_run(client, run_id)["data"]["tags"]
    response = client.post(f"{API}/runs/delete-tag", json=ref)
    assert_error(response, 400, "INVALID_PARAMETER_VALUE", "No tag with name: kind")


def test_search_filters_orders_pages_and_shows_outputs(
    client: TestClient, experiment_id: str
) -> None:
    ids = []
    for i, r2 in enumerate([0.2, 0.9, 0.8]):
        run_id = create_run(client, experiment_id, run_name=f"run{i}")["info"]["run_id"]
        metric = {"run_id": run_id, "key": "r2", "value": r2, "timestamp": 1}
        ok(client.post(f"{API}/runs/log-metric", json=metric))
        ids.append(run_id)
    model_id = create_logged_model(client, experiment_id)["info"]["model_id"]
    outputs = {"run_id": ids[1], "models": [{"model_id": model_id, "step": 0}]}
    ok(client.post(f"{API}/runs/outputs", json=outputs))
    query = {
        "experiment_ids": [experiment_id],
        "filter": "metrics.r2 > 0.5",
        "order_by": ["metrics.r2 DESC"],
        "max_results": 1,
        "run_view_type": "ACTIVE_ONLY",
    }
    first = ok(client.post(f"{API}/runs/search", json=query))
    assert [r["info"]["run_id"] for r in first["runs"]] == [ids[1]]
    assert first["runs"][0]["outputs"] == {"model_outputs": [{"model_id": model_id, "step": 0}]}
    assert first["runs"][0]["info"]["artifact_uri"].startswith("mlflow-artifacts:/")
    second = ok(
        client.post(f"{API}/runs/search", json={**query, "page_token": first["next_page_token"]})
    )
    assert [r["info"]["run_id"] for r in second["runs"]] == [ids[2]]
    assert "outputs" not in second["runs"][0]


def test_search_with_nothing_found_is_empty(client: TestClient, experiment_id: str) -> None:
    body = {"experiment_ids": [experiment_id]}
    assert ok(client.post(f"{API}/runs/search", json=body)) == {}


def test_search_with_a_bad_filter_is_invalid(client: TestClient, experiment_id: str) -> None:
    body = {"experiment_ids": [experiment_id], "filter": "metrics.r2 >>> 1"}
    assert_error(client.post(f"{API}/runs/search", json=body), 400, "INVALID_PARAMETER_VALUE")


def test_outputs_link_the_run_to_its_model(
    client: TestClient, experiment_id: str, run_id: str
) -> None:
    model_id = create_logged_model(client, experiment_id, source_run_id=run_id)["info"]["model_id"]
    body = {"run_id": run_id, "models": [{"model_id": model_id, "step": 0}]}
    assert ok(client.post(f"{API}/runs/outputs", json=body)) == {}
    assert get_run(client, run_id)["outputs"] == {
        "model_outputs": [{"model_id": model_id, "step": 0}]
    }


def test_outputs_to_a_missing_model_or_run_are_404(
    client: TestClient, experiment_id: str, run_id: str
) -> None:
    missing_model = {"run_id": run_id, "models": [{"model_id": "m-" + "1" * 32}]}
    response = client.post(f"{API}/runs/outputs", json=missing_model)
    assert_error(response, 404, "RESOURCE_DOES_NOT_EXIST", "Logged model with ID")
    model_id = create_logged_model(client, experiment_id)["info"]["model_id"]
    missing_run = {"run_id": "4" * 32, "models": [{"model_id": model_id}]}
    assert_error(
        client.post(f"{API}/runs/outputs", json=missing_run), 404, "RESOURCE_DOES_NOT_EXIST"
    )
