"""Custom PythonModels: save with artifacts, load, predict."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

import modelreg.pyfunc
from modelreg.__about__ import __version__
from modelreg.errors import InvalidParameterValue
from modelreg.models import (
    ColSpec,
    MLmodel,
    ModelSignature,
    ParamSchema,
    ParamSpec,
    Schema,
    SchemaEnforcementError,
    UnsupportedModelFlavor,
)
from modelreg.pyfunc import PythonModel, PythonModelContext
from tests.models.conftest import read_text


class AddOffset(PythonModel):
    """Adds the offset read from an artifact, times the ``scale`` param."""

    def load_context(self, context: PythonModelContext) -> None:
        self.offset = float(Path(context.artifacts["offset"]).read_text(encoding="utf-8"))
        self.labels = sorted(p.name for p in Path(context.artifacts["labels"]).iterdir())

    def predict(
        self, context: PythonModelContext, model_input: Any, params: dict[str, Any] | None = None
    ) -> Any:
        scale = (params or {}).get("scale", 1.0)
        return (model_input["x"] + self.offset) * scale


class NoContext(PythonModel):
    def predict(self, model_input: Any) -> Any:  # type: ignore[override]
        return model_input["x"] * 2


@pytest.fixture
def artifacts(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "offset.txt").write_text("10", encoding="utf-8")
    (tmp_path / "labels").mkdir()
    for name in ("a", "b"):
        (tmp_path / "labels" / name).write_text(name, encoding="utf-8")
    return {"offset": str(tmp_path / "offset.txt"), "labels": (tmp_path / "labels").as_uri()}


@pytest.fixture
def saved_python_model(tmp_path: Path, artifacts: dict[str, str]) -> Path:
    path = tmp_path / "model"
    signature = ModelSignature(
        Schema([ColSpec("double", "x")]),
        Schema([ColSpec("double")]),
        ParamSchema([ParamSpec("scale", "double", 1.0)]),
    )
    modelreg.pyfunc.save_model(
        path, python_model=AddOffset(), artifacts=artifacts, signature=signature
    )
    return path


def test_python_model_with_artifacts_round_trips(saved_python_model: Path) -> None:
    model = modelreg.pyfunc.load_model(str(saved_python_model))
    result = model.predict(pd.DataFrame({"x": [1.0, 2.0]}))
    assert result.tolist() == [11.0, 12.0]
    assert model.unwrap_python_model().labels == ["a", "b"]
    assert model.loader_module == "mlflow.pyfunc.model"


def test_params_reach_the_model(saved_python_model: Path) -> None:
    model = modelreg.pyfunc.load_model(str(saved_python_model))
    assert model.predict(pd.DataFrame({"x": [1.0]}), params={"scale": 2}).tolist() == [22.0]
    with pytest.raises(InvalidParameterValue, match="scale"):
        model.predict(pd.DataFrame({"x": [1.0]}), params={"scale": "big"})


def test_predict_enforces_the_input_schema(saved_python_model: Path) -> None:
    model = modelreg.pyfunc.load_model(str(saved_python_model))
    assert model.predict(pd.DataFrame({"x": [1]})).tolist() == [11.0]
    with pytest.raises(SchemaEnforcementError, match=r"missing inputs \['x'\]"):
        model.predict(pd.DataFrame({"y": [1.0]}))


def test_folder_layout_is_mlflows(saved_python_model: Path, artifacts: dict[str, str]) -> None:
    data = yaml.safe_load(read_text(saved_python_model / "MLmodel"))
    config = dict(data["flavors"]["python_function"])
    config.pop("python_version")
    assert config == {
        "artifacts": {
            "labels": {"path": "artifacts/labels", "uri": artifacts["labels"]},
            "offset": {"path": "artifacts/offset.txt", "uri": artifacts["offset"]},
        },
        "cloudpickle_version": config["cloudpickle_version"],
        "code": None,
        "env": {"conda": "conda.yaml", "virtualenv": "python_env.yaml"},
        "loader_module": "mlflow.pyfunc.model",
        "python_model": "python_model.pkl",
        "streamable": False,
    }
    assert list(data["flavors"]) == ["python_function"]
    assert (saved_python_model / "artifacts" / "labels" / "b").is_file()
    requirements = read_text(saved_python_model / "requirements.txt").split("\n")
    assert requirements[0] == f"modelreg=={__version__}"
    assert {r.split("==")[0] for r in requirements[1:]} == {"cloudpickle", "numpy", "pandas"}


def test_predict_without_context_parameter(tmp_path: Path) -> None:
    modelreg.pyfunc.save_model(tmp_path / "m", python_model=NoContext())
    model = modelreg.pyfunc.load_model(str(tmp_path / "m"))
    assert model.predict(pd.DataFrame({"x": [1, 2]})).tolist() == [2, 4]


def test_signature_is_inferred_from_the_example(tmp_path: Path, artifacts: dict[str, str]) -> None:
    modelreg.pyfunc.save_model(
        tmp_path / "m",
        python_model=AddOffset(),
        artifacts=artifacts,
        input_example=pd.DataFrame({"x": [1.0, 2.0]}),
    )
    signature = MLmodel.load(tmp_path / "m").signature
    assert signature is not None
    assert signature.to_dict() == {
        "inputs": '[{"type": "double", "name": "x", "required": true}]',
        "outputs": '[{"type": "double", "name": "x", "required": true}]',
        "params": None,
    }
    assert json.loads(read_text(tmp_path / "m" / "serving_input_example.json")) == {
        "dataframe_split": {"columns": ["x"], "data": [[1.0], [2.0]]}
    }


def test_loading_a_python_model_warns_that_it_runs_code(
    saved_python_model: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        modelreg.pyfunc.load_model(str(saved_python_model))
    assert "executes code" in caplog.text


def test_sklearn_model_cannot_be_unwrapped(saved_pipeline: Path) -> None:
    model = modelreg.pyfunc.load_model(str(saved_pipeline))
    with pytest.raises(InvalidParameterValue, match="get_raw_model"):
        model.unwrap_python_model()
    assert type(model.get_raw_model()).__name__ == "Pipeline"


def rewrite_python_function(folder: Path, loader_module: str | None) -> None:
    (folder / "checksums").unlink()
    mlmodel = MLmodel.load(folder)
    if loader_module is None:
        del mlmodel.flavors["python_function"]
    else:
        mlmodel.flavors["python_function"]["loader_module"] = loader_module
    mlmodel.add_flavor("xgboost", data="model.xgb")
    mlmodel.save(folder)


def test_unknown_loader_module_names_the_flavor(saved_pipeline: Path) -> None:
    rewrite_python_function(saved_pipeline, "mlflow.xgboost")
    with pytest.raises(UnsupportedModelFlavor, match=r"mlflow\.xgboost") as caught:
        modelreg.pyfunc.load_model(str(saved_pipeline))
    assert "xgboost" in caught.value.flavors
    assert "'sklearn', 'xgboost'" in caught.value.message
    assert caught.value.loader_module == "mlflow.xgboost"


def test_missing_python_function_flavor_is_refused(saved_pipeline: Path) -> None:
    rewrite_python_function(saved_pipeline, None)
    with pytest.raises(UnsupportedModelFlavor, match='"python_function" flavor'):
        modelreg.pyfunc.load_model(str(saved_pipeline))


def test_modelreg_sklearn_loader_module_is_accepted(
    saved_pipeline: Path, startups: pd.DataFrame
) -> None:
    (saved_pipeline / "checksums").unlink()
    mlmodel = MLmodel.load(saved_pipeline)
    mlmodel.flavors["python_function"]["loader_module"] = "modelreg.sklearn"
    mlmodel.save(saved_pipeline)
    assert len(modelreg.pyfunc.load_model(str(saved_pipeline)).predict(startups)) == 50


def test_file_uri_is_accepted(saved_python_model: Path) -> None:
    model = modelreg.pyfunc.load_model(saved_python_model.as_uri())
    assert model.predict(pd.DataFrame({"x": [0.0]})).tolist() == [10.0]


def test_non_local_artifacts_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidParameterValue, match="local path"):
        modelreg.pyfunc.save_model(
            tmp_path / "m", python_model=NoContext(), artifacts={"a": "s3://bucket/a"}
        )
    assert not (tmp_path / "m").exists()


def test_a_plain_function_is_not_a_python_model(tmp_path: Path) -> None:
    with pytest.raises(InvalidParameterValue, match="PythonModel instance"):
        modelreg.pyfunc.save_model(tmp_path / "m", python_model=len)  # type: ignore[arg-type]


def test_other_python_version_is_warned_unless_suppressed(
    saved_pipeline: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (saved_pipeline / "checksums").unlink()
    mlmodel = MLmodel.load(saved_pipeline)
    mlmodel.flavors["python_function"]["python_version"] = "2.7.18"
    mlmodel.save(saved_pipeline)
    with caplog.at_level(logging.WARNING):
        modelreg.pyfunc.load_model(str(saved_pipeline), suppress_warnings=True)
    assert "2.7.18" not in caplog.text
    with caplog.at_level(logging.WARNING):
        modelreg.pyfunc.load_model(str(saved_pipeline))
    assert "saved with Python 2.7.18" in caplog.text
