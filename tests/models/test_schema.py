"""Schemas and signatures in MLflow's JSON form."""

from __future__ import annotations

import json

import pytest

from modelreg.errors import InvalidParameterValue
from modelreg.models import ColSpec, ModelSignature, ParamSchema, ParamSpec, Schema, TensorSpec


def test_colspec_json_has_mlflow_key_order() -> None:
    assert json.dumps(ColSpec("double", "x").to_dict()) == (
        '{"type": "double", "name": "x", "required": true}'
    )
    assert ColSpec("long").to_dict() == {"type": "long", "required": True}


def test_complex_column_types_round_trip() -> None:
    raw = [
        {"type": "array", "items": {"type": "string"}, "name": "tags", "required": True},
        {
            "type": "object",
            "properties": {"k": {"type": "long", "required": True}},
            "name": "o",
            "required": False,
        },
        {"type": "any", "name": "n", "required": False},
    ]
    schema = Schema.from_dict(raw)
    assert [spec.type_name for spec in schema.columns()] == ["array", "object", "any"]
    assert schema.to_dict() == raw


def test_tensor_spec_json_and_repr() -> None:
    spec = TensorSpec("float64", (-1, 4))
    assert spec.to_dict() == {
        "type": "tensor",
        "tensor-spec": {"dtype": "float64", "shape": [-1, 4]},
    }
    named = TensorSpec.from_dict(
        {"name": "x", "type": "tensor", "tensor-spec": {"dtype": "int32", "shape": [-1]}}
    )
    assert named == TensorSpec("int32", (-1,), "x")
    assert list(named.to_dict()) == ["name", "type", "tensor-spec"]
    assert repr(spec) == "Tensor('float64', (-1, 4))"


def test_schema_repr_is_mlflows() -> None:
    schema = Schema([ColSpec("double", "R&D Spend"), ColSpec("string", "State", required=False)])
    assert repr(schema) == "['R&D Spend': double (required), 'State': string (optional)]"


@pytest.mark.parametrize(
    "specs",
    [
        [],
        [ColSpec("double", "a"), ColSpec("double")],
        [ColSpec("double", "a"), TensorSpec("float64", (-1,), "b")],
        [TensorSpec("float64", (-1,)), TensorSpec("float64", (-1,))],
        [ColSpec("double", required=False)],
    ],
)
def test_invalid_schemas_are_refused(specs: list[ColSpec | TensorSpec]) -> None:
    with pytest.raises(InvalidParameterValue):
        Schema(specs)


def test_unknown_type_name_is_refused() -> None:
    with pytest.raises(InvalidParameterValue, match="Unsupported type 'decimal'"):
        ColSpec("decimal", "x")


def test_param_spec_json_has_mlflow_key_order() -> None:
    params = ParamSchema([ParamSpec("k", "long", 1), ParamSpec("l", "double", [1.0], (-1,))])
    assert params.to_json() == (
        '[{"name": "k", "default": 1, "shape": null, "type": "long"}, '
        '{"name": "l", "default": [1.0], "shape": [-1], "type": "double"}]'
    )
    assert ParamSchema.from_json(params.to_json()) == params


def test_duplicate_params_are_refused() -> None:
    with pytest.raises(InvalidParameterValue, match=r"\['k'\]"):
        ParamSchema([ParamSpec("k", "long", 1), ParamSpec("k", "long", 2)])


def test_signature_round_trips_through_its_dict() -> None:
    signature = ModelSignature(
        Schema([ColSpec("double", "x")]),
        Schema([ColSpec("long")]),
        ParamSchema([ParamSpec("t", "double", 0.5)]),
    )
    data = signature.to_dict()
    assert data["outputs"] == '[{"type": "long", "required": true}]'
    assert ModelSignature.from_dict(data) == signature


def test_signature_needs_one_part() -> None:
    with pytest.raises(InvalidParameterValue):
        ModelSignature()
