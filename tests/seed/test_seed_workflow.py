"""The seed's sections 3 to 6.1, as written, with ``mlflow`` → ``modelreg`` and
``MlflowClient`` → ``Client``, on the startups table."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import modelreg
import modelreg.pyfunc
import modelreg.sklearn
from modelreg import Client
from modelreg.config import ARTIFACT_ROOT_ENV, TRACKING_URI_ENV
from modelreg.entities import RunStatus
from modelreg.models import SchemaEnforcementError
from tests.startups import make_pipeline, make_profit, make_startups


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh working directory holding the embedded default registry."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(TRACKING_URI_ENV, raising=False)
    monkeypatch.delenv(ARTIFACT_ROOT_ENV, raising=False)
    monkeypatch.setenv("MODELREG_CACHE_DIR", str(tmp_path / "cache"))
    modelreg.set_tracking_uri(None)
    yield tmp_path
    modelreg.end_run()


@pytest.fixture
def data() -> pd.DataFrame:
    return make_startups()


def test_seed_lifecycle(workdir: Path, data: pd.DataFrame) -> None:
    # 3.1-3.2: a client, and a registered model.
    client = Client()
    created = client.create_registered_model(name="Unicorn")
    assert created.name == "Unicorn"
    assert created.creation_timestamp > 0

    # 3.3: search with a SQL-like filter.
    results = client.search_registered_models(filter_string="name LIKE 'Unicorn%'")
    assert [model.name for model in results] == ["Unicorn"]

    # 4.1: register from the local file system...
    lr = make_pipeline(data)
    modelreg.sklearn.save_model(lr, "./model", input_example=data.head(2))
    v1 = modelreg.register_model(model_uri="./model", name="Unicorn")
    assert (v1.version, v1.status) == (1, "READY")

    # ...and from a run.
    with modelreg.start_run() as run:
        modelreg.log_param("rows", len(data))
        modelreg.log_metric("r2", 0.97)
        modelreg.sklearn.log_model(lr, artifact_path="model")
    v2 = modelreg.register_model(model_uri=f"runs:/{run.info.run_id}/model", name="Unicorn")
    assert (v2.version, v2.run_id) == (2, run.info.run_id)
    assert client.get_run(run.info.run_id).info.status == RunStatus.FINISHED

    # 4.2: register while logging, during training.
    with modelreg.start_run():
        lr = make_pipeline(data)
        info = modelreg.sklearn.log_model(
            lr, artifact_path="model", registered_model_name="Unicorn", input_example=data.head(2)
        )
    assert info.registered_model_version == 3

    # 5.1: stages.
    staged = client.transition_model_version_stage(name="Unicorn", version=3, stage="Staging")
    assert staged.current_stage == "Staging"

    # 6.1: load by stage and predict.
    model = modelreg.sklearn.load_model("models:/Unicorn/Staging")
    predictions = model.predict(data)
    assert np.allclose(predictions, lr.predict(data))

    promoted = client.transition_model_version_stage(name="Unicorn", version=3, stage="Production")
    assert promoted.current_stage == "Production"
    production = modelreg.pyfunc.load_model("models:/Unicorn/Production")
    assert np.allclose(production.predict(data), make_profit(data), rtol=1e-6)
    assert np.allclose(modelreg.pyfunc.load_model("models:/Unicorn/1").predict(data), predictions)

    client.set_registered_model_alias("Unicorn", "champion", 3)
    assert modelreg.pyfunc.load_model("models:/Unicorn@champion").metadata.run_id == info.run_id


def test_pyfunc_enforces_the_signature(workdir: Path, data: pd.DataFrame) -> None:
    with modelreg.start_run():
        modelreg.sklearn.log_model(
            make_pipeline(data),
            name="model",
            registered_model_name="Unicorn",
            input_example=data.head(2),
        )
    model = modelreg.pyfunc.load_model("models:/Unicorn/latest")
    with pytest.raises(SchemaEnforcementError, match="State"):
        model.predict(data.drop(columns=["State"]))


def test_failed_block_marks_the_run_failed(workdir: Path) -> None:
    with pytest.raises(RuntimeError), modelreg.start_run() as run:
        raise RuntimeError("training diverged")
    assert Client().get_run(run.info.run_id).info.status == RunStatus.FAILED
    assert modelreg.active_run() is None


def test_runs_do_not_nest_unless_asked(workdir: Path) -> None:
    with modelreg.start_run() as outer:
        with pytest.raises(modelreg.errors.InvalidParameterValue, match="already active"):
            modelreg.start_run()
        with modelreg.start_run(nested=True) as inner:
            assert modelreg.active_run() is inner
        assert modelreg.active_run() is outer
    tags = Client().get_run(inner.info.run_id).data.tags
    assert tags["mlflow.parentRunId"] == outer.info.run_id


def test_set_experiment_and_fluent_logging(workdir: Path) -> None:
    experiment = modelreg.set_experiment("unicorn-exp")
    with modelreg.start_run(run_name="baseline") as run:
        modelreg.log_params({"alpha": 0.1, "l1": 0.5})
        modelreg.log_metrics({"rmse": 812.5, "r2": 0.93}, step=1)
        modelreg.set_tags({"team": "growth"})
        notes = workdir / "notes.txt"
        notes.write_text("hello")
        modelreg.log_artifact(str(notes), "extra")
    client = Client()
    stored = client.get_run(run.info.run_id)
    assert stored.info.experiment_id == experiment.experiment_id
    assert stored.info.run_name == "baseline"
    assert stored.data.params == {"alpha": "0.1", "l1": "0.5"}
    assert stored.data.metrics == {"rmse": 812.5, "r2": 0.93}
    assert [f.path for f in client.list_artifacts(run.info.run_id, "extra")] == ["extra/notes.txt"]
    local = client.download_artifacts(run.info.run_id, "extra/notes.txt", str(workdir / "dl"))
    assert Path(local).read_text() == "hello"
    best = client.search_runs([experiment.experiment_id], "metrics.r2 > 0.9")
    assert [r.info.run_id for r in best] == [run.info.run_id]
