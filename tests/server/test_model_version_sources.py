"""Registering what MLflow 3 clients log: ``models:/m-<id>``, ``runs:/`` and proxied sources."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.server.conftest import (
    API,
    ARTIFACTS,
    create_experiment,
    create_logged_model,
    create_run,
    ok,
    upload,
)

MLMODEL = b"flavors: {}\n"


@pytest.fixture
def logged(client: TestClient) -> dict[str, Any]:
    """A READY logged model with files, logged by a run, and the model ``Unicorn``."""
    experiment_id = create_experiment(client, "unicorn-exp")
    run_id = create_run(client, experiment_id)["info"]["run_id"]
    info = create_logged_model(client, experiment_id, source_run_id=run_id)["info"]
    folder = info["artifact_uri"].removeprefix("mlflow-artifacts:/")
    upload(client, f"{folder}/MLmodel", MLMODEL)
    upload(client, f"{folder}/model.skops", b"weights")
    body = {"model_id": info["model_id"], "status": "LOGGED_MODEL_READY"}
    ok(client.patch(f"{API}/logged-models/{info['model_id']}", json=body))
    ok(client.post(f"{API}/registered-models/create", json={"name": "Unicorn"}))
    return {**info, "run_id": run_id, "folder": folder}


def create_version(client: TestClient, **body: Any) -> dict[str, Any]:
    version: dict[str, Any] = ok(
        client.post(f"{API}/model-versions/create", json={"name": "Unicorn", **body})
    )["model_version"]
    return version


def download_uri(client: TestClient, version: str) -> str:
    params = {"name": "Unicorn", "version": version}
    uri: str = ok(client.get(f"{API}/model-versions/get-download-uri", params=params))[
        "artifact_uri"
    ]
    return uri


def test_logged_model_source_gets_the_run_id_and_does_not_echo_model_id(
    client: TestClient, logged: dict[str, Any]
) -> None:
    source = f"models:/{logged['model_id']}"
    version = create_version(client, source=source, model_id=logged["model_id"])
    assert version == {
        "name": "Unicorn",
        "version": "1",
        "creation_timestamp": version["creation_timestamp"],
        "last_updated_timestamp": version["last_updated_timestamp"],
        "current_stage": "None",
        "description": "",
        "source": source,
        "run_id": logged["run_id"],
        "status": "READY",
        "run_link": "",
    }


def test_logged_model_files_are_copied_and_downloadable_through_the_proxy(
    client: TestClient, logged: dict[str, Any], artifact_root: Path
) -> None:
    source = f"models:/{logged['model_id']}"
    create_version(client, source=source, model_id=logged["model_id"])
    uri = download_uri(client, "1")
    assert uri.startswith("mlflow-artifacts:/registry/")
    # The copy does not depend on the logged model's folder.
    shutil.rmtree(artifact_root / logged["folder"])
    folder = uri.removeprefix("mlflow-artifacts:/")
    listing = ok(client.get(ARTIFACTS, params={"path": folder}))
    assert {"MLmodel", "model.skops"} <= {entry["path"] for entry in listing["files"]}
    assert client.get(f"{ARTIFACTS}/{folder}/MLmodel").content == MLMODEL
    assert client.get(f"{ARTIFACTS}/{folder}/model.skops").content == b"weights"


def test_runs_source_without_a_run_folder_falls_back_to_the_runs_logged_model(
    client: TestClient, logged: dict[str, Any]
) -> None:
    source = f"runs:/{logged['run_id']}/model"
    version = create_version(client, source=source)
    assert (version["source"], version["run_id"], version["status"]) == (
        source,
        logged["run_id"],
        "READY",
    )
    folder = download_uri(client, "1").removeprefix("mlflow-artifacts:/")
    assert client.get(f"{ARTIFACTS}/{folder}/model.skops").content == b"weights"


def test_runs_source_prefers_the_runs_own_model_folder(
    client: TestClient, logged: dict[str, Any]
) -> None:
    run = ok(client.get(f"{API}/runs/get", params={"run_id": logged["run_id"]}))["run"]
    folder = run["info"]["artifact_uri"].removeprefix("mlflow-artifacts:/")
    upload(client, f"{folder}/model/MLmodel", MLMODEL)
    upload(client, f"{folder}/model/model.skops", b"run's own")
    create_version(client, source=f"runs:/{logged['run_id']}/model")
    copy = download_uri(client, "1").removeprefix("mlflow-artifacts:/")
    assert client.get(f"{ARTIFACTS}/{copy}/model.skops").content == b"run's own"


def test_proxied_source_resolves_under_the_artifact_root(
    client: TestClient, logged: dict[str, Any]
) -> None:
    source = f"mlflow-artifacts:/{logged['folder']}"
    version = create_version(client, source=source)
    assert (version["source"], version["status"]) == (source, "READY")
    uri = download_uri(client, "1")
    assert uri.startswith("mlflow-artifacts:/registry/")
    copy = uri.removeprefix("mlflow-artifacts:/")
    assert client.get(f"{ARTIFACTS}/{copy}/MLmodel").content == MLMODEL


def test_server_does_not_copy_folders_of_its_own_disk(
    client: TestClient, tmp_path: Path, artifact_root: Path
) -> None:
    """A remote caller naming a local folder of the server gets it recorded, never copied."""
    folder = tmp_path / "secret-model"
    folder.mkdir()
    (folder / "MLmodel").write_text("flavors: {}\n")
    (folder / "secret.txt").write_text("s3cr3t")
    ok(client.post(f"{API}/registered-models/create", json={"name": "M"}))
    for source in (str(folder), folder.as_uri()):
        version = create_version(client, name="M", source=source)
        uri = ok(
            client.get(
                f"{API}/model-versions/get-download-uri",
                params={"name": "M", "version": version["version"]},
            )
        )["artifact_uri"]
        assert uri == source
    assert not (artifact_root / "registry").exists()
