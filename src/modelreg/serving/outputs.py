"""Predictions as MLflow's scoring server writes them, and a batch's output cut per request.

``{"predictions": ...}``: arrays as (nested) lists, DataFrames as records, Series as records
of their one column, dicts as they are; numpy scalars as numbers, datetimes as ISO text,
bytes as base64. NaN is written ``null`` (MLflow writes ``NaN``, which is not JSON).
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Sequence
from typing import Any

import orjson

from modelreg.models.optional_imports import import_optional

__all__ = ["jsonable", "predictions_json", "split_output"]

_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS


def jsonable(output: Any) -> Any:
    """The JSON value of a model's output (MLflow's ``_get_jsonable_obj``, records orient)."""
    module = type(output).__module__
    if module.startswith("pandas"):
        pd = import_optional("pandas")
        if isinstance(output, pd.DataFrame):
            return output.to_dict(orient="records")
        if isinstance(output, pd.Series):
            return pd.DataFrame(output).to_dict(orient="records")
    return output


def _default(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        return base64.encodebytes(value).decode("ascii")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    np = import_optional("numpy")
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "S":
            return [_default(item) for item in value.ravel().tolist()]
        return value.tolist()
    if isinstance(value, np.datetime64):
        return str(np.datetime_as_string(value))
    if isinstance(value, np.generic):
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"Type is not JSON serializable: {type(value).__name__}")


def predictions_json(output: Any) -> bytes:
    """The response body ``{"predictions": ...}`` of a model's output."""
    return orjson.dumps({"predictions": jsonable(output)}, default=_default, option=_OPTIONS)


def dumps(value: Any) -> bytes:
    """Any JSON value, with the same conversions as the predictions."""
    return orjson.dumps(value, default=_default, option=_OPTIONS)


def split_output(output: Any, rows: Sequence[int]) -> list[Any] | None:
    """The output of a batch cut into one piece per request (``rows`` each), or None when
    the output does not have one entry per input row."""
    total = sum(rows)
    if isinstance(output, list):
        pieces: Any = output
    elif hasattr(output, "iloc") and hasattr(output, "__len__"):
        pieces = output.iloc
    elif hasattr(output, "shape") and getattr(output, "ndim", 0) >= 1:
        pieces = output
    else:
        return None
    if len(output) != total:
        return None
    result, start = [], 0
    for count in rows:
        result.append(pieces[start : start + count])
        start += count
    return result
