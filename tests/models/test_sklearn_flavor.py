"""Saving and loading scikit-learn models: skops, cloudpickle and pickle."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from sklearn.datasets import load_iris
from sklearn.ensemble import RandomForestClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

import modelreg.pyfunc
import modelreg.sklearn
from modelreg.errors import InvalidParameterValue, ResourceAlreadyExists
from modelreg.models import (
    MissingOptionalDependency,
    MLmodel,
    ModelIntegrityError,
    UnsupportedModelFlavor,
)
from tests.models.conftest import read_text


@pytest.mark.parametrize(
    ("serialization_format", "file_name"),
    [("skops", "model.skops"), ("cloudpickle", "model.pkl"), ("pickle", "model.pkl")],
)
def test_round_trip_predicts_the_same(
    tmp_path: Path,
    pipeline: Pipeline,
    startups: pd.DataFrame,
    serialization_format: str,
    file_name: str,
) -> None:
    path = tmp_path / "model"
    modelreg.sklearn.save_model(pipeline, path, serialization_format=serialization_format)
    assert (path / file_name).is_file()
    flavor = MLmodel.load(path).flavors["sklearn"]
    assert (flavor["serialization_format"], flavor["pickled_model"]) == (
        serialization_format,
        file_name,
    )
    expected = pipeline.predict(startups)
    loaded = modelreg.sklearn.load_model(str(path))
    assert type(loaded) is Pipeline
    np.testing.assert_allclose(loaded.predict(startups), expected)
    np.testing.assert_allclose(modelreg.pyfunc.load_model(str(path)).predict(startups), expected)


@pytest.mark.parametrize("serialization_format", ["cloudpickle", "pickle"])
def test_loading_a_pickle_warns_that_it_runs_code(
    tmp_path: Path, pipeline: Pipeline, serialization_format: str, caplog: pytest.LogCaptureFixture
) -> None:
    modelreg.sklearn.save_model(pipeline, tmp_path / "m", serialization_format=serialization_format)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        modelreg.sklearn.load_model(str(tmp_path / "m"))
    assert "executes code" in caplog.text


def test_loading_skops_does_not_warn(
    saved_pipeline: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        modelreg.sklearn.load_model(str(saved_pipeline))
    assert "executes code" not in caplog.text


def iris_forest() -> RandomForestClassifier:
    features, target = load_iris(return_X_y=True, as_frame=True)
    return RandomForestClassifier(n_estimators=3, random_state=0).fit(features, target)


def test_skops_trusted_types_are_computed_at_save_time(tmp_path: Path) -> None:
    forest = iris_forest()
    modelreg.sklearn.save_model(forest, tmp_path / "m")
    flavor = MLmodel.load(tmp_path / "m").flavors["sklearn"]
    assert flavor["skops_trusted_types"] == ["sklearn.tree._tree.Tree"]
    features = load_iris(as_frame=True).data
    loaded = modelreg.sklearn.load_model(str(tmp_path / "m"))
    np.testing.assert_array_equal(loaded.predict(features), forest.predict(features))


def test_skops_types_not_listed_as_trusted_are_refused(tmp_path: Path) -> None:
    modelreg.sklearn.save_model(iris_forest(), tmp_path / "m")
    # Someone rewrites the folder without a manifest and drops the trusted list.
    (tmp_path / "m" / "checksums").unlink()
    mlmodel = MLmodel.load(tmp_path / "m")
    mlmodel.flavors["sklearn"]["skops_trusted_types"] = None
    mlmodel.save(tmp_path / "m")
    with pytest.raises(ModelIntegrityError, match=r"sklearn\.tree\._tree\.Tree"):
        modelreg.sklearn.load_model(str(tmp_path / "m"))


def test_signature_is_inferred_from_the_example(saved_pipeline: Path) -> None:
    signature = MLmodel.load(saved_pipeline).signature
    assert signature is not None
    assert signature.inputs is not None
    assert [c.type for c in signature.inputs.columns()] == ["double", "double", "double", "string"]


def test_no_example_means_no_signature(tmp_path: Path, pipeline: Pipeline) -> None:
    modelreg.sklearn.save_model(pipeline, tmp_path / "m")
    data = yaml.safe_load(read_text(tmp_path / "m" / "MLmodel"))
    assert "signature" not in data
    assert "saved_input_example_info" not in data
    assert not (tmp_path / "m" / "input_example.json").exists()


def test_pyfunc_predict_enforces_the_signature(
    saved_pipeline: Path, pipeline: Pipeline, startups: pd.DataFrame
) -> None:
    model = modelreg.pyfunc.load_model(str(saved_pipeline))
    reordered = startups[["State", "Administration", "R&D Spend", "Marketing Spend"]]
    np.testing.assert_allclose(model.predict(reordered), pipeline.predict(startups))
    with pytest.raises(Exception, match=r"Model is missing inputs \['State'\]"):
        model.predict(startups.drop(columns=["State"]))


def test_saving_into_a_non_empty_folder_is_refused(
    saved_pipeline: Path, pipeline: Pipeline
) -> None:
    with pytest.raises(ResourceAlreadyExists, match="already exists"):
        modelreg.sklearn.save_model(pipeline, saved_pipeline)


def test_saving_into_an_empty_folder_works(tmp_path: Path, pipeline: Pipeline) -> None:
    modelreg.sklearn.save_model(pipeline, tmp_path)
    assert (tmp_path / "MLmodel").is_file()


def test_unknown_serialization_format_is_refused(tmp_path: Path, pipeline: Pipeline) -> None:
    with pytest.raises(InvalidParameterValue, match="Unrecognized serialization format: joblib"):
        modelreg.sklearn.save_model(pipeline, tmp_path / "m", serialization_format="joblib")
    assert not (tmp_path / "m").exists()


def test_skops_failure_leaves_no_folder_behind(tmp_path: Path) -> None:
    unsupported = FunctionTransformer(lambda x: x)
    with pytest.raises(InvalidParameterValue, match="cloudpickle"):
        modelreg.sklearn.save_model(unsupported.fit([[1.0]]), tmp_path / "m")
    assert not (tmp_path / "m").exists()


def test_folder_without_sklearn_flavor_is_refused_by_the_sklearn_loader(
    saved_pipeline: Path,
) -> None:
    (saved_pipeline / "checksums").unlink()
    mlmodel = MLmodel.load(saved_pipeline)
    del mlmodel.flavors["sklearn"]
    mlmodel.save(saved_pipeline)
    with pytest.raises(UnsupportedModelFlavor, match='"sklearn" flavor'):
        modelreg.sklearn.load_model(str(saved_pipeline))


def test_missing_skops_asks_to_install_the_extra(
    tmp_path: Path, pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "skops", None)
    monkeypatch.setitem(sys.modules, "skops.io", None)
    with pytest.raises(MissingOptionalDependency, match=r"pip install 'modelreg\[sklearn\]'"):
        modelreg.sklearn.save_model(pipeline, tmp_path / "m")
    assert issubclass(MissingOptionalDependency, ImportError)


def test_metadata_is_stored(tmp_path: Path, pipeline: Pipeline) -> None:
    modelreg.sklearn.save_model(pipeline, tmp_path / "m", metadata={"owner": "ada"})
    assert MLmodel.load(tmp_path / "m").metadata == {"owner": "ada"}


def test_write_model_folder_keeps_logged_model_fields(tmp_path: Path, pipeline: Pipeline) -> None:
    mlmodel = MLmodel(model_uuid="m-1", model_id="m-1", run_id="r1", artifact_path="a/b")
    modelreg.sklearn.write_model_folder(tmp_path, pipeline, mlmodel=mlmodel)
    loaded = MLmodel.load(tmp_path)
    assert (loaded.model_id, loaded.run_id, loaded.artifact_path) == ("m-1", "r1", "a/b")


def test_pyfunc_honours_the_flavors_predict_fn(tmp_path: Path) -> None:
    features = load_iris(as_frame=True).data
    modelreg.sklearn.save_model(iris_forest(), tmp_path / "m")
    (tmp_path / "m" / "checksums").unlink()
    mlmodel = MLmodel.load(tmp_path / "m")
    mlmodel.flavors["python_function"]["predict_fn"] = "predict_proba"
    mlmodel.save(tmp_path / "m")
    probabilities = modelreg.pyfunc.load_model(str(tmp_path / "m")).predict(features)
    assert probabilities.shape == (len(features), 3)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
