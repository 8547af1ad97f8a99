"""Fit prediction input to a model's signature, as MLflow's pyfunc and scoring server do.

Column schemas: required columns are checked by name, extra columns dropped (with a
warning), columns put in the schema's order, and values converted to the declared types:
ints become doubles when no precision is lost, numbers in a string column become strings,
numeric strings in a number column become numbers, anything else that does not fit raises
:class:`~modelreg.models.errors.SchemaEnforcementError` naming the column. Nulls pass (the
model decides what to do with them). Structured columns (array/object/map/any) pass as they
are. Tensor schemas check shape and dtype. ``enforce_params`` fills and checks parameters.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from modelreg.errors import InvalidParameterValue
from modelreg.models.errors import SchemaEnforcementError
from modelreg.models.optional_imports import import_optional
from modelreg.models.schema import ParamSchema, ParamSpec, Schema, TensorSpec

__all__ = ["enforce_params", "enforce_schema"]

logger = logging.getLogger(__name__)

#: Integers up to these magnitudes convert to floating point exactly.
_EXACT_INTEGER_LIMIT = {"float64": 2**53, "float32": 2**24}
_INTEGER_BOUNDS = {"int64": (-(2**63), 2**63 - 1), "int32": (-(2**31), 2**31 - 1)}
_NUMPY_TYPE = {"double": "float64", "float": "float32", "long": "int64", "integer": "int32"}


def enforce_schema(data: Any, schema: Schema) -> Any:
    """``data`` shaped to ``schema``: a DataFrame for column schemas, arrays for tensor ones.

    Accepts a pandas DataFrame or Series, a dict of columns, a list of records, a numpy
    array or a scalar. Raises :class:`SchemaEnforcementError` when the data does not fit.

    Example:
        >>> import pandas as pd
        >>> from modelreg.models import ColSpec, Schema
        >>> enforce_schema(pd.DataFrame({"b": ["x"], "a": [1]}), Schema([ColSpec("double", "a")]))
             a
        0  1.0
    """
    if schema.is_tensor_spec():
        return _enforce_tensor_schema(data, schema)
    frame = _to_dataframe(data, schema)
    if schema.has_input_names():
        return _enforce_named_columns(frame, schema)
    return _enforce_unnamed_columns(frame, schema)


def enforce_params(
    params: dict[str, Any] | None, schema: ParamSchema | None
) -> dict[str, Any] | None:
    """The parameters to pass to the model: checked, converted, defaults filled in.

    Without a params schema, given params are ignored with a warning (as MLflow does).
    """
    if schema is None:
        if not params:
            return params
        logger.warning(
            "`params` can only be specified at inference time if the model signature defines "
            "a params schema. This model does not define a params schema. "
            "Ignoring provided params: %s",
            list(params) if isinstance(params, dict) else params,
        )
        return {}
    params = {} if params is None else params
    if not isinstance(params, dict):
        raise InvalidParameterValue(
            f"Parameters must be a dictionary. Got type '{type(params).__name__}'."
        )
    params = {str(key): value for key, value in params.items()}
    allowed = {spec.name for spec in schema.params}
    if ignored := sorted(set(params) - allowed):
        logger.warning(
            "Unrecognized params %s are ignored for inference. Supported params are: %s.",
            ignored,
            sorted(allowed),
        )
    result: dict[str, Any] = {}
    invalid = []
    for spec in schema.params:
        try:
            result[spec.name] = _param_value(params.get(spec.name, spec.default), spec)
        except InvalidParameterValue as error:
            invalid.append((spec.name, error.message))
    if invalid:
        raise InvalidParameterValue(f"Invalid parameters found: {invalid!r}")
    return result


# --- column schemas ----------------------------------------------------------------------


def _to_dataframe(data: Any, schema: Schema) -> Any:
    np = import_optional("numpy")
    pd = import_optional("pandas")
    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, pd.Series):
        return data.to_frame()
    if np.isscalar(data):
        return pd.DataFrame([data])
    if isinstance(data, dict):
        structured = any(not isinstance(spec.type, str) for spec in schema.columns())
        one_row = all(
            np.isscalar(value)
            or value is None
            or (isinstance(value, list) and all(isinstance(item, str) for item in value))
            for value in data.values()
        )
        if structured or one_row:
            return pd.DataFrame([data])
        try:
            return pd.DataFrame(
                {
                    key: value.tolist()
                    if isinstance(value, np.ndarray) and value.ndim > 1
                    else value
                    for key, value in data.items()
                }
            )
        except Exception as error:
            raise SchemaEnforcementError(
                "This model contains a column-based signature, which suggests a DataFrame "
                f"input. There was an error casting the input data to a DataFrame: {error}",
                schema=repr(schema),
            ) from error
    if isinstance(data, list | np.ndarray):
        return pd.DataFrame(data)
    raise SchemaEnforcementError(
        f"Expected input to be DataFrame. Found: {type(data).__name__}", schema=repr(schema)
    )


def _enforce_named_columns(frame: Any, schema: Schema) -> Any:
    pd = import_optional("pandas")
    required = schema.required_input_names()
    known = set(schema.input_names())
    actual = list(frame.columns)
    missing = [name for name in required if name not in actual]
    extra = [name for name in actual if name not in known]
    if missing:
        message = f"Model is missing inputs {missing}."
        if extra:
            message += f" Note that there were extra inputs: {extra}."
        raise SchemaEnforcementError(message, schema=repr(schema), missing=missing, extra=extra)
    if extra:
        logger.warning(
            "Found extra inputs in the model input that are not defined in the model "
            "signature: `%s`. These inputs will be ignored.",
            extra,
        )
    columns = {
        spec.name: _enforce_column(spec.name, frame[spec.name], spec.type, schema)
        for spec in schema.columns()
        if spec.name in actual
    }
    return pd.DataFrame(columns, index=frame.index)


def _enforce_unnamed_columns(frame: Any, schema: Schema) -> Any:
    pd = import_optional("pandas")
    if len(frame.columns) < len(schema.inputs):
        raise SchemaEnforcementError(
            "Model inference is missing inputs. The model signature declares "
            f"{len(schema.inputs)} inputs but the provided value only has "
            f"{len(frame.columns)} inputs. Note: the inputs were not named in the signature "
            "so we can only verify their count.",
            schema=repr(schema),
        )
    columns = {
        frame.columns[i]: _enforce_column(frame.columns[i], frame.iloc[:, i], spec.type, schema)
        for i, spec in enumerate(schema.columns())
    }
    return pd.DataFrame(columns, index=frame.index)


def _enforce_column(name: Any, values: Any, type_: str | dict[str, Any], schema: Schema) -> Any:
    if not isinstance(type_, str):
        return values
    try:
        if type_ == "string":
            return _to_string(values)
        if type_ in ("double", "float"):
            return _to_floating(name, values, _NUMPY_TYPE[type_])
        if type_ in ("long", "integer"):
            return _to_integer(name, values, _NUMPY_TYPE[type_])
        if type_ == "boolean":
            return _to_boolean(name, values)
        if type_ == "datetime":
            return _to_datetime(name, values)
        return _to_binary(name, values)
    except SchemaEnforcementError as error:
        raise SchemaEnforcementError(
            error.message, schema=repr(schema), column=None if name is None else str(name)
        ) from error


def _incompatible(name: Any, values: Any, target: str, hint: str = "") -> SchemaEnforcementError:
    return SchemaEnforcementError(
        f"Incompatible input types for column {name}. "
        f"Can not safely convert {values.dtype} to {target}.{hint}"
    )


def _conversion_failed(name: Any, target: str, error: Exception) -> SchemaEnforcementError:
    return SchemaEnforcementError(
        f"Failed to convert column {name} to type '{target}'. Error: '{error!r}'"
    )


def _astype(name: Any, values: Any, target: str) -> Any:
    try:
        return values.astype(target)
    except (ValueError, TypeError, OverflowError) as error:
        raise _conversion_failed(name, target, error) from error


def _is_textual(values: Any) -> bool:
    pd = import_optional("pandas")
    return values.dtype == object or isinstance(values.dtype, pd.StringDtype)


def _inferred_kind(values: Any) -> str:
    """pandas' name for what an object column holds: "string", "integer", "boolean"..."""
    pd = import_optional("pandas")
    return str(pd.api.types.infer_dtype(values, skipna=True))


