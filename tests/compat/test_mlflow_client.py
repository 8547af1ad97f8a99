"""The official MLflow client, unchanged, against a real ``modelreg server`` process.

The server runs as a subprocess on a free loopback port, once on SQLite and once on a fresh
PostgreSQL database; ``MLFLOW_TRACKING_URI`` points the client at it. The tests follow the
seed workflow (log, register, promote, alias, load) and check that errors carry the same
``error_code`` as MLflow's own server gives (see docs/mlflow-wire.md, section 8).
"""

from __future__ import annotations

import contextlib
import json
import urllib.error
import urllib.request
import uuid
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import mlflow
import numpy as np
import pandas as pd
import pytest
from mlflow import MlflowClient
from mlflow.entities import LoggedModelStatus
from mlflow.exceptions import MlflowException
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

from tests.databases import fresh_postgres_database
from tests.processes import running_server

with warnings.catch_warnings():
    # Importing mlflow.pyfunc makes mlflow warn about type hints of its own classes.
    warnings.filterwarnings(
        "ignore", message=r".*Any type hint is inferred as AnyType", category=UserWarning
    )
    import mlflow.pyfunc
    import mlflow.sklearn

pytestmark = [
    # The stage APIs are deprecated in MLflow (since 2.9) but still part of its wire contract.
    pytest.mark.filterwarnings(
        r"ignore:``mlflow\.tracking\.client\.MlflowClient\.\w+`` is deprecated since 2\.9\.0"
        ":FutureWarning"
    ),
    # MLflow's input-example code compares columns with a range, which pandas 3 deprecates.
    pytest.mark.filterwarnings(
        "ignore:Operation with range is deprecated:pandas.errors.Pandas4Warning"
    ),
]

COLUMNS = ["R&D Spend", "Administration", "Marketing Spend", "State"]


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The URL of a modelreg server process on an empty store of each kind."""
    folder = tmp_path_factory.mktemp(f"server-{request.param}")
    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            tracking_uri = f"sqlite:///{folder / 'registry.db'}"
        else:
            tracking_uri = stack.enter_context(fresh_postgres_database("modelreg_compat"))
        yield stack.enter_context(
            running_server(tracking_uri, folder / "art", folder / "server.log")
        )


@pytest.fixture
def client(server: str, monkeypatch: pytest.MonkeyPatch) -> MlflowClient:
    """An MlflowClient (and the fluent API) pointed at the server by ``MLFLOW_TRACKING_URI``."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", server)
    monkeypatch.setenv("MLFLOW_DISABLE_TELEMETRY", "true")
    # mlflow.set_experiment writes MLFLOW_EXPERIMENT_ID into os.environ and a module global:
    # have monkeypatch put both back (set or not) after the test.
    monkeypatch.setenv("MLFLOW_EXPERIMENT_ID", "")
    monkeypatch.delenv("MLFLOW_EXPERIMENT_ID")
    monkeypatch.setattr(mlflow.tracking.fluent, "_active_experiment_id", None)
    assert mlflow.get_tracking_uri() == server
    return MlflowClient()


@pytest.fixture(scope="module")
def startups() -> tuple[pd.DataFrame, Pipeline]:
    """The seed's startups regression: a small generated frame and a fitted pipeline."""
    rng = np.random.default_rng(7)
    n = 40
    frame = pd.DataFrame(
        {
            "R&D Spend": rng.uniform(0, 200_000, n),
            "Administration": rng.uniform(50_000, 200_000, n),
            "Marketing Spend": rng.uniform(0, 500_000, n),
            "State": rng.choice(["New York", "California", "Florida"], n),
        }
    )[COLUMNS]
    profit = 0.8 * frame["R&D Spend"] + 0.03 * frame["Marketing Spend"] + rng.normal(0, 900, n)
    encode = ColumnTransformer(
        [("state", OneHotEncoder(handle_unknown="ignore"), ["State"])], remainder="passthrough"
    )
    pipe = Pipeline([("prep", encode), ("model", LinearRegression())]).fit(frame, profit)
    return frame, pipe


def test_search_registered_models_with_like_ilike_and_tag_filters(client: MlflowClient) -> None:
    client.create_registered_model("Searchable-alpha", tags={"team": "a"}, description="first")
    client.create_registered_model("Searchable-beta", tags={"team": "b"})
    client.create_registered_model("Other-gamma", tags={"team": "a"})

    def names(filter_string: str) -> list[str]:
        return sorted(m.name for m in client.search_registered_models(filter_string))

    assert names("name LIKE 'Searchable-%'") == ["Searchable-alpha", "Searchable-beta"]
    assert names("name ILIKE 'searchable-%'") == ["Searchable-alpha", "Searchable-beta"]
    assert names("name LIKE 'searchable-%'") == []
    assert names("tags.team = 'a'") == ["Other-gamma", "Searchable-alpha"]
    assert names("name LIKE '%-alpha' AND tags.`team` = 'a'") == ["Searchable-alpha"]
    found = client.search_registered_models("name = 'Searchable-alpha'")
    assert (found[0].description, found[0].tags) == ("first", {"team": "a"})
    page = client.search_registered_models(
        "name LIKE 'Searchable-%'", max_results=1, order_by=["name DESC"]
    )
    assert [m.name for m in page] == ["Searchable-beta"]
    rest = client.search_registered_models(
        "name LIKE 'Searchable-%'", max_results=1, order_by=["name DESC"], page_token=page.token
    )
    assert [m.name for m in rest] == ["Searchable-alpha"]


