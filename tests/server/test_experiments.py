"""``/experiments/*`` on the wire: shapes as MLflow's server sends them, and its error codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.server.conftest import API, assert_error, backend_of, create_experiment, ok


def test_create_returns_the_id_as_a_string(client: TestClient) -> None:
    body = ok(client.post(f"{API}/experiments/create", json={"name": "unicorn-exp"}))
    assert body == {"experiment_id": "1"}


def test_get_shows_the_proxied_artifact_location_and_omits_empty_tags(
    client: TestClient, artifact_root: Path
) -> None:
    experiment_id = create_experiment(client, "unicorn-exp")
    experiment = ok(client.get(f"{API}/experiments/get", params={"experiment_id": experiment_id}))
    body = experiment["experiment"]
    assert set(body) == {
        "experiment_id",
        "name",
        "artifact_location",
        "lifecycle_stage",
        "last_update_time",
        "creation_time",
    }
    assert body["experiment_id"] == experiment_id
    assert body["artifact_location"] == f"mlflow-artifacts:/{experiment_id}"
    assert body["lifecycle_stage"] == "active"
    assert isinstance(body["creation_time"], int)
    # The database keeps the real location.
    stored = backend_of(client).tracking.get_experiment(experiment_id)
    assert stored.artifact_location == f"{artifact_root}/{experiment_id}"


def test_default_experiment_exists_from_startup(client: TestClient) -> None:
    body = ok(client.get(f"{API}/experiments/get", params={"experiment_id": "0"}))
    assert body["experiment"]["name"] == "Default"
    assert body["experiment"]["artifact_location"] == "mlflow-artifacts:/0"


def test_create_with_tags_and_a_proxied_location(client: TestClient, artifact_root: Path) -> None:
    body = {
        "name": "tagged",
        "artifact_location": "mlflow-artifacts:/elsewhere",
        "tags": [{"key": "team", "value": "a"}],
    }
    experiment_id = ok(client.post(f"{API}/experiments/create", json=body))["experiment_id"]
    found = ok(client.get(f"{API}/experiments/get", params={"experiment_id": experiment_id}))
    assert found["experiment"]["tags"] == [{"key": "team", "value": "a"}]
    assert found["experiment"]["artifact_location"] == "mlflow-artifacts:/elsewhere"
    stored = backend_of(client).tracking.get_experiment(experiment_id)
    assert stored.artifact_location == (artifact_root / "elsewhere").as_uri()


def test_create_duplicate_name_is_resource_already_exists(client: TestClient) -> None:
    create_experiment(client, "dup")
    response = client.post(f"{API}/experiments/create", json={"name": "dup"})
    assert_error(response, 400, "RESOURCE_ALREADY_EXISTS", "dup")


@pytest.mark.parametrize("body", [{}, {"name": ""}])
def test_create_without_a_name_is_invalid(client: TestClient, body: dict[str, str]) -> None:
    response = client.post(f"{API}/experiments/create", json=body)
    assert_error(response, 400, "INVALID_PARAMETER_VALUE", "'name'")


def test_get_missing_experiment_is_404(client: TestClient) -> None:
    response = client.get(f"{API}/experiments/get", params={"experiment_id": "42"})
    assert_error(response, 404, "RESOURCE_DOES_NOT_EXIST", "No Experiment with id=42 exists")


def test_get_without_an_id_is_invalid(client: TestClient) -> None:
    response = client.get(f"{API}/experiments/get")
    assert_error(response, 400, "INVALID_PARAMETER_VALUE", "Missing value for required parameter ")
    assert "'experiment_id'" in response.json()["message"]


def test_get_by_name(client: TestClient) -> None:
    experiment_id = create_experiment(client, "unicorn-exp")
    body = ok(
        client.get(f"{API}/experiments/get-by-name", params={"experiment_name": "unicorn-exp"})
    )
    assert body["experiment"]["experiment_id"] == experiment_id


def test_get_by_missing_name_has_mlflows_message(client: TestClient) -> None:
    response = client.get(f"{API}/experiments/get-by-name", params={"experiment_name": "nope"})
    assert_error(
        response, 404, "RESOURCE_DOES_NOT_EXIST", "Could not find experiment with name 'nope'"
    )


def test_search_post_filters_orders_and_pages(client: TestClient) -> None:
    for name in ("alpha", "beta", "gamma"):
        create_experiment(client, name)
    query = {
        "filter": "name LIKE '%a%' AND name != 'Default'",
        "order_by": ["name ASC"],
        "max_results": 2,
    }
    first = ok(client.post(f"{API}/experiments/search", json=query))
    assert [e["name"] for e in first["experiments"]] == ["alpha", "beta"]
    assert first["experiments"][0]["artifact_location"].startswith("mlflow-artifacts:/")
    following = {**query, "page_token": first["next_page_token"]}
    second = ok(client.post(f"{API}/experiments/search", json=following))
    assert [e["name"] for e in second["experiments"]] == ["gamma"]
    assert "next_page_token" not in second


def test_search_get_takes_query_parameters(client: TestClient) -> None:
    create_experiment(client, "alpha")
    create_experiment(client, "beta")
    params = {"filter": "name = 'beta'", "view_type": "ACTIVE_ONLY"}
    body = ok(client.get(f"{API}/experiments/search", params=params))
    assert [e["name"] for e in body["experiments"]] == ["beta"]


def test_search_with_no_match_is_an_empty_object(client: TestClient) -> None:
    body = ok(client.post(f"{API}/experiments/search", json={"filter": "name = 'none'"}))
    assert body == {}


@pytest.mark.parametrize(
    "query",
    [{"filter": "name LIKEE 'x'"}, {"filter": "color = 'red'"}, {"view_type": "SOMETIMES"}],
)
def test_search_with_a_bad_query_is_invalid(client: TestClient, query: dict[str, str]) -> None:
    response = client.post(f"{API}/experiments/search", json=query)
    assert_error(response, 400, "INVALID_PARAMETER_VALUE")


def test_delete_and_restore_change_the_lifecycle_stage(client: TestClient) -> None:
    experiment_id = create_experiment(client, "binned")
    ref = {"experiment_id": experiment_id}
    assert ok(client.post(f"{API}/experiments/delete", json=ref)) == {}
    deleted = ok(client.get(f"{API}/experiments/get", params=ref))["experiment"]
    assert deleted["lifecycle_stage"] == "deleted"
    view = {"view_type": "DELETED_ONLY"}
    assert [
        e["name"] for e in ok(client.post(f"{API}/experiments/search", json=view))["experiments"]
    ] == ["binned"]
    assert ok(client.post(f"{API}/experiments/restore", json=ref)) == {}
    restored = ok(client.get(f"{API}/experiments/get", params=ref))["experiment"]
    assert restored["lifecycle_stage"] == "active"


def test_delete_missing_experiment_is_404(client: TestClient) -> None:
    response = client.post(f"{API}/experiments/delete", json={"experiment_id": "99"})
    assert_error(response, 404, "RESOURCE_DOES_NOT_EXIST")


def test_restore_an_active_experiment_is_invalid(client: TestClient) -> None:
    experiment_id = create_experiment(client)
    response = client.post(f"{API}/experiments/restore", json={"experiment_id": experiment_id})
    assert_error(response, 400, "INVALID_PARAMETER_VALUE")


def test_update_renames(client: TestClient) -> None:
    experiment_id = create_experiment(client, "old")
    body = {"experiment_id": experiment_id, "new_name": "new"}
    assert ok(client.post(f"{API}/experiments/update", json=body)) == {}
    found = ok(client.get(f"{API}/experiments/get", params={"experiment_id": experiment_id}))
    assert found["experiment"]["name"] == "new"


def test_update_onto_a_taken_name_is_resource_already_exists(client: TestClient) -> None:
    create_experiment(client, "taken")
    experiment_id = create_experiment(client, "other")
    body = {"experiment_id": experiment_id, "new_name": "taken"}
    assert_error(
        client.post(f"{API}/experiments/update", json=body), 400, "RESOURCE_ALREADY_EXISTS"
    )


def test_set_experiment_tag(client: TestClient) -> None:
    experiment_id = create_experiment(client)
    body = {"experiment_id": experiment_id, "key": "owner", "value": "me"}
    assert ok(client.post(f"{API}/experiments/set-experiment-tag", json=body)) == {}
    found = ok(client.get(f"{API}/experiments/get", params={"experiment_id": experiment_id}))
    assert found["experiment"]["tags"] == [{"key": "owner", "value": "me"}]


def test_set_tag_on_missing_experiment_is_404(client: TestClient) -> None:
    body = {"experiment_id": "77", "key": "owner", "value": "me"}
    response = client.post(f"{API}/experiments/set-experiment-tag", json=body)
    assert_error(response, 404, "RESOURCE_DOES_NOT_EXIST")


def test_ui_twin_prefix_answers_the_same(client: TestClient) -> None:
    experiment_id = create_experiment(client, "twin")
    params = {"experiment_id": experiment_id}
    api = ok(client.get(f"{API}/experiments/get", params=params))
    ajax = ok(client.get("/ajax-api/2.0/mlflow/experiments/get", params=params))
    assert api == ajax