def _is_null(value: Any) -> bool:
    pd = import_optional("pandas")
    if isinstance(value, list | tuple | dict) or hasattr(value, "shape"):
        return False
    return bool(pd.isna(value))


def _to_string(values: Any) -> Any:
    if _is_textual(values) and _inferred_kind(values) in ("string", "empty"):
        return values
    # Numbers (and other scalars) in a string column are taken as their text, as the scoring
    # server does for JSON input.
    return values.astype(object).map(lambda v: v if isinstance(v, str) or _is_null(v) else str(v))


def _to_floating(name: Any, values: Any, target: str) -> Any:
    kind = values.dtype.kind
    if values.dtype == target:
        return values
    if kind == "f":
        if values.dtype.itemsize <= import_optional("numpy").dtype(target).itemsize:
            return _astype(name, values, target)
        raise _incompatible(name, values, target)
    if kind in ("i", "u"):
        limit = _EXACT_INTEGER_LIMIT[target]
        if len(values) == 0 or values.abs().max() <= limit:
            return _astype(name, values, target)
        bits = limit.bit_length() - 1
        raise _incompatible(
            name, values, target, f" Integers beyond 2**{bits} in magnitude would lose precision."
        )
    if _is_textual(values) and _inferred_kind(values) != "boolean":
        return _astype(name, values, target)
    raise _incompatible(name, values, target)


