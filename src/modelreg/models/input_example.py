"""Input examples saved with a model: ``input_example.json`` and ``serving_input_example.json``.

The files are MLflow's, byte for byte: a DataFrame is stored in pandas' ``split`` orient
without the index on one line, and the serving example is the same data wrapped as a
scoring-server request (``{"dataframe_split": ...}``, ``{"inputs": ...}`` for arrays and
JSON values), pretty-printed with a 2-space indent. One difference: missing values are
written as JSON ``null`` where MLflow writes ``NaN`` (which is not JSON).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from modelreg.errors import InvalidParameterValue
from modelreg.models.optional_imports import import_optional

__all__ = [
    "EXAMPLE_FILE_NAME",
    "SERVING_EXAMPLE_FILE_NAME",
    "InputExample",
    "load_input_example",
    "save_input_example",
]

EXAMPLE_FILE_NAME = "input_example.json"
SERVING_EXAMPLE_FILE_NAME = "serving_input_example.json"


@dataclass(frozen=True)
class InputExample:
    """An input example ready to be written.

    ``data`` and ``params`` are what the model can be called with; ``info`` is the
    ``saved_input_example_info`` of the ``MLmodel`` file.
    """

    data: Any
    params: dict[str, Any] | None
    info: dict[str, str]
    example_json: str
    serving_json: str | None


def prepare_input_example(example: Any) -> InputExample:
    """Encode ``example`` (data, or a ``(data, params)`` tuple) as MLflow does."""
    data, params = example, None
    if isinstance(example, tuple) and len(example) == 2 and isinstance(example[1], dict):
        data, params = example
    data = deepcopy(data)
    info = {"artifact_path": EXAMPLE_FILE_NAME}
    if params:
        info["params"] = "true"
    stored, serving, example_type = _encode(data)
    info["type"] = example_type
    if example_type == "dataframe":
        info["pandas_orient"] = "split" if "columns" in stored else "values"
    if params:
        stored = {"inputs": stored, "params": params}
        serving = {**serving, "params": params}
    info["serving_input_path"] = SERVING_EXAMPLE_FILE_NAME
    return InputExample(
        data=data,
        params=params,
        info=info,
        example_json=json.dumps(stored, default=_json_default),
        serving_json=json.dumps(serving, default=_json_default, indent=2),
    )


def save_input_example(directory: Path, example: Any) -> InputExample:
    """Write the example files of ``example`` into the model folder ``directory``."""
    prepared = prepare_input_example(example)
    (directory / EXAMPLE_FILE_NAME).write_text(prepared.example_json, encoding="utf-8")
    if prepared.serving_json is not None:
        (directory / SERVING_EXAMPLE_FILE_NAME).write_text(prepared.serving_json, encoding="utf-8")
    return prepared


def load_input_example(directory: Path, info: dict[str, Any] | None) -> Any:
    """The saved example's data (a DataFrame, an array, or JSON values), or None if none."""
    if not info:
        return None
    stored = json.loads((directory / info["artifact_path"]).read_text(encoding="utf-8"))
    if info.get("params") == "true":
        stored = stored["inputs"]
    example_type = info.get("type")
    if example_type == "dataframe":
        pd = import_optional("pandas")
        return pd.DataFrame(stored["data"], columns=stored.get("columns"))
    if example_type == "ndarray":
        if isinstance(stored, dict):
            return {name: _array_from_json(values) for name, values in stored.items()}
        return _array_from_json(stored)
    if example_type == "json_object":
        return stored
    raise InvalidParameterValue(f"Input examples of type '{example_type}' are not supported.")


def _array_from_json(values: Any) -> Any:
    """A numpy array of JSON values, nulls among numbers read back as NaN."""
    np = import_optional("numpy")
    array = np.array(values)
    if array.dtype == object:
        try:
            return array.astype("float64")
        except (TypeError, ValueError):
            return array
    return array


def _encode(data: Any) -> tuple[Any, dict[str, Any], str]:
    """(the stored JSON value, the serving request, MLflow's example type) of ``data``."""
    np = import_optional("numpy")
    pd = import_optional("pandas")
    if isinstance(data, pd.DataFrame):
        split = _split_without_index(data)
        return split, {"dataframe_split": split}, "dataframe"
    if isinstance(data, np.ndarray):
        values = _array_to_list(data)
        return values, {"inputs": values}, "ndarray"
    if isinstance(data, dict):
        if any(isinstance(value, np.ndarray) for value in data.values()):
            if not all(isinstance(value, np.ndarray) for value in data.values()):
                raise InvalidParameterValue(
                    "Mixed types in dictionary are not supported as input examples. "
                    "Found numpy arrays and other types."
                )
            arrays = {name: _array_to_list(value) for name, value in data.items()}
            return arrays, {"inputs": arrays}, "ndarray"
        return data, {"inputs": data}, "json_object"
    if isinstance(data, list):
        if _contains_array(data):
            raise InvalidParameterValue("Numpy arrays in list are not supported as input examples.")
        return data, {"inputs": data}, "json_object"
    if np.isscalar(data) or isinstance(data, dt.datetime):
        return data, {"inputs": data}, "json_object"
    raise InvalidParameterValue(
        "Expected an input example that is a pandas DataFrame, a numpy array, a dict of "
        f"numpy arrays, a dict, a list or a scalar, but got '{type(data).__name__}'"
    )


def _split_without_index(frame: Any) -> dict[str, Any]:
    split: dict[str, Any] = frame.to_dict(orient="split")
    del split["index"]
    if list(frame.columns) == list(range(len(frame.columns))):
        del split["columns"]
    split["data"] = [[_null_if_missing(value) for value in row] for row in split["data"]]
    return split


def _array_to_list(array: Any) -> Any:
    return _nulls_for_nans(array.tolist())


def _nulls_for_nans(value: Any) -> Any:
    if isinstance(value, list):
        return [_nulls_for_nans(item) for item in value]
    return _null_if_missing(value)


def _null_if_missing(value: Any) -> Any:
    pd = import_optional("pandas")
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def _contains_array(data: Any) -> bool:
    np = import_optional("numpy")
    if isinstance(data, np.ndarray):
        return True
    if isinstance(data, list):
        return any(_contains_array(item) for item in data)
    if isinstance(data, dict):
        return any(_contains_array(item) for item in data.values())
    return False


def _json_default(value: Any) -> Any:
    """MLflow's conversions: numpy values to Python, bytes to base64, dates to ISO text."""
    np = import_optional("numpy")
    pd = import_optional("pandas")
    if isinstance(value, np.ndarray):
        return _array_to_list(value)
    if isinstance(value, np.generic):
        return _null_if_missing(value.item())
    if isinstance(value, bytes | bytearray):
        return base64.encodebytes(value).decode("ascii")
    if isinstance(value, np.datetime64):
        return str(np.datetime_as_string(value))
    if isinstance(value, pd.Timestamp | dt.date | dt.datetime | dt.time):
        return value.isoformat()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
