"""The Client against a modelreg server over HTTP (the app in-process): tracking,
registration of local folders, runs:/ and models:/ loading through the artifact proxy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

import modelreg.pyfunc
import modelreg.sklearn
from modelreg import Client
from modelreg.config import Settings
from modelreg.errors import (
    AliasNotFound,
    ExperimentAlreadyExists,
    InvalidFilter,
    InvalidStage,
    ModelVersionNotFound,
    RegisteredModelAlreadyExists,
    RegisteredModelNotFound,
    ResourceNotFound,
    RunNotFound,
)
from modelreg.remote import open_remote_backend
from modelreg.server import create_app
from tests.startups import make_pipeline, make_startups


@pytest.fixture
def client(store_uri: str, tmp_path: Path) -> Iterator[Client]:
    """A Client whose backend talks HTTP to a server app running in this process."""
    server_settings = Settings.resolve(store_uri, artifact_root=str(tmp_path / "server-artifacts"))
    with TestClient(create_app(server_settings)) as session:
        settings = Settings(
            tracking_uri="http://testserver",
            artifact_root="unused",
            cache_dir=tmp_path / "cache",
        )
        backend = open_remote_backend(settings, session=session)
        yield Client("http://testserver", backend=backend)


def test_errors_map_onto_the_same_classes(client: Client) -> None:
    client.create_registered_model("Unicorn")
    with pytest.raises(RegisteredModelAlreadyExists):
        client.create_registered_model("Unicorn")
    with pytest.raises(RegisteredModelNotFound):
        client.get_registered_model("Nope")
    with pytest.raises(ModelVersionNotFound):
        client.get_model_version("Unicorn", 3)
    with pytest.raises(InvalidStage):
        client.get_latest_versions("Unicorn", ["Bogus"])
    with pytest.raises(InvalidFilter):
        client.search_registered_models("name LIKEE 'x'")
    with pytest.raises(AliasNotFound):
        client.get_model_version_by_alias("Unicorn", "nope")
    with pytest.raises(RunNotFound):
        client.get_run("0" * 32)
    client.create_experiment("exp")
    with pytest.raises(ExperimentAlreadyExists):
        client.create_experiment("exp")


def test_tracking_over_http(client: Client, tmp_path: Path) -> None:
    experiment_id = client.create_experiment("exp", tags={"team": "a"})
    assert client.get_experiment_by_name("exp").tags == {"team": "a"}  # type: ignore[union-attr]
    assert client.get_experiment_by_name("nope") is None
    run = client.create_run(experiment_id, run_name="baseline")
    run_id = run.info.run_id
    client.log_param(run_id, "alpha", 0.1)
    client.log_metric(run_id, "rmse", 3.0, step=1)
    client.log_metric(run_id, "rmse", 2.0, step=2)
    client.set_tag(run_id, "k", "v")
    (tmp_path / "notes.txt").write_text("hello")
    client.log_artifact(run_id, str(tmp_path / "notes.txt"), "extra")
    client.set_terminated(run_id)
    stored = client.get_run(run_id)
    assert stored.info.status == "FINISHED"
    assert stored.data.params == {"alpha": "0.1"}
    assert stored.data.metrics == {"rmse": 2.0}
    assert [m.value for m in client.get_metric_history(run_id, "rmse")] == [3.0, 2.0]
    assert [f.path for f in client.list_artifacts(run_id, "extra")] == ["extra/notes.txt"]
    local = client.download_artifacts(run_id, "extra/notes.txt", str(tmp_path / "dl"))
    assert Path(local).read_text() == "hello"
    found = client.search_runs([experiment_id], "metrics.rmse < 2.5")
    assert [r.info.run_id for r in found] == [run_id]


def test_register_local_folder_and_load_over_http(client: Client, tmp_path: Path) -> None:
    data = make_startups()
    pipeline = make_pipeline(data)
    modelreg.sklearn.save_model(pipeline, tmp_path / "model", input_example=data.head(2))
    registration = client._backend.registration
    version = registration.register_model(str(tmp_path / "model"), "Unicorn")
    assert (version.version, version.status) == (1, "READY")
    client.transition_model_version_stage("Unicorn", 1, "Production")

    folder = registration.download_model("models:/Unicorn/Production")
    assert folder.is_relative_to(tmp_path / "cache")
    assert registration.download_model("models:/Unicorn/1") == folder
    model = modelreg.pyfunc.load_model(str(folder))
    assert np.allclose(model.predict(data), pipeline.predict(data))

    run = client.create_run(client.create_experiment("exp"))
    client.log_artifacts(run.info.run_id, str(tmp_path / "model"), "model")
    second = registration.register_model(f"runs:/{run.info.run_id}/model", "Unicorn")
    assert (second.version, second.run_id) == (2, run.info.run_id)
    with pytest.raises(ResourceNotFound, match="no MLmodel"):
        registration.register_model(str(tmp_path), "Unicorn")
