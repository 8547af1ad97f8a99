"""The MLmodel file: MLflow 3's exact layout, read and written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sklearn
import yaml

from modelreg.__about__ import __version__
from modelreg.errors import ResourceNotFound
from modelreg.models import MLFLOW_COMPATIBLE_VERSION, MLmodel
from tests.models.conftest import read_text

# A logged model's MLmodel written by MLflow 3 (docs/mlflow-wire-capture/MLmodel.example).
MLFLOW_LOGGED_MLMODEL = """\
artifact_path: mlflow-artifacts:/1/models/m-492b334a63ee43f1b0bb2f842df68c88/artifacts
flavors:
  python_function:
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.sklearn
    model_path: model.skops
    predict_fn: predict
    python_version: 3.11.7
  sklearn:
    code: null
    pickled_model: model.skops
    serialization_format: skops
    sklearn_version: 1.9.1
    skops_trusted_types: null
is_signature_from_type_hint: false
mlflow_version: 3.18.0
model_id: m-492b334a63ee43f1b0bb2f842df68c88
model_size_bytes: 76587
model_uuid: m-492b334a63ee43f1b0bb2f842df68c88
prompts: null
run_id: f578a0f62f9749bd8a8428f044c10288
saved_input_example_info:
  artifact_path: input_example.json
  pandas_orient: split
  serving_input_path: serving_input_example.json
  type: dataframe
signature:
  inputs: '[{"type": "double", "name": "R&D Spend", "required": true}, {"type": "double",
    "name": "Administration", "required": true}, {"type": "double", "name": "Marketing
    Spend", "required": true}, {"type": "string", "name": "State", "required": true}]'
  outputs: '[{"type": "double", "required": true}]'
  params: null
type_hint_from_example: false
utc_time_created: '2026-11-28 03:00:03.495857'
"""

STARTUPS_INPUTS = (
    '[{"type": "double", "name": "R&D Spend", "required": true}, '
    '{"type": "double", "name": "Administration", "required": true}, '
    '{"type": "double", "name": "Marketing Spend", "required": true}, '
    '{"type": "string", "name": "State", "required": true}]'
)


def test_mlflow_logged_mlmodel_is_rewritten_byte_for_byte() -> None:
    mlmodel = MLmodel.from_yaml(MLFLOW_LOGGED_MLMODEL)
    assert mlmodel.model_id == "m-492b334a63ee43f1b0bb2f842df68c88"
    assert mlmodel.run_id == "f578a0f62f9749bd8a8428f044c10288"
    assert mlmodel.signature is not None
    assert mlmodel.signature.inputs is not None
    assert [spec.name for spec in mlmodel.signature.inputs] == [
        "R&D Spend",
        "Administration",
        "Marketing Spend",
        "State",
    ]
    assert mlmodel.modelreg_version is None
    assert mlmodel.to_yaml() == MLFLOW_LOGGED_MLMODEL


def test_unknown_keys_are_kept_through_a_round_trip() -> None:
    text = MLFLOW_LOGGED_MLMODEL.replace("prompts: null\n", "prompts: null\nresources:\n  a: 1\n")
    mlmodel = MLmodel.from_yaml(text)
    assert mlmodel.extra == {"resources": {"a": 1}}
    assert mlmodel.to_yaml() == text


def test_saved_model_mlmodel_has_mlflow_keys_and_values(saved_pipeline: Path) -> None:
    data = yaml.safe_load(read_text(saved_pipeline / "MLmodel"))
    assert set(data) == {
        "flavors",
        "is_signature_from_type_hint",
        "mlflow_version",
        "model_id",
        "model_size_bytes",
        "model_uuid",
        "modelreg_version",
        "prompts",
        "saved_input_example_info",
        "signature",
        "type_hint_from_example",
        "utc_time_created",
    }
    assert data["mlflow_version"] == MLFLOW_COMPATIBLE_VERSION == "3.17.2"
    assert data["modelreg_version"] == __version__
    assert data["model_id"] is None
    assert data["prompts"] is None
    assert data["is_signature_from_type_hint"] is False
    assert data["type_hint_from_example"] is False
    assert re.fullmatch(r"[0-9a-f]{32}", data["model_uuid"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?", data["utc_time_created"])
    assert data["signature"] == {
        "inputs": STARTUPS_INPUTS,
        "outputs": '[{"type": "double", "required": true}]',
        "params": None,
    }
    assert data["saved_input_example_info"] == {
        "artifact_path": "input_example.json",
        "pandas_orient": "split",
        "serving_input_path": "serving_input_example.json",
        "type": "dataframe",
    }
    # MLflow counts the model file and the examples, not MLmodel, env files or checksums.
    counted = ["model.skops", "input_example.json", "serving_input_example.json"]
    assert data["model_size_bytes"] == sum((saved_pipeline / n).stat().st_size for n in counted)


def test_saved_model_mlmodel_keys_are_sorted_and_utc_time_is_quoted(saved_pipeline: Path) -> None:
    text = read_text(saved_pipeline / "MLmodel")
    top_level = [line.split(":")[0] for line in text.splitlines() if not line.startswith(" ")]
    assert top_level == sorted(top_level)
    assert re.search(r"^utc_time_created: '", text, re.MULTILINE)


def test_saved_model_flavors_match_mlflow_sklearn(saved_pipeline: Path) -> None:
    flavors = MLmodel.load(saved_pipeline).flavors
    assert flavors["sklearn"] == {
        "code": None,
        "pickled_model": "model.skops",
        "serialization_format": "skops",
        "sklearn_version": sklearn.__version__,
        "skops_trusted_types": None,
    }
    python_function = dict(flavors["python_function"])
    assert re.fullmatch(r"3\.\d+\.\d+", python_function.pop("python_version"))
    assert python_function == {
        "env": {"conda": "conda.yaml", "virtualenv": "python_env.yaml"},
        "loader_module": "mlflow.sklearn",
        "model_path": "model.skops",
        "predict_fn": "predict",
    }


def test_logged_model_fields_are_written() -> None:
    mlmodel = MLmodel(
        model_uuid="m-1",
        model_id="m-1",
        run_id="r1",
        artifact_path="mlflow-artifacts:/1/models/m-1/artifacts",
    )
    data = yaml.safe_load(mlmodel.to_yaml())
    assert (data["model_id"], data["run_id"], data["artifact_path"]) == (
        "m-1",
        "r1",
        "mlflow-artifacts:/1/models/m-1/artifacts",
    )
    assert "signature" not in data
    assert "is_signature_from_type_hint" not in data


def test_fresh_mlmodels_get_distinct_random_uuids() -> None:
    assert MLmodel().model_uuid != MLmodel().model_uuid


def test_loading_a_folder_without_mlmodel_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(ResourceNotFound, match="MLmodel"):
        MLmodel.load(tmp_path)