def test_seed_workflow_logs_registers_promotes_and_loads(
    client: MlflowClient, startups: tuple[pd.DataFrame, Pipeline]
) -> None:
    frame, pipe = startups
    client.create_registered_model("Unicorn")
    experiment = mlflow.set_experiment("unicorn-exp")
    assert experiment.artifact_location == f"mlflow-artifacts:/{experiment.experiment_id}"
    with mlflow.start_run(run_name="startups-linreg") as run:
        mlflow.log_params({"model": "LinearRegression", "encoder": "onehot"})
        mlflow.log_metric("r2", 0.887)
        info = mlflow.sklearn.log_model(
            pipe, name="model", registered_model_name="Unicorn", input_example=frame.head(2)
        )
    run_id = run.info.run_id

    # log_model made a READY logged model of the run and registered it as version 1.
    assert info.model_uri == f"models:/{info.model_id}"
    assert info.registered_model_version == "1"
    logged = mlflow.get_logged_model(info.model_id)
    assert (logged.status, logged.source_run_id) == (LoggedModelStatus.READY, run_id)
    assert logged.artifact_location.startswith(f"mlflow-artifacts:/{experiment.experiment_id}/")
    assert logged.params == {"model": "LinearRegression", "encoder": "onehot"}
    assert [m.key for m in logged.metrics] == ["r2"]
    finished = client.get_run(run_id)
    assert finished.info.status == "FINISHED"
    assert finished.data.metrics == {"r2": 0.887}
    assert [o.model_id for o in finished.outputs.model_outputs] == [info.model_id]
    assert [m.value for m in client.get_metric_history(run_id, "r2")] == [0.887]
    v1 = client.get_model_version("Unicorn", "1")
    assert (v1.source, v1.run_id, v1.status) == (info.model_uri, run_id, "READY")

    # runs:/<run>/model has no run folder in MLflow 3: the client registers the logged model.
    v2 = mlflow.register_model(f"runs:/{run_id}/model", "Unicorn")
    assert (v2.version, v2.source, v2.run_id) == ("2", info.model_uri, run_id)

    client.transition_model_version_stage("Unicorn", "1", "Production")
    client.transition_model_version_stage(
        "Unicorn", "2", "production", archive_existing_versions=True
    )
    stages = {v.version: v.current_stage for v in client.get_latest_versions("Unicorn")}
    assert stages == {"1": "Archived", "2": "Production"}
    assert [v.version for v in client.get_latest_versions("Unicorn", ["Production"])] == ["2"]

    client.set_registered_model_alias("Unicorn", "champion", "2")
    assert client.get_model_version_by_alias("Unicorn", "champion").version == "2"
    assert client.get_registered_model("Unicorn").aliases == {"champion": "2"}
    found = client.search_model_versions("name = 'Unicorn'")
    assert sorted(v.version for v in found) == ["1", "2"]

    expected = pipe.predict(frame)
    for uri in ("models:/Unicorn/Production", "models:/Unicorn@champion", "models:/Unicorn/1"):
        loaded = mlflow.pyfunc.load_model(uri)
        np.testing.assert_allclose(loaded.predict(frame), expected)


def test_run_artifacts_go_through_the_proxy(client: MlflowClient, tmp_path: Path) -> None:
    experiment_id = client.create_experiment("artifacts-exp")
    run = client.create_run(experiment_id)
    run_id = run.info.run_id
    assert run.info.artifact_uri == f"mlflow-artifacts:/{experiment_id}/{run_id}/artifacts"
    notes = tmp_path / "notes.txt"
    notes.write_text("hello artifacts\n")
    client.log_artifact(run_id, str(notes), "extra")
    client.log_text(run_id, "some text", "extra/text.txt")
    client.log_dict(run_id, {"a": 1}, "extra/d.json")
    assert [(f.path, f.is_dir) for f in client.list_artifacts(run_id)] == [("extra", True)]
    listing = client.list_artifacts(run_id, "extra")
    assert [(f.path, f.file_size) for f in listing] == [
        ("extra/d.json", len(json.dumps({"a": 1}, indent=2))),
        ("extra/notes.txt", 16),
        ("extra/text.txt", 9),
    ]
    downloaded = client.download_artifacts(run_id, "extra/notes.txt", str(tmp_path / "down"))
    assert Path(downloaded).read_text() == "hello artifacts\n"
    folder = mlflow.artifacts.download_artifacts(
        run_id=run_id, artifact_path="extra", dst_path=str(tmp_path / "all")
    )
    assert sorted(p.name for p in Path(folder).iterdir()) == ["d.json", "notes.txt", "text.txt"]


