"""Interoperability with the real MLflow (3.17.2, a test-only dependency).

modelreg's folders load in MLflow and MLflow's in modelreg, with the same predictions.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from sklearn.pipeline import Pipeline

import modelreg.pyfunc
import modelreg.sklearn
from modelreg.models import MLmodel, SchemaEnforcementError, infer_signature
from modelreg.pyfunc import PythonModel, PythonModelContext
from tests.models.conftest import read_text
from tests.models.test_signature_inference import example_inputs

with warnings.catch_warnings():
    # Importing mlflow.pyfunc makes mlflow warn about type hints of its own classes.
    warnings.filterwarnings(
        "ignore", message=r".*Any type hint is inferred as AnyType", category=UserWarning
    )
    import mlflow.models
    import mlflow.pyfunc
    import mlflow.sklearn


pytestmark = pytest.mark.filterwarnings(
    # mlflow's input-example writer compares a pandas Index with a range (pandas 3 deprecation).
    "ignore:Operation with range is deprecated:pandas.errors.Pandas4Warning:mlflow.models.utils"
)


@pytest.fixture(autouse=True)
def allow_mlflow_to_unpickle(monkeypatch: pytest.MonkeyPatch) -> None:
    """MLflow 3.17 refuses to deserialize any model (skops included) without this."""
    monkeypatch.setenv("MLFLOW_ALLOW_PICKLE_DESERIALIZATION", "true")


class ScaledOffset(PythonModel):
    """A modelreg PythonModel with an artifact and a params schema."""

    def load_context(self, context: PythonModelContext) -> None:
        self.offset = float(Path(context.artifacts["offset"]).read_text(encoding="utf-8"))

    def predict(
        self, context: PythonModelContext, model_input: Any, params: dict[str, Any] | None = None
    ) -> Any:
        return (model_input["R&D Spend"] + self.offset) * (params or {}).get("scale", 1.0)


def test_mlflow_version_is_the_compatible_one() -> None:
    assert mlflow.__version__ == "3.17.2"


def test_mlflow_loads_a_modelreg_sklearn_model(
    saved_pipeline: Path, pipeline: Pipeline, startups: pd.DataFrame
) -> None:
    expected = pipeline.predict(startups)
    loaded = mlflow.pyfunc.load_model(str(saved_pipeline))
    np.testing.assert_allclose(loaded.predict(startups), expected)
    np.testing.assert_allclose(
        mlflow.sklearn.load_model(str(saved_pipeline)).predict(startups), expected
    )
    ours = MLmodel.load(saved_pipeline).signature
    assert ours is not None
    assert loaded.metadata.signature.to_dict() == ours.to_dict()


def test_mlflow_loads_a_modelreg_python_model(tmp_path: Path, startups: pd.DataFrame) -> None:
    (tmp_path / "offset.txt").write_text("1000", encoding="utf-8")
    path = tmp_path / "model"
    modelreg.pyfunc.save_model(
        path,
        python_model=ScaledOffset(),
        artifacts={"offset": str(tmp_path / "offset.txt")},
        input_example=(startups.head(2), {"scale": 1.0}),
    )
    ours = modelreg.pyfunc.load_model(str(path))
    theirs = mlflow.pyfunc.load_model(str(path))
    expected = (startups["R&D Spend"] + 1000) * 2
    np.testing.assert_allclose(ours.predict(startups, params={"scale": 2.0}), expected)
    np.testing.assert_allclose(theirs.predict(startups, params={"scale": 2.0}), expected)
    np.testing.assert_allclose(theirs.predict(startups), ours.predict(startups))


def test_modelreg_loads_an_mlflow_sklearn_model(
    tmp_path: Path, pipeline: Pipeline, startups: pd.DataFrame
) -> None:
    path = tmp_path / "mlflow-model"
    mlflow.sklearn.save_model(pipeline, str(path), input_example=startups.head(2))
    assert not (path / "checksums").exists()
    expected = pipeline.predict(startups)
    model = modelreg.pyfunc.load_model(str(path))
    np.testing.assert_allclose(model.predict(startups), expected)
    np.testing.assert_allclose(modelreg.sklearn.load_model(str(path)).predict(startups), expected)
    assert model.metadata.mlflow_version == "3.17.2"
    assert model.metadata.signature is not None
    assert model.metadata.signature.to_dict() == (
        mlflow.models.Model.load(str(path)).signature.to_dict()
    )


def test_modelreg_loads_an_mlflow_python_model(tmp_path: Path, startups: pd.DataFrame) -> None:
    with pytest.warns(UserWarning, match="Add type hints"):

        class Doubler(mlflow.pyfunc.PythonModel):
            # Unannotated on purpose: MLflow validates (and warns about) annotated predicts.
            def predict(self, context, model_input, params=None):  # type: ignore[no-untyped-def]
                return model_input[["R&D Spend"]] * 2

    path = tmp_path / "mlflow-model"
    mlflow.pyfunc.save_model(str(path), python_model=Doubler())
    model = modelreg.pyfunc.load_model(str(path))
    expected = startups[["R&D Spend"]] * 2
    pd.testing.assert_frame_equal(model.predict(startups), expected)
    assert isinstance(model.unwrap_python_model(), mlflow.pyfunc.PythonModel)


def test_modelreg_folder_matches_mlflows_for_the_same_model(
    tmp_path: Path, saved_pipeline: Path, pipeline: Pipeline, startups: pd.DataFrame
) -> None:
    theirs = tmp_path / "mlflow-model"
    mlflow.sklearn.save_model(pipeline, str(theirs), input_example=startups.head(2))
    ours_files = sorted(p.name for p in saved_pipeline.iterdir())
    assert ours_files == sorted([*(p.name for p in theirs.iterdir()), "checksums"])
    for name in ("input_example.json", "serving_input_example.json", "python_env.yaml"):
        assert read_text(saved_pipeline / name) == read_text(theirs / name)
    ignored = {"model_uuid", "utc_time_created", "model_size_bytes"}
    ours_yaml = yaml.safe_load(read_text(saved_pipeline / "MLmodel"))
    theirs_yaml = yaml.safe_load(read_text(theirs / "MLmodel"))
    assert ours_yaml.pop("modelreg_version")
    for key in ignored:
        ours_yaml.pop(key)
        theirs_yaml.pop(key)
    assert ours_yaml == theirs_yaml


@pytest.mark.filterwarnings("ignore:Hint. Inferred schema contains integer column:UserWarning")
@pytest.mark.parametrize("case", sorted(example_inputs()))
def test_input_schema_inference_matches_mlflows(case: str) -> None:
    data = example_inputs()[case]
    theirs = mlflow.models.infer_signature(data).inputs.to_json()
    assert infer_signature(data).to_dict()["inputs"] == theirs


def test_missing_column_message_matches_mlflows(
    tmp_path: Path, pipeline: Pipeline, startups: pd.DataFrame
) -> None:
    path = tmp_path / "mlflow-model"
    mlflow.sklearn.save_model(pipeline, str(path), input_example=startups.head(2))
    incomplete = startups.drop(columns=["State"])
    with pytest.raises(mlflow.exceptions.MlflowException) as theirs:
        mlflow.pyfunc.load_model(str(path)).predict(incomplete)
    with pytest.raises(SchemaEnforcementError) as ours:
        modelreg.pyfunc.load_model(str(path)).predict(incomplete)
    assert ours.value.message == "Model is missing inputs ['State']."
    assert theirs.value.message.endswith(f"Error: {ours.value.message}")
    assert ours.value.schema in theirs.value.message
