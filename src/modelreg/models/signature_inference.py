"""Infer a model signature from example data, the way MLflow does.

pandas DataFrames and Series, lists of records and dicts of values give column-based schemas;
numpy arrays and dicts of numpy arrays give tensor-based ones. The integer-column hint MLflow
emits as a Python warning is logged here instead.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Callable
from copy import deepcopy
from typing import Any

from modelreg.errors import InvalidParameterValue
from modelreg.models.enforcement import enforce_params, enforce_schema
from modelreg.models.optional_imports import import_optional
from modelreg.models.schema import ColSpec, ParamSchema, ParamSpec, Schema, TensorSpec
from modelreg.models.signature import ModelSignature

__all__ = [
    "infer_param_schema",
    "infer_schema",
    "infer_signature",
    "infer_signature_from_example",
]

logger = logging.getLogger(__name__)

#: A column type: a scalar type's name or a complex type's JSON dict.
ColumnType = str | dict[str, Any]

_ANY: dict[str, Any] = {"type": "any"}

_INTEGER_HINT = (
    "Hint: Inferred schema contains integer column(s). Integer columns in Python cannot "
    "represent missing values. If your input data contains missing values at inference time, "
    "it will be encoded as floats and will cause a schema enforcement error. Declare such "
    "columns as doubles, or infer the schema from data that includes missing values."
)


def infer_signature(
    model_input: Any = None, model_output: Any = None, params: dict[str, Any] | None = None
) -> ModelSignature:
    """Infer a signature from a model's input, its output and its inference parameters.

    A part whose schema cannot be inferred becomes ``[{"type": "any"}]`` with a warning,
    as in MLflow.

    Example:
        >>> import pandas as pd
        >>> signature = infer_signature(pd.DataFrame({"x": [1.5]}), pd.Series([2.0]))
        >>> signature.to_dict()["inputs"]
        '[{"type": "double", "name": "x", "required": true}]'
    """
    schemas: dict[str, Schema | None] = {"inputs": None, "outputs": None}
    for key, data in (("inputs", model_input), ("outputs", model_output)):
        if data is None:
            continue
        try:
            schemas[key] = infer_schema(data)
        except Exception:
            logger.warning(
                "Failed to infer schema for %s. Setting schema to `[any]` as default.",
                key,
                exc_info=logger.isEnabledFor(logging.DEBUG),
            )
            schemas[key] = Schema([ColSpec(dict(_ANY))])
    param_schema = infer_param_schema(params) if params else None
    return ModelSignature(schemas["inputs"], schemas["outputs"], param_schema)


def infer_signature_from_example(
    example: Any,
    predict: Callable[[Any, dict[str, Any] | None], Any],
    params: dict[str, Any] | None = None,
) -> ModelSignature | None:
    """The signature of a model from an input example and the model's prediction on it.

    As in MLflow's ``save_model``: the example is enforced against its own inferred schema,
    a 1-D array prediction from column input becomes a single unnamed column, and any failure
    is logged and gives None (the model is saved without a signature).
    """
    np = import_optional("numpy")
    pd = import_optional("pandas")
    try:
        data = deepcopy(example)
        input_schema = infer_schema(data)
        param_schema = infer_param_schema(params) if params else None
        prediction = predict(
            enforce_schema(data, input_schema), enforce_params(params, param_schema)
        )
        if (
            not input_schema.is_tensor_spec()
            and isinstance(prediction, np.ndarray)
            and prediction.ndim == 1
        ):
            prediction = pd.Series(prediction)
        try:
            output_schema = infer_schema(prediction)
        except Exception:
            logger.warning(
                "Failed to infer model output schema from prediction result, setting "
                "output schema to `[any]`.",
                exc_info=logger.isEnabledFor(logging.DEBUG),
            )
            output_schema = Schema([ColSpec(dict(_ANY))])
        return ModelSignature(input_schema, output_schema, param_schema)
    except Exception as error:
        logger.warning(
            "Failed to infer the model signature from the input example (%r); "
            "the model is saved without a signature.",
            error,
        )
        return None


def infer_schema(data: Any) -> Schema:
    """The schema of ``data``: a DataFrame, Series, numpy array, dict, list or scalar."""
    np = import_optional("numpy")
    pd = import_optional("pandas")
    schema: Schema
    if isinstance(data, list) and not data:
        schema = Schema([ColSpec("string")])
    elif isinstance(data, list) and all(isinstance(item, dict) for item in data):
        schema = _infer_records(data)
    elif isinstance(data, dict):
        schema = _infer_dict(data)
    elif isinstance(data, pd.Series):
        schema = Schema([ColSpec(_infer_series_type(data), data.name, _infer_required(data))])
    elif isinstance(data, pd.DataFrame):
        schema = Schema(
            [
                ColSpec(_infer_series_type(data[column]), column, _infer_required(data[column]))
                for column in data.columns
            ]
        )
    elif isinstance(data, np.ndarray):
        schema = Schema([TensorSpec(_tensor_dtype(data.dtype), _tensor_shape(data))])
    elif _is_sparse_matrix(data):
        schema = Schema([TensorSpec(_tensor_dtype(data.data.dtype), _tensor_shape(data))])
    elif isinstance(data, list):
        schema = Schema([ColSpec(_column_type_of_value(data, as_items=True))])
    else:
        try:
            schema = Schema([ColSpec(_column_type_of_value(data))])
        except InvalidParameterValue as error:
            raise InvalidParameterValue(
                "Failed to infer schema. Expected a pandas DataFrame or Series, a numpy array, "
                "a dict of numpy arrays, a dict or list of values, or a scalar, "
                f"but got '{data}'. Error: {error.message}"
            ) from error
    if any(spec.type_name in ("integer", "long") for spec in schema.columns()):
        logger.warning(_INTEGER_HINT)
    return schema


def infer_param_schema(params: dict[str, Any]) -> ParamSchema:
    """The schema of inference parameters, from their default values."""
    if not isinstance(params, dict):
        raise InvalidParameterValue(f"Expected parameters to be dict, got {type(params).__name__}")
    specs, invalid = [], []
    for name, value in params.items():
        try:
            type_, shape = _param_type_and_shape(value)
        except Exception as error:
            invalid.append((name, value, str(error)))
            continue
        specs.append(ParamSpec(str(name), type_, _param_default_json(value), shape))
    if invalid:
        raise InvalidParameterValue(f"Failed to infer schema for parameters: {invalid}")
    return ParamSchema(specs)


# --- columns -----------------------------------------------------------------------------


def _infer_dict(data: dict[Any, Any]) -> Schema:
    np = import_optional("numpy")
    if data and all(isinstance(value, np.ndarray) for value in data.values()):
        return Schema(
            [
                TensorSpec(_tensor_dtype(array.dtype), _tensor_shape(array), str(name))
                for name, array in data.items()
            ]
        )
    if any(not isinstance(key, str) for key in data):
        raise InvalidParameterValue("The dictionary keys are not all strings.")
    return Schema(
        [
            ColSpec(_column_type_of_value(value), name, _infer_required(value))
            for name, value in data.items()
        ]
    )


def _infer_records(records: list[dict[str, Any]]) -> Schema:
    columns: dict[str, list[Any]] = {}
    for record in records:
        for key, value in record.items():
            columns.setdefault(key, []).append(value)
    return Schema(
        [
            ColSpec(
                _column_type_of_value(values, as_items=True),
                name,
                all(record.get(name) is not None for record in records),
            )
            for name, values in columns.items()
        ]
    )


def _infer_series_type(series: Any) -> ColumnType:
    pd = import_optional("pandas")
    if len(series.values.shape) > 1:
        raise InvalidParameterValue(f"Expected 1d array, got array with shape {series.shape}")
    if series.dtype.kind == "O":
        series = series.infer_objects()
    if series.dtype.kind != "O":
        return _type_of_dtype(series.dtype)
    try:
        return _column_type_of_value(series.to_list(), as_items=True)
    except Exception as error:
        # MLflow falls back to string for string-like object columns it cannot otherwise type.
        if pd.api.types.is_string_dtype(series):
            return "string"
        raise InvalidParameterValue(
            f"Failed to infer schema for pandas.Series {series.name!r}. Error: {error}"
        ) from error


def _column_type_of_value(value: Any, *, as_items: bool = False) -> ColumnType:
    """The column type of one value, or (``as_items``) of the items of a list of values."""
    inferred = _value_type(value)
    if inferred is None:
        raise InvalidParameterValue(
            f"Numpy array must include at least one non-empty item. Invalid input `{value}`."
        )
    if as_items:
        if not isinstance(inferred, dict) or inferred.get("type") != "array":
            return inferred
        items: dict[str, Any] = inferred["items"]
        return _spec_to_column_type(items)
    return inferred


def _spec_to_column_type(spec: dict[str, Any]) -> ColumnType:
    return str(spec["type"]) if set(spec) == {"type"} and spec["type"] != "any" else spec


def _column_type_to_spec(type_: ColumnType) -> dict[str, Any]:
    return {"type": type_} if isinstance(type_, str) else type_


def _value_type(value: Any) -> ColumnType | None:
    np = import_optional("numpy")
    if _is_none_or_nan(value) or (isinstance(value, list | dict) and not value):
        return dict(_ANY)
    if isinstance(value, dict):
        properties: dict[str, Any] = {}
        for key in sorted(value):
            inner = _value_type(value[key])
            if inner is None:
                raise InvalidParameterValue("Dictionary value must not be an empty numpy array.")
            spec = _column_type_to_spec(inner)
            properties[str(key)] = {**spec, "required": spec != _ANY}
        return {"type": "object", "properties": properties}
    if isinstance(value, list | np.ndarray):
        result: ColumnType | None = None
        for item in value:
            item_type = _value_type(item)
            if item_type is None:
                continue
            result = item_type if result is None else _merge_types(result, item_type)
        if result is None:
            return None
        return {"type": "array", "items": _column_type_to_spec(result)}
    return _scalar_type(value)


def _merge_types(left: ColumnType, right: ColumnType) -> ColumnType:
    if left == right or right == _ANY:
        return left
    if left == _ANY:
        return right
    if isinstance(left, dict) and isinstance(right, dict) and left["type"] == right["type"]:
        if left["type"] == "array":
            items = _merge_types(
                _spec_to_column_type(left["items"]), _spec_to_column_type(right["items"])
            )
            return {"type": "array", "items": _column_type_to_spec(items)}
        if left["type"] == "object":
            return {"type": "object", "properties": _merge_properties(left, right)}
    raise InvalidParameterValue(
        "Expected all values in list to be of same type, "
        f"found {_type_label(left)} and {_type_label(right)}"
    )


def _merge_properties(left: dict[str, Any], right: dict[str, Any]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for key in sorted(set(left["properties"]) | set(right["properties"])):
        a, b = left["properties"].get(key), right["properties"].get(key)
        if a is None or b is None:
            merged[key] = {**(a or b), "required": False}
            continue
        strip = {k: v for k, v in a.items() if k != "required"}
        other = {k: v for k, v in b.items() if k != "required"}
        inner = _merge_types(_spec_to_column_type(strip), _spec_to_column_type(other))
        merged[key] = {**_column_type_to_spec(inner), "required": a["required"] and b["required"]}
    return merged


def _type_label(type_: ColumnType) -> str:
    return type_ if isinstance(type_, str) else str(type_["type"])


def _scalar_type(value: Any) -> str:
    np = import_optional("numpy")
    pd = import_optional("pandas")
    by_type: dict[type, str] = {
        bool: "boolean",
        np.bool_: "boolean",
        int: "long",
        np.int64: "long",
        np.int32: "integer",
        float: "double",
        np.float64: "double",
        np.float32: "float",
        str: "string",
        np.str_: "string",
        bytes: "binary",
        np.bytes_: "binary",
        bytearray: "binary",
    }
    found = by_type.get(type(value))
    if found is not None:
        return found
    if isinstance(value, dt.date | np.datetime64 | pd.Timestamp):
        return "datetime"
    raise InvalidParameterValue(f"Data {value} is not one of the supported DataType")


def _type_of_dtype(dtype: Any) -> str:
    """MLflow's column type of a numpy dtype or a pandas extension dtype."""
    kind, size = dtype.kind, dtype.itemsize
    if kind == "b":
        return "boolean"
    if kind == "i":
        return "integer" if size <= 4 else "long"
    if kind == "u":
        if size < 4:
            return "integer"
        if size < 8:
            return "long"
    elif kind == "f":
        return "float" if size <= 4 else "double"
    elif kind == "U":
        return "string"
    elif kind == "S":
        return "binary"
    elif kind == "M":
        return "datetime"
    raise InvalidParameterValue(f"Unsupported numpy data type '{dtype}', kind '{kind}'")