def test_experiments_and_runs_search_and_lifecycle(client: MlflowClient) -> None:
    experiment_id = client.create_experiment("search-exp", tags={"team": "a"})
    client.set_experiment_tag(experiment_id, "owner", "me")
    assert client.get_experiment(experiment_id).tags == {"team": "a", "owner": "me"}
    client.rename_experiment(experiment_id, "search-exp-renamed")
    found = mlflow.search_experiments(filter_string="name LIKE 'search-exp%'")
    assert [e.name for e in found] == ["search-exp-renamed"]
    for value in (0.2, 0.9):
        run = client.create_run(experiment_id, tags={"kind": "regressor"})
        client.log_batch(
            run.info.run_id,
            metrics=[mlflow.entities.Metric("r2", value, 1, 0)],
            params=[mlflow.entities.Param("alpha", str(value))],
        )
        client.set_terminated(run.info.run_id)
    best = client.search_runs([experiment_id], "metrics.r2 > 0.5", order_by=["metrics.r2 DESC"])
    assert [r.data.params["alpha"] for r in best] == ["0.9"]
    frame = mlflow.search_runs([experiment_id], order_by=["metrics.r2 ASC"])
    assert list(frame["metrics.r2"]) == [0.2, 0.9]
    client.delete_run(best[0].info.run_id)
    assert len(client.search_runs([experiment_id])) == 1
    client.restore_run(best[0].info.run_id)
    client.delete_experiment(experiment_id)
    assert client.get_experiment(experiment_id).lifecycle_stage == "deleted"
    client.restore_experiment(experiment_id)
    assert client.get_experiment_by_name("search-exp-renamed") is not None
    assert client.get_experiment_by_name("no-such-exp") is None


@pytest.fixture
def errors_model(client: MlflowClient) -> str:
    """A registered model with one version, for the error cases."""
    name = f"Errors-{uuid.uuid4().hex[:8]}"
    client.create_registered_model(name)
    client.create_model_version(name, "mlflow-artifacts:/nowhere/model")
    return name


ERROR_CASES: list[tuple[str, Callable[[MlflowClient, str], Any], str]] = [
    (
        "missing registered model",
        lambda c, _: c.get_registered_model("DoesNotExist"),
        "RESOURCE_DOES_NOT_EXIST",
    ),
    ("duplicate name", lambda c, name: c.create_registered_model(name), "RESOURCE_ALREADY_EXISTS"),
    ("empty name", lambda c, _: c.create_registered_model(""), "INVALID_PARAMETER_VALUE"),
    (
        "bad stage",
        lambda c, name: c.transition_model_version_stage(name, "1", "Foo"),
        "INVALID_PARAMETER_VALUE",
    ),
    (
        "bad filter",
        lambda c, _: c.search_registered_models("name LIKEE 'x'"),
        "INVALID_PARAMETER_VALUE",
    ),
    (
        "bad filter key",
        lambda c, _: c.search_registered_models("description = 'x'"),
        "INVALID_PARAMETER_VALUE",
    ),
    (
        "missing version",
        lambda c, name: c.get_model_version(name, "999"),
        "RESOURCE_DOES_NOT_EXIST",
    ),
    (
        "unknown alias",
        lambda c, name: c.get_model_version_by_alias(name, "nope"),
        "INVALID_PARAMETER_VALUE",
    ),
    (
        "reserved alias",
        lambda c, name: c.set_registered_model_alias(name, "latest", "1"),
        "INVALID_PARAMETER_VALUE",
    ),
    (
        "missing experiment",
        lambda c, _: c.get_experiment("424242"),
        "RESOURCE_DOES_NOT_EXIST",
    ),
    ("missing run", lambda c, _: c.get_run("f" * 32), "RESOURCE_DOES_NOT_EXIST"),
    (
        "load missing model",
        lambda c, _: mlflow.pyfunc.load_model("models:/Nope/1"),
        "RESOURCE_DOES_NOT_EXIST",
    ),
    (
        "load bogus stage",
        lambda c, name: mlflow.pyfunc.load_model(f"models:/{name}/Bogus"),
        "INVALID_PARAMETER_VALUE",
    ),
]


@pytest.mark.parametrize(
    ("call", "error_code"),
    [pytest.param(call, code, id=case) for case, call, code in ERROR_CASES],
)
def test_errors_carry_mlflows_error_codes(
    client: MlflowClient,
    errors_model: str,
    call: Callable[[MlflowClient, str], Any],
    error_code: str,
) -> None:
    with pytest.raises(MlflowException) as raised:
        call(client, errors_model)
    assert raised.value.error_code == error_code, str(raised.value)


def test_unknown_route_is_404(server: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(f"{server}/api/2.0/mlflow/unknown-endpoint", timeout=5)
    raised.value.close()
    assert raised.value.code == 404
