"""Schema enforcement before predict, with the scoring server's observed behaviour."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from modelreg.errors import InvalidParameterValue
from modelreg.models import (
    ColSpec,
    ParamSchema,
    ParamSpec,
    Schema,
    SchemaEnforcementError,
    TensorSpec,
    enforce_params,
    enforce_schema,
)

STARTUPS = Schema(
    [
        ColSpec("double", "R&D Spend"),
        ColSpec("double", "Administration"),
        ColSpec("double", "Marketing Spend"),
        ColSpec("string", "State"),
    ]
)


def rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "R&D Spend": [165349.2, 162597.7],
            "Administration": [136897.8, 151377.59],
            "Marketing Spend": [471784.1, 443898.53],
            "State": ["New York", "California"],
        }
    )


def test_schema_enforcement_error_is_an_invalid_parameter_value() -> None:
    assert issubclass(SchemaEnforcementError, InvalidParameterValue)
    assert SchemaEnforcementError.error_code == "INVALID_PARAMETER_VALUE"
    assert SchemaEnforcementError.error_class == "SCHEMA_ENFORCEMENT_FAILED"


def test_missing_column_is_named() -> None:
    with pytest.raises(SchemaEnforcementError) as caught:
        enforce_schema(rows().drop(columns=["State"]), STARTUPS)
    assert caught.value.message == "Model is missing inputs ['State']."
    assert caught.value.missing == ["State"]
    assert "'State': string (required)" in caught.value.schema


def test_missing_column_message_mentions_extra_ones() -> None:
    frame = rows().rename(columns={"State": "state"})
    with pytest.raises(SchemaEnforcementError, match=r"extra inputs: \['state'\]"):
        enforce_schema(frame, STARTUPS)


def test_extra_columns_are_dropped_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        result = enforce_schema(rows().assign(extra=1), STARTUPS)
    assert list(result.columns) == ["R&D Spend", "Administration", "Marketing Spend", "State"]
    assert "['extra']" in caplog.text


def test_columns_are_put_in_schema_order() -> None:
    shuffled = rows()[["State", "Marketing Spend", "R&D Spend", "Administration"]]
    result = enforce_schema(shuffled, STARTUPS)
    assert list(result.columns) == ["R&D Spend", "Administration", "Marketing Spend", "State"]
    pd.testing.assert_frame_equal(result, rows())


def test_ints_are_upcast_to_double() -> None:
    result = enforce_schema(rows().assign(**{"R&D Spend": [165349, 1]}), STARTUPS)
    assert result["R&D Spend"].dtype == np.float64
    assert result["R&D Spend"].tolist() == [165349.0, 1.0]


def test_ints_too_large_for_a_double_are_refused() -> None:
    with pytest.raises(SchemaEnforcementError, match="column R&D Spend") as caught:
        enforce_schema(rows().assign(**{"R&D Spend": [2**53 + 1, 1]}), STARTUPS)
    assert caught.value.column == "R&D Spend"


def test_number_in_a_string_column_becomes_a_string() -> None:
    result = enforce_schema(rows().assign(State=["New York", 5]), STARTUPS)
    assert result["State"].tolist() == ["New York", "5"]


def test_int_string_column_is_converted() -> None:
    result = enforce_schema(rows().assign(State=[5, 6]), STARTUPS)
    assert result["State"].tolist() == ["5", "6"]


def test_non_numeric_string_in_a_double_column_is_refused() -> None:
    with pytest.raises(SchemaEnforcementError) as caught:
        enforce_schema(rows().assign(**{"R&D Spend": ["abc", 1.0]}), STARTUPS)
    assert caught.value.column == "R&D Spend"
    assert "Failed to convert column R&D Spend to type 'float64'" in caught.value.message
    assert "could not convert string to float: 'abc'" in caught.value.message


def test_numeric_strings_in_a_double_column_are_converted() -> None:
    result = enforce_schema(rows().assign(**{"R&D Spend": ["1.5", "2"]}), STARTUPS)
    assert result["R&D Spend"].tolist() == [1.5, 2.0]


def test_booleans_in_a_double_column_are_refused() -> None:
    with pytest.raises(SchemaEnforcementError, match="Can not safely convert bool to float64"):
        enforce_schema(rows().assign(**{"R&D Spend": [True, False]}), STARTUPS)


def test_nulls_pass_enforcement() -> None:
    result = enforce_schema(rows().assign(**{"R&D Spend": [None, 1.0]}), STARTUPS)
    assert result["R&D Spend"].isna().tolist() == [True, False]


def test_doubles_are_not_narrowed_to_float_or_long() -> None:
    schema = Schema([ColSpec("float", "f"), ColSpec("long", "n")])
    with pytest.raises(SchemaEnforcementError, match="column f"):
        enforce_schema(pd.DataFrame({"f": [1.5], "n": [1]}), schema)
    with pytest.raises(SchemaEnforcementError, match="column n"):
        enforce_schema(pd.DataFrame({"f": np.array([1.5], dtype="float32"), "n": [1.5]}), schema)


def test_integers_widen_and_overflow_is_refused() -> None:
    schema = Schema([ColSpec("long", "n"), ColSpec("integer", "i")])
    result = enforce_schema(
        pd.DataFrame({"n": np.array([1], dtype="int32"), "i": np.array([2], dtype="int64")}), schema
    )
    assert (result["n"].dtype, result["i"].dtype) == (np.int64, np.int32)
    with pytest.raises(SchemaEnforcementError, match="column i"):
        enforce_schema(pd.DataFrame({"n": [1], "i": [2**40]}), schema)


def test_optional_columns_may_be_absent() -> None:
    schema = Schema([ColSpec("double", "a"), ColSpec("string", "b", required=False)])
    assert list(enforce_schema(pd.DataFrame({"a": [1.0]}), schema).columns) == ["a"]


def test_dict_of_columns_and_records_become_frames() -> None:
    columns = rows().to_dict(orient="list")
    pd.testing.assert_frame_equal(enforce_schema(columns, STARTUPS), rows())
    records = rows().to_dict(orient="records")
    pd.testing.assert_frame_equal(enforce_schema(records, STARTUPS), rows())


def test_unnamed_schema_checks_the_column_count() -> None:
    schema = Schema([ColSpec("double"), ColSpec("double")])
    assert enforce_schema(pd.DataFrame([[1, 2]]), schema).dtypes.tolist() == [np.float64] * 2
    with pytest.raises(SchemaEnforcementError, match="declares 2 inputs"):
        enforce_schema(pd.DataFrame([[1.0]]), schema)


def test_tensor_shape_and_dtype_are_checked() -> None:
    schema = Schema([TensorSpec("float64", (-1, 2))])
    array = np.ones((3, 2))
    assert enforce_schema(array, schema) is array
    with pytest.raises(SchemaEnforcementError, match="does not match expected shape"):
        enforce_schema(np.ones((3, 3)), schema)
    with pytest.raises(SchemaEnforcementError, match="dtype of input int64"):
        enforce_schema(np.ones((3, 2), dtype="int64"), schema)


def test_named_tensors_from_a_dict() -> None:
    schema = Schema([TensorSpec("float64", (-1,), "x"), TensorSpec("int64", (-1,), "y")])
    result = enforce_schema({"x": np.ones(2), "y": np.arange(2)}, schema)
    assert set(result) == {"x", "y"}
    with pytest.raises(SchemaEnforcementError, match=r"missing inputs \['y'\]"):
        enforce_schema({"x": np.ones(2)}, schema)


def test_params_get_defaults_and_types_are_checked(caplog: pytest.LogCaptureFixture) -> None:
    schema = ParamSchema([ParamSpec("t", "double", 0.5), ParamSpec("k", "long", 3)])
    assert enforce_params(None, schema) == {"t": 0.5, "k": 3}
    assert enforce_params({"t": 1, "k": 4}, schema) == {"t": 1.0, "k": 4}
    with caplog.at_level(logging.WARNING):
        assert enforce_params({"zzz": 1}, schema) == {"t": 0.5, "k": 3}
    assert "zzz" in caplog.text
    with pytest.raises(InvalidParameterValue, match="Invalid parameters found"):
        enforce_params({"k": "four"}, schema)


def test_params_are_ignored_without_a_params_schema(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert enforce_params({"foo": 1}, None) == {}
    assert "does not define a params schema" in caplog.text