def _to_integer(name: Any, values: Any, target: str) -> Any:
    if values.dtype == target:
        return values
    if _is_textual(values):
        values = values.infer_objects()
    kind = values.dtype.kind
    if kind in ("i", "u"):
        low, high = _INTEGER_BOUNDS[target]
        if len(values) == 0 or (values.min() >= low and values.max() <= high):
            return _astype(name, values, target)
        raise _incompatible(name, values, target)
    if kind == "f" and values.hasnans and all(v != v or int(v) == v for v in values):
        raise _incompatible(
            name,
            values,
            target,
            " Hint: the type mismatch is likely caused by missing values. Integer columns in "
            "python can not represent missing values and are therefore encoded as floats. "
            "Declare such columns as doubles (float64) in the signature.",
        )
    if _is_textual(values) and _inferred_kind(values) in ("string", "integer", "empty"):
        return _astype(name, values, target)
    raise _incompatible(name, values, target)


def _to_boolean(name: Any, values: Any) -> Any:
    if values.dtype.kind == "b":
        return values
    if _is_textual(values) and _inferred_kind(values) in ("boolean", "empty"):
        return values
    raise _incompatible(name, values, "bool")


def _to_datetime(name: Any, values: Any) -> Any:
    if values.dtype.kind == "M" or _is_textual(values):
        return _astype(name, values, "datetime64[ns]")
    raise _incompatible(name, values, "datetime64[ns]")


def _to_binary(name: Any, values: Any) -> Any:
    if values.dtype.kind == "S" or _is_textual(values):
        return values
    raise _incompatible(name, values, "bytes")


# --- tensor schemas ----------------------------------------------------------------------


def _enforce_tensor_schema(data: Any, schema: Schema) -> Any:
    np = import_optional("numpy")
    pd = import_optional("pandas")
    specs = schema.tensors()
    if schema.has_input_names():
        if not isinstance(data, dict | pd.DataFrame):
            raise SchemaEnforcementError(
                "This model contains a tensor-based model signature with input names, which "
                "suggests a dictionary input mapping input name to a numpy array, or a pandas "
                f"DataFrame, but an input of type {type(data).__name__} was found.",
                schema=repr(schema),
            )
        present = list(data.keys()) if isinstance(data, dict) else list(data.columns)
        missing = [str(spec.name) for spec in specs if spec.name not in present]
        if missing:
            raise SchemaEnforcementError(
                f"Model is missing inputs {missing}.", schema=repr(schema), missing=missing
            )
        result = {}
        for spec in specs:
            value = data[spec.name]
            if isinstance(data, pd.DataFrame):
                result[spec.name] = _reshape_column(spec.name, value, spec, schema)
            elif isinstance(value, np.ndarray):
                result[spec.name] = _enforce_tensor(value, spec, schema)
            else:
                raise SchemaEnforcementError(
                    "This model contains a tensor-based model signature with input names, "
                    "which suggests a dictionary input mapping input name to a numpy array, "
                    f"but a dict with value type {type(value).__name__} was found.",
                    schema=repr(schema),
                    column=spec.name,
                )
        return result
    spec = specs[0]
    if isinstance(data, pd.DataFrame):
        if data.empty:
            raise SchemaEnforcementError("Input DataFrame is empty.", schema=repr(schema))
        if len(data.columns) == 1:
            return _reshape_column(None, data.iloc[:, 0], spec, schema)
        if spec.shape != (-1, len(data.columns)):
            raise SchemaEnforcementError(
                "This model contains a model signature with an unnamed input. Since the input "
                "data is a pandas DataFrame containing multiple columns, the input shape must "
                f"be (-1, {len(data.columns)}), but the signature's shape is {spec.shape}.",
                schema=repr(schema),
            )
        return _enforce_tensor(data.to_numpy(), spec, schema)
    if isinstance(data, np.ndarray) or hasattr(data, "indptr"):
        return _enforce_tensor(data, spec, schema)
    raise SchemaEnforcementError(
        "This model contains a tensor-based model signature with no input names, which "
        "suggests a numpy array input or a pandas DataFrame input, but an input of type "
        f"{type(data).__name__} was found.",
        schema=repr(schema),
    )


def _tensor_dtype_name(dtype: Any) -> str:
    if dtype.char == "U":
        return "str"
    if dtype.char == "S":
        return "bytes"
    return str(dtype.name)


