"""Input example files, byte for byte as MLflow writes them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from modelreg.models import load_input_example
from modelreg.models.input_example import save_input_example
from tests.models.conftest import read_text

# Verbatim from docs/mlflow-model-layout.md, section 4.
INPUT_EXAMPLE = (
    '{"columns": ["R&D Spend", "Administration", "Marketing Spend", "State"], "data": '
    '[[165349.2, 136897.8, 471784.1, "New York"], [162597.7, 151377.59, 443898.53, "California"]]}'
)
SERVING_INPUT_EXAMPLE = """\
{
  "dataframe_split": {
    "columns": [
      "R&D Spend",
      "Administration",
      "Marketing Spend",
      "State"
    ],
    "data": [
      [
        165349.2,
        136897.8,
        471784.1,
        "New York"
      ],
      [
        162597.7,
        151377.59,
        443898.53,
        "California"
      ]
    ]
  }
}"""


def test_dataframe_example_files_are_mlflows(saved_pipeline: Path) -> None:
    assert read_text(saved_pipeline / "input_example.json") == INPUT_EXAMPLE
    assert read_text(saved_pipeline / "serving_input_example.json") == SERVING_INPUT_EXAMPLE


def test_dataframe_example_loads_back(saved_pipeline: Path, startups: pd.DataFrame) -> None:
    info = json.loads(json.dumps({"artifact_path": "input_example.json", "type": "dataframe"}))
    loaded = load_input_example(saved_pipeline, info)
    pd.testing.assert_frame_equal(loaded, startups.head(2), check_dtype=False)


def test_array_example_is_wrapped_in_inputs(tmp_path: Path) -> None:
    example = save_input_example(tmp_path, np.array([[1.0, np.nan], [2.0, 3.0]]))
    assert example.info == {
        "artifact_path": "input_example.json",
        "type": "ndarray",
        "serving_input_path": "serving_input_example.json",
    }
    assert read_text(tmp_path / "input_example.json") == "[[1.0, null], [2.0, 3.0]]"
    assert json.loads(read_text(tmp_path / "serving_input_example.json")) == {
        "inputs": [[1.0, None], [2.0, 3.0]]
    }
    np.testing.assert_array_equal(
        load_input_example(tmp_path, example.info), np.array([[1.0, np.nan], [2.0, 3.0]])
    )


def test_missing_values_are_written_as_json_null(tmp_path: Path) -> None:
    save_input_example(tmp_path, pd.DataFrame({"a": [1.0, np.nan], "s": ["x", None]}))
    assert read_text(tmp_path / "input_example.json") == (
        '{"columns": ["a", "s"], "data": [[1.0, "x"], [null, null]]}'
    )


def test_params_are_stored_beside_the_data(tmp_path: Path) -> None:
    example = save_input_example(tmp_path, ({"a": [1, 2]}, {"k": 1}))
    assert example.info["params"] == "true"
    assert example.info["type"] == "json_object"
    assert (
        read_text(tmp_path / "input_example.json")
        == '{"inputs": {"a": [1, 2]}, "params": {"k": 1}}'
    )
    assert json.loads(read_text(tmp_path / "serving_input_example.json")) == {
        "inputs": {"a": [1, 2]},
        "params": {"k": 1},
    }
