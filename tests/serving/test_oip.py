"""The Open Inference Protocol v2: health, metadata from the signature, typed tensors, the
pandas codec, tensor models and errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from starlette.testclient import TestClient

import modelreg.pyfunc
from modelreg import Client
from modelreg.serving import ServingSettings, create_scoring_app
from tests.serving.conftest import COLUMNS, register_unicorn, settings_in, split_body, wait_ready


@pytest.fixture(scope="module")
def session(
    model_v1: Path,
    model_v2: Path,
    custom_models: dict[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[TestClient]:
    """Unicorn@champion (version 1) from a registry, and the custom models from folders."""
    settings = settings_in(tmp_path_factory.mktemp("registry"))
    client = Client(settings.tracking_uri, artifact_root=settings.artifact_root)
    register_unicorn(client, model_v1, model_v2)
    client.close()
    uris = ["models:/Unicorn@champion", *(f"{n}={p}" for n, p in custom_models.items())]
    with TestClient(create_scoring_app(uris, ServingSettings(settings))) as session:
        wait_ready(session)
        yield session


def _columns(frame: pd.DataFrame, shape_suffix: tuple[int, ...] = ()) -> list[dict[str, Any]]:
    tensors = []
    for name in frame.columns:
        values = frame[name].tolist()
        datatype = "BYTES" if name == "State" else "FP64"
        tensors.append(
            {
                "name": name,
                "shape": [len(values), *shape_suffix],
                "datatype": datatype,
                "data": values,
            }
        )
    return tensors


def _error(response: Any, status: int, error_class: str, fragment: str = "") -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["error_class"] == error_class
    assert fragment in body["error"], body["error"]
    return body


def test_health_and_server_metadata(session: TestClient) -> None:
    assert session.get("/v2/health/live").json() == {"live": True}
    assert session.get("/v2/health/ready").json() == {"ready": True}
    server = session.get("/v2").json()
    assert (server["name"], server["extensions"]) == ("modelreg", [])


def test_model_ready(session: TestClient) -> None:
    for path in ("/v2/models/Unicorn/ready", "/v2/models/Unicorn/versions/1/ready"):
        response = session.get(path)
        assert response.json() == {"name": "Unicorn", "ready": True}
    _error(session.get("/v2/models/Pegasus/ready"), 404, "MODEL_NOT_SERVED", "Pegasus")


def test_metadata_maps_the_signature(session: TestClient) -> None:
    metadata = session.get("/v2/models/Unicorn").json()
    assert metadata == {
        "name": "Unicorn",
        "versions": ["1"],
        "platform": "mlflow.sklearn",
        "inputs": [
            {"name": "R&D Spend", "datatype": "FP64", "shape": [-1]},
            {"name": "Administration", "datatype": "FP64", "shape": [-1]},
            {"name": "Marketing Spend", "datatype": "FP64", "shape": [-1]},
            {"name": "State", "datatype": "BYTES", "shape": [-1]},
        ],
        "outputs": [{"name": "predict", "datatype": "FP64", "shape": [-1]}],
        "parameters": {"content_type": "pd"},
    }


def test_tensor_model_metadata(session: TestClient) -> None:
    metadata = session.get("/v2/models/rowsums").json()
    assert metadata["inputs"] == [{"name": "input-0", "datatype": "FP64", "shape": [-1, 2]}]
    assert metadata["outputs"] == [{"name": "predict", "datatype": "FP64", "shape": [-1]}]
    assert "versions" not in metadata
    assert "parameters" not in metadata


@pytest.mark.parametrize("version", ["1", "champion"])
def test_version_by_number_or_alias(session: TestClient, version: str) -> None:
    response = session.get(f"/v2/models/Unicorn/versions/{version}")
    assert response.json()["versions"] == ["1"]
    assert response.headers["x-model-version"] == "1"


@pytest.mark.parametrize("version", ["2", "challenger"])
def test_a_version_not_served_is_a_404(session: TestClient, version: str) -> None:
    response = session.get(f"/v2/models/Unicorn/versions/{version}")
    body = _error(response, 404, "MODEL_NOT_SERVED", f"not served at version '{version}'")
    assert "models:/Unicorn@champion (version 1)" in body["error"]


def test_infer_with_typed_tensors_predicts_like_invocations(
    session: TestClient, startups: pd.DataFrame
) -> None:
    frame = startups.head(2)
    request = {"id": "42", "inputs": _columns(frame)}
    response = session.post("/v2/models/Unicorn/versions/champion/infer", json=request)
    assert response.status_code == 200, response.text
    mlflow = session.post("/invocations/Unicorn", json=split_body(frame)).json()["predictions"]
    assert response.json() == {
        "model_name": "Unicorn",
        "model_version": "1",
        "id": "42",
        "outputs": [{"name": "predict", "shape": [2], "datatype": "FP64", "data": mlflow}],
    }
    assert response.headers["x-model-version"] == "1"


def test_columns_of_shape_n_by_1_and_the_pandas_codec_parameter(
    session: TestClient, startups: pd.DataFrame
) -> None:
    frame = startups.head(3)
    request = {"parameters": {"content_type": "pd"}, "inputs": _columns(frame, (1,))}
    response = session.post("/v2/models/Unicorn/infer", json=request)
    assert response.status_code == 200, response.text
    mlflow = session.post("/invocations/Unicorn", json=split_body(frame)).json()["predictions"]
    assert response.json()["outputs"][0]["data"] == mlflow


def test_fp32_columns_are_converted_for_double_columns(
    session: TestClient, startups: pd.DataFrame
) -> None:
    tensors = _columns(startups.head(1))
    tensors[0]["datatype"] = "FP32"
    response = session.post("/v2/models/Unicorn/infer", json={"inputs": tensors})
    assert response.status_code == 200, response.text


def test_requested_outputs(session: TestClient, startups: pd.DataFrame) -> None:
    request = {"inputs": _columns(startups.head(1)), "outputs": [{"name": "predict"}]}
    assert session.post("/v2/models/Unicorn/infer", json=request).status_code == 200
    request["outputs"] = [{"name": "probabilities"}]
    response = session.post("/v2/models/Unicorn/infer", json=request)
    _error(response, 400, "INVALID_PARAMETER_VALUE", "Unknown requested outputs ['probabilities']")


def test_tensor_model_gets_an_array(session: TestClient) -> None:
    request = {
        "inputs": [
            {"name": "x", "shape": [3, 2], "datatype": "FP64", "data": [[1, 2], [3, 4], [5, 6]]}
        ]
    }
    response = session.post("/v2/models/rowsums/infer", json=request)
    assert response.status_code == 200, response.text
    assert response.json()["outputs"] == [
        {"name": "predict", "shape": [3], "datatype": "FP64", "data": [3.0, 7.0, 11.0]}
    ]


def test_tensor_model_checks_the_dtype(session: TestClient) -> None:
    request = {"inputs": [{"name": "x", "shape": [1, 2], "datatype": "INT64", "data": [1, 2]}]}
    response = session.post("/v2/models/rowsums/infer", json=request)
    _error(response, 400, "SCHEMA_ENFORCEMENT_FAILED", "does not match expected dtype float64")


def test_dataframe_output_is_one_tensor_per_column(session: TestClient) -> None:
    request = {"inputs": [{"name": "x", "shape": [2], "datatype": "FP64", "data": [1.5, -2]}]}
    response = session.post("/v2/models/describe/infer", json=request)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["parameters"] == {"content_type": "pd"}
    assert body["outputs"] == [
        {"name": "double", "shape": [2], "datatype": "FP64", "data": [3.0, -4.0]},
        {"name": "label", "shape": [2], "datatype": "BYTES", "data": ["pos", "neg"]},
    ]


def _state(value: Any, datatype: str = "BYTES", shape: list[int] | None = None) -> dict[str, Any]:
    return {"name": "State", "shape": shape or [1], "datatype": datatype, "data": value}


BAD = [
    ("not an object", [1], 400, "INVALID_PARAMETER_VALUE", "JSON object with an 'inputs' list"),
    ("no inputs", {"inputs": []}, 400, "INVALID_PARAMETER_VALUE", "non-empty 'inputs'"),
    ("tensor lacks data", {"inputs": [{"name": "a", "shape": [1], "datatype": "FP64"}]}, 400,
     "INVALID_PARAMETER_VALUE", "lacks ['data']"),
    ("unknown datatype", {"inputs": [_state(["x"], "STRING")]}, 400, "INVALID_PARAMETER_VALUE",
     "unknown datatype 'STRING'"),
    ("shape and data disagree", {"inputs": [_state(["a", "b"])]}, 400, "INVALID_PARAMETER_VALUE",
     "shape [1] holds 1 values but 'data' has 2"),
    ("bad shape", {"inputs": [_state(["a"], shape=[-1])]}, 400, "INVALID_PARAMETER_VALUE",
     "non-negative integers"),
    ("number in BYTES", {"inputs": [_state([5])]}, 400, "SCHEMA_ENFORCEMENT_FAILED",
     "BYTES values are JSON strings"),
    ("string in FP64", {"inputs": [_state(["a"], "FP64")]}, 400, "SCHEMA_ENFORCEMENT_FAILED",
     "FP64 values are numbers"),
    ("overflow", {"inputs": [_state([300], "UINT8")]}, 400, "SCHEMA_ENFORCEMENT_FAILED", "UINT8"),
    ("duplicate names", {"inputs": [_state(["a"]), _state(["b"])]}, 400,
     "INVALID_PARAMETER_VALUE", "unique"),
    ("column of shape [1, 2]", {"inputs": [_state(["a", "b"], shape=[1, 2])]}, 400,
     "INVALID_PARAMETER_VALUE", "shape [N] or [N, 1]"),
    ("missing columns", {"inputs": [_state(["New York"])]}, 400, "SCHEMA_ENFORCEMENT_FAILED",
     "missing inputs ['R&D Spend', 'Administration', 'Marketing Spend']"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "body", "status", "error_class", "fragment"), BAD, ids=[b[0] for b in BAD]
)
def test_bad_inference_requests(
    session: TestClient, case: str, body: Any, status: int, error_class: str, fragment: str
) -> None:
    _error(session.post("/v2/models/Unicorn/infer", json=body), status, error_class, fragment)


def test_columns_of_different_lengths(session: TestClient, startups: pd.DataFrame) -> None:
    tensors = _columns(startups.head(2))
    tensors[3] = _state(["New York"])
    response = session.post("/v2/models/Unicorn/infer", json={"inputs": tensors})
    _error(response, 400, "INVALID_PARAMETER_VALUE", "different lengths [1, 2]")


def test_body_and_content_type_errors(session: TestClient) -> None:
    path = "/v2/models/Unicorn/infer"
    _error(session.post(path, content=b"{oops", headers={"Content-Type": "application/json"}),
           400, "INVALID_PARAMETER_VALUE", "not valid JSON")  # fmt: skip
    _error(session.post(path, content=b"", headers={"Content-Type": "application/json"}),
           400, "INVALID_PARAMETER_VALUE", "body is empty")  # fmt: skip
    _error(session.post(path, content=b"{}", headers={"Content-Type": "text/csv"}),
           415, "UNSUPPORTED_CONTENT_TYPE", "text/csv")  # fmt: skip


def test_the_model_answers_the_same_through_both_protocols(
    session: TestClient, model_v1: Path, startups: pd.DataFrame
) -> None:
    expected = modelreg.pyfunc.load_model(str(model_v1)).predict(startups[COLUMNS])
    response = session.post("/v2/models/Unicorn/infer", json={"inputs": _columns(startups)})
    assert response.json()["outputs"][0]["data"] == [float(x) for x in expected]
