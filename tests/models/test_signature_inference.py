"""Signature inference, as MLflow infers (expected JSON captured from mlflow 3.17.2)."""

from __future__ import annotations

import datetime as dt
import logging

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from modelreg.models import infer_signature
from modelreg.models.signature_inference import infer_schema, infer_signature_from_example
from tests.models.test_mlmodel import STARTUPS_INPUTS


def test_startups_table_gives_three_doubles_and_a_string(startups: pd.DataFrame) -> None:
    assert infer_schema(startups).to_json() == STARTUPS_INPUTS


def test_regression_output_from_an_example_is_one_unnamed_double(
    pipeline: Pipeline, startups: pd.DataFrame
) -> None:
    signature = infer_signature_from_example(
        startups.head(2), lambda data, params: pipeline.predict(data)
    )
    assert signature is not None
    assert signature.to_dict() == {
        "inputs": STARTUPS_INPUTS,
        "outputs": '[{"type": "double", "required": true}]',
        "params": None,
    }


def test_classifier_int_output_is_long(caplog: pytest.LogCaptureFixture) -> None:
    features = pd.DataFrame({"a": [0.0, 1.0, 2.0, 3.0], "b": [1.0, 0.0, 1.0, 0.0]})
    classifier = LogisticRegression().fit(features, [0, 0, 1, 1])
    with caplog.at_level(logging.WARNING):
        signature = infer_signature_from_example(
            features, lambda data, params: classifier.predict(data)
        )
    assert signature is not None
    assert signature.outputs is not None
    assert signature.outputs.to_json() == '[{"type": "long", "required": true}]'
    assert "Integer columns in Python cannot represent missing values" in caplog.text


def test_failed_prediction_saves_no_signature(caplog: pytest.LogCaptureFixture) -> None:
    def broken(data: object, params: object) -> object:
        raise RuntimeError("boom")

    with caplog.at_level(logging.WARNING):
        assert infer_signature_from_example(pd.DataFrame({"a": [1.0]}), broken) is None
    assert "boom" in caplog.text


EXPECTED = {
    "series": '[{"type": "double", "name": "y", "required": true}]',
    "series_unnamed": '[{"type": "long", "required": true}]',
    "nd": '[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1, 2]}}]',
    "nd1": '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]',
    "ndstr": '[{"type": "tensor", "tensor-spec": {"dtype": "str", "shape": [-1]}}]',
    "dict_nd": (
        '[{"name": "x", "type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1, 1]}},'
        ' {"name": "y", "type": "tensor", "tensor-spec": {"dtype": "int32", "shape": [-1]}}]'
    ),
    "dict_scalars": (
        '[{"type": "long", "name": "a", "required": true}, '
        '{"type": "string", "name": "b", "required": true}, '
        '{"type": "array", "items": {"type": "double"}, "name": "c", "required": true}]'
    ),
    "list_dicts": (
        '[{"type": "long", "name": "a", "required": true}, '
        '{"type": "string", "name": "b", "required": false}]'
    ),
    "list_str": '[{"type": "string", "required": true}]',
    "scalar": '[{"type": "string", "required": true}]',
    "empty_list": '[{"type": "string", "required": true}]',
    "category": '[{"type": "string", "name": "c", "required": true}]',
}


def example_inputs() -> dict[str, object]:
    """The inputs of EXPECTED (also compared with mlflow itself in the interop tests)."""
    return {
        "series": pd.Series([1.0, 2.0], name="y"),
        "series_unnamed": pd.Series([1, 2]),
        "nd": np.array([[1.0, 2.0], [3.0, 4.0]]),
        "nd1": np.array([1, 2, 3]),
        "ndstr": np.array(["a", "bb"]),
        "dict_nd": {"x": np.array([[1.0]]), "y": np.array([1, 2], dtype="int32")},
        "dict_scalars": {"a": 1, "b": "x", "c": [1.0, 2.0]},
        "list_dicts": [{"a": 1, "b": "x"}, {"a": 2, "b": None}],
        "list_str": ["a", "b"],
        "scalar": "hello",
        "empty_list": [],
        "category": pd.DataFrame({"c": pd.Categorical(["a", "b"])}),
        "mixed_frame": mixed_frame(),
    }


def mixed_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "a": [1.0, 2.0],
            "b": [1, 2],
            "c": ["x", "y"],
            "d": [True, False],
            "e": np.array([1, 2], dtype="int32"),
            "f": np.array([1, 2], dtype="float32"),
            "g": pd.to_datetime(["2020-01-01", "2021-01-01"]),
            "h": [b"x", b"y"],
            "n": [1.0, None],
            "s": ["a", None],
            "l": [["a", "b"], ["c"]],
            "o": [{"k": 1}, {"k": 2}],
        }
    )


EXPECTED["mixed_frame"] = (
    '[{"type": "double", "name": "a", "required": true}, '
    '{"type": "long", "name": "b", "required": true}, '
    '{"type": "string", "name": "c", "required": true}, '
    '{"type": "boolean", "name": "d", "required": true}, '
    '{"type": "integer", "name": "e", "required": true}, '
    '{"type": "float", "name": "f", "required": true}, '
    '{"type": "datetime", "name": "g", "required": true}, '
    '{"type": "binary", "name": "h", "required": true}, '
    '{"type": "double", "name": "n", "required": false}, '
    '{"type": "string", "name": "s", "required": false}, '
    '{"type": "array", "items": {"type": "string"}, "name": "l", "required": true}, '
    '{"type": "object", "properties": {"k": {"type": "long", "required": true}}, '
    '"name": "o", "required": true}]'
)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_schema_inference_matches_mlflow(case: str) -> None:
    assert infer_schema(example_inputs()[case]).to_json() == EXPECTED[case]


def test_infer_signature_keeps_array_outputs_as_tensors() -> None:
    signature = infer_signature(pd.DataFrame({"a": [1.0]}), np.array([1.0]))
    assert signature.to_dict()["outputs"] == (
        '[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}}]'
    )


def test_param_schema_inference_matches_mlflow() -> None:
    params = {"k": 1, "f": 1.5, "s": "x", "b": True, "l": [1, 2], "d": dt.datetime(2020, 1, 1)}
    signature = infer_signature(pd.DataFrame({"a": [1.0]}), params=params)
    assert signature.to_dict()["params"] == (
        '[{"name": "k", "default": 1, "shape": null, "type": "long"}, '
        '{"name": "f", "default": 1.5, "shape": null, "type": "double"}, '
        '{"name": "s", "default": "x", "shape": null, "type": "string"}, '
        '{"name": "b", "default": true, "shape": null, "type": "boolean"}, '
        '{"name": "l", "default": [1, 2], "shape": [-1], "type": "long"}, '
        '{"name": "d", "default": "2020-01-01T00:00:00", "shape": null, "type": "datetime"}]'
    )


def test_uninferable_input_becomes_any(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        signature = infer_signature(pd.DataFrame({"u": np.array([1], dtype="uint64")}))
    assert signature.to_dict()["inputs"] == '[{"type": "any", "required": true}]'
    assert "Failed to infer schema for inputs" in caplog.text