def _enforce_tensor(values: Any, spec: TensorSpec, schema: Schema) -> Any:
    expected, actual = spec.shape, tuple(values.shape)
    dtype = values.dtype if hasattr(values, "dtype") and not hasattr(values, "indptr") else None
    dtype = dtype if dtype is not None else values.data.dtype
    # Ragged arrays arrive as 1-D object arrays; MLflow lets them through.
    if dtype.kind == "O" and (
        (expected == (-1,) and spec.dtype == "object")
        or (len(expected) > 1 and -1 in expected[1:] and len(actual) == 1)
    ):
        return values
    if len(expected) != len(actual) or any(
        e not in (-1, a) for e, a in zip(expected, actual, strict=True)
    ):
        raise SchemaEnforcementError(
            f"Shape of input {actual} does not match expected shape {expected}.",
            schema=repr(schema),
            column=spec.name,
        )
    if _tensor_dtype_name(dtype) != spec.dtype:
        raise SchemaEnforcementError(
            f"dtype of input {dtype} does not match expected dtype {spec.dtype}",
            schema=repr(schema),
            column=spec.name,
        )
    return values


def _reshape_column(name: str | None, series: Any, spec: TensorSpec, schema: Schema) -> Any:
    np = import_optional("numpy")
    label = f"input {name}" if name else "the unnamed input"
    if spec.shape[0] != -1 or -1 in spec.shape[1:]:
        raise SchemaEnforcementError(
            "For pandas dataframe input, the first dimension of shape must be a variable "
            "dimension and other dimensions must be fixed, but in model signature the shape "
            f"of {label} is {spec.shape}.",
            schema=repr(schema),
            column=name,
        )
    first = series.iloc[0]
    try:
        if np.isscalar(first):
            if spec.shape not in ((-1,), (-1, 1)):
                raise SchemaEnforcementError(
                    f"The input pandas dataframe column '{name}' contains scalar values, which "
                    "requires the shape to be (-1,) or (-1, 1), but got tensor spec shape of "
                    f"{spec.shape}.",
                    schema=repr(schema),
                    column=name,
                )
            array = np.array(series, dtype=np.dtype(spec.dtype)).reshape(spec.shape)
            return _enforce_tensor(array, spec, schema)
        if isinstance(first, list | np.ndarray):
            array = np.vstack(series.tolist()).reshape(spec.shape)
            if isinstance(first, list):
                array = array.astype(np.dtype(spec.dtype))
            if len(array) != len(series):
                raise ValueError("row count changed")
            return _enforce_tensor(array, spec, schema)
    except ValueError as error:
        raise SchemaEnforcementError(
            f"The value in the Input DataFrame column '{name}' could not be converted to the "
            f"expected shape of: '{spec.shape}' and type '{spec.dtype}'. Error: {error}",
            schema=repr(schema),
            column=name,
        ) from error
    raise SchemaEnforcementError(
        "Because the model signature requires tensor spec input, the input pandas dataframe "
        "values should be either scalar value, python list containing scalar values or numpy "
        "array containing scalar values, other types are not supported.",
        schema=repr(schema),
        column=name,
    )


# --- params ------------------------------------------------------------------------------


def _param_value(value: Any, spec: ParamSpec) -> Any:
    if value is None or not isinstance(spec.type, str):
        return value
    if spec.shape is None:
        return _param_scalar(value, spec.type)
    if not isinstance(value, list | tuple) and not hasattr(value, "tolist"):
        raise InvalidParameterValue(
            f"Value must be a 1D array with shape (-1,) for param {spec!r}, "
            f"got {type(value).__name__}"
        )
    items = value.tolist() if hasattr(value, "tolist") else list(value)
    return [_param_scalar(item, spec.type) for item in items]


def _param_scalar(value: Any, type_: str) -> Any:
    np = import_optional("numpy")
    if type_ == "datetime":
        if isinstance(value, dt.date):
            return value
        try:
            return dt.datetime.fromisoformat(str(value))
        except ValueError as error:
            raise InvalidParameterValue(
                f"Failed to convert value `{value}` from type `{type(value)}` to `datetime`"
            ) from error
    if not np.isscalar(value):
        raise InvalidParameterValue(f"Value must be a scalar for type `{type_}`, got `{value}`")
    if isinstance(value, np.generic):
        value = value.item()
    allowed: dict[str, tuple[type, ...]] = {
        "boolean": (bool,),
        "integer": (int,),
        "long": (int,),
        "float": (int, float),
        "double": (int, float),
        "string": (str,),
        "binary": (bytes,),
    }
    if isinstance(value, bool) and type_ != "boolean":
        raise InvalidParameterValue(f"Can not safely convert `{type(value)}` to `{type_}`")
    if isinstance(value, allowed[type_]):
        return (
            float(value)
            if isinstance(value, int | float) and type_ in ("float", "double")
            else value
        )
    raise InvalidParameterValue(
        f"Can not safely convert `{type(value)}` to `{type_}` for value `{value}`"
    )
