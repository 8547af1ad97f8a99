"""MLflow's scoring protocol: every accepted input form, the health routes and /version."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd
import pytest
from starlette.testclient import TestClient

import modelreg.pyfunc
from modelreg.serving import ServingSettings, create_scoring_app
from tests.serving.conftest import COLUMNS, settings_in, split_body, wait_ready


@pytest.fixture(scope="module")
def session(model_v1: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One app serving the v1 folder as "unicorn", shared by the module's read-only tests."""
    folder = tmp_path_factory.mktemp("registry")
    settings = ServingSettings(settings_in(folder))
    with TestClient(create_scoring_app([f"unicorn={model_v1}"], settings)) as session:
        wait_ready(session)
        yield session


@pytest.fixture(scope="module")
def model(model_v1: Path) -> Any:
    """The served model, loaded directly."""
    return modelreg.pyfunc.load_model(str(model_v1))


@pytest.fixture(scope="module")
def expected(model: Any, startups: pd.DataFrame) -> list[float]:
    """What the model predicts for the first two rows."""
    return [float(x) for x in model.predict(startups.head(2))]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [dict(zip(frame.columns, row, strict=True)) for row in frame.values.tolist()]


def _cases(frame: pd.DataFrame) -> dict[str, tuple[dict[str, Any], pd.DataFrame]]:
    """Each JSON form: the body, and the frame the model should see."""
    columns = {name: frame[name].tolist() for name in frame.columns}
    split = split_body(frame)
    rounded = frame.assign(**{"R&D Spend": frame["R&D Spend"].round().astype(int)})
    return {
        "dataframe_split": (split, frame),
        "dataframe_split with index": (
            {"dataframe_split": {**split["dataframe_split"], "index": [10, 11]}},
            frame,
        ),
        "dataframe_records": ({"dataframe_records": _records(frame)}, frame),
        "instances (records)": ({"instances": _records(frame)}, frame),
        "inputs (columns)": ({"inputs": columns}, frame),
        "inputs (records)": ({"inputs": _records(frame)}, frame),
        "params ignored": ({**split, "params": {"foo": 1}}, frame),
        "reordered columns": (split_body(frame[list(reversed(COLUMNS))]), frame),
        "extra column": (split_body(frame.assign(Extra=1)), frame),
        "ints for doubles": (split_body(rounded), rounded.astype({"R&D Spend": float})),
        "number for a string": (
            split_body(frame.assign(State=5)),
            frame.assign(State="5"),
        ),
    }


CASES = list(_cases(pd.DataFrame(columns=COLUMNS)))


@pytest.mark.parametrize("case", CASES)
def test_each_json_form_predicts_like_the_model(
    session: TestClient, model: Any, startups: pd.DataFrame, case: str
) -> None:
    body, seen = _cases(startups.head(2))[case]
    response = session.post("/invocations", json=body)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"predictions": [float(x) for x in model.predict(seen)]}


def test_charset_is_accepted(
    session: TestClient, startups: pd.DataFrame, expected: list[float]
) -> None:
    response = session.post(
        "/invocations",
        content=orjson.dumps(split_body(startups.head(2))),
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert response.json() == {"predictions": expected}


def test_csv_with_a_header_row(
    session: TestClient, startups: pd.DataFrame, expected: list[float]
) -> None:
    response = session.post(
        "/invocations",
        content=startups.head(2).to_csv(index=False),
        headers={"Content-Type": "text/csv"},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"predictions": expected}


def test_csv_keeps_string_columns_as_text(session: TestClient) -> None:
    csv = "R&D Spend,Administration,Marketing Spend,State\n1,2,3,007\n"
    response = session.post("/invocations", content=csv, headers={"Content-Type": "text/csv"})
    assert response.status_code == 200, response.text


def test_parquet(session: TestClient, startups: pd.DataFrame, expected: list[float]) -> None:
    buffer = io.BytesIO()
    startups.head(2).to_parquet(buffer)
    response = session.post(
        "/invocations",
        content=buffer.getvalue(),
        headers={"Content-Type": "application/vnd.apache.parquet"},
    )
    assert response.json() == {"predictions": expected}


def test_many_rows_in_one_request(session: TestClient, startups: pd.DataFrame, model: Any) -> None:
    response = session.post("/invocations", json=split_body(startups))
    assert response.json()["predictions"] == [float(x) for x in model.predict(startups)]


def test_ping_and_health_answer_like_mlflow(session: TestClient) -> None:
    for path in ("/ping", "/health"):
        response = session.get(path)
        assert (response.status_code, response.text) == (200, "\n")
        assert response.headers["content-type"] == "application/json"


def test_version_names_the_served_model(session: TestClient, model_v1: Path) -> None:
    document = session.get("/version").json()
    assert document["mlflow_version"] == "3.17.2"
    (model,) = document["models"]
    assert model["name"] == "unicorn"
    assert model["uri"] == str(model_v1)
    assert model["status"] == "READY"
    assert model["version"] is None
    assert model["follows_registry"] is False
    assert model["load_seconds"] > 0


def test_unversioned_models_answer_without_a_version_header(
    session: TestClient, startups: pd.DataFrame
) -> None:
    response = session.post("/invocations", json=split_body(startups.head(1)))
    assert response.headers["x-model-name"] == "unicorn"
    assert "x-model-version" not in response.headers


def test_the_name_route_answers_too(
    session: TestClient, startups: pd.DataFrame, expected: list[float]
) -> None:
    response = session.post("/invocations/unicorn", json=split_body(startups.head(2)))
    assert response.json() == {"predictions": expected}


def test_registered_model_answers_with_its_version(
    unicorn: Any, serve: Any, startups: pd.DataFrame
) -> None:
    for uri in ("models:/Unicorn/Production", "models:/Unicorn@champion", "models:/Unicorn/1"):
        session = serve([uri])
        response = session.post("/invocations", json=split_body(startups.head(2)))
        assert response.status_code == 200
        assert response.headers["x-model-version"] == "1"
        assert response.headers["x-model-name"] == "Unicorn"
    latest = serve(["models:/Unicorn/latest"]).post(
        "/invocations", json=split_body(startups.head(1))
    )
    assert latest.headers["x-model-version"] == "2"


def test_runs_uri(client: Any, serve: Any, model_v1: Path, startups: pd.DataFrame) -> None:
    experiment = client.create_experiment("serving")
    run = client.create_run(experiment)
    client.log_artifacts(run.info.run_id, str(model_v1), "model")
    session = serve([f"runs:/{run.info.run_id}/model"])
    response = session.post("/invocations", json=split_body(startups.head(2)))
    assert response.status_code == 200, response.text
    assert response.headers["x-model-name"] == "model"
    assert np.isfinite(response.json()["predictions"]).all()


def test_nan_literals_are_read_as_python_writes_them(session: TestClient) -> None:
    body = '{"dataframe_split": {"columns": ["R&D Spend", "Administration", "Marketing Spend", '
    body += '"State"], "data": [[NaN, 1.0, 2.0, "Ohio"]]}}'
    response = session.post(
        "/invocations/unicorn", content=body, headers={"Content-Type": "application/json"}
    )
    # Read, then refused by the model (NaN), not by the JSON parser.
    assert response.status_code == 400
    assert response.json()["error_class"] == "MODEL_PREDICTION_FAILED"