def _infer_required(value: Any) -> bool:
    pd = import_optional("pandas")
    if isinstance(value, list | pd.Series):
        return not any(_is_none_or_nan(x) for x in value)
    return not _is_none_or_nan(value)


def _is_none_or_nan(value: Any) -> bool:
    pd = import_optional("pandas")
    if isinstance(value, float):
        return math.isnan(value)
    return value is None or value is pd.NA or value is pd.NaT


# --- tensors -----------------------------------------------------------------------------


def _tensor_dtype(dtype: Any) -> str:
    """The dtype's name without the size of flexible types (``<U5`` -> ``str``)."""
    if dtype.char == "U":
        return "str"
    if dtype.char == "S":
        return "bytes"
    return str(dtype.name)


def _tensor_shape(data: Any) -> tuple[int, ...]:
    """The shape with the first (batch) dimension variable."""
    shape = list(data.shape)
    if shape:
        shape[0] = -1
    return tuple(int(x) for x in shape)


def _is_sparse_matrix(data: Any) -> bool:
    module = type(data).__module__
    return module.startswith("scipy.sparse") and hasattr(data, "indptr")


# --- params ------------------------------------------------------------------------------


def _param_type_and_shape(value: Any) -> tuple[ColumnType, tuple[int, ...] | None]:
    np = import_optional("numpy")
    if isinstance(value, list | np.ndarray):
        array = np.array(value)
        if array.ndim != 1:
            raise InvalidParameterValue(
                f"Expected parameters to be 1D array or scalar, got {array.ndim}D array"
            )
        if len(value) and all(isinstance(v, dt.date) for v in value):
            return "datetime", (-1,)
        return _type_of_dtype(array.dtype), (-1,)
    if isinstance(value, dt.date):
        return "datetime", None
    if isinstance(value, dict):
        return _column_type_of_value(value), None
    if np.isscalar(value):
        return _type_of_dtype(np.array(value).dtype), None
    raise InvalidParameterValue(
        f"Expected parameters to be 1D array or scalar, got {type(value).__name__}"
    )


def _param_default_json(value: Any) -> Any:
    np = import_optional("numpy")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, np.ndarray):
        return [_param_default_json(v) for v in value.tolist()]
    if isinstance(value, list):
        return [_param_default_json(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return deepcopy(value)
