"""The signature contract: which changes break callers of the current version, which do not."""

from __future__ import annotations

import pytest

from modelreg.governance.signature_contract import breaking_changes
from modelreg.models import ColSpec, ModelSignature, Schema, TensorSpec

CURRENT = ModelSignature(
    Schema(
        [ColSpec("integer", "age"), ColSpec("float", "income"), ColSpec("string", "city", False)]
    ),
    Schema([ColSpec("double", "score"), ColSpec("string", "label")]),
)


def columns(*specs: ColSpec) -> Schema:
    return Schema(list(specs))


def with_inputs(*specs: ColSpec) -> ModelSignature:
    return ModelSignature(columns(*specs), CURRENT.outputs)


def test_the_same_signature_keeps_the_contract() -> None:
    assert breaking_changes(CURRENT, CURRENT) == []


def test_widening_inputs_and_adding_optional_ones_or_outputs_keeps_it() -> None:
    widened = ModelSignature(
        columns(
            ColSpec("long", "age"),
            ColSpec("double", "income"),
            ColSpec("string", "city", False),
            ColSpec("boolean", "vip", False),
        ),
        columns(ColSpec("double", "score"), ColSpec("string", "label"), ColSpec("long", "rank")),
    )
    assert breaking_changes(CURRENT, widened) == []


def test_without_a_current_signature_there_is_no_contract() -> None:
    assert breaking_changes(None, None) == []
    assert breaking_changes(ModelSignature(outputs=CURRENT.outputs), CURRENT) == []


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        (None, ["the signature was removed"]),
        (ModelSignature(outputs=CURRENT.outputs), ["the input schema was removed"]),
        (ModelSignature(inputs=CURRENT.inputs), ["the output schema was removed"]),
        (
            with_inputs(ColSpec("integer", "age"), ColSpec("float", "revenue")),
            [
                "input 'income' was dropped or renamed",
                "input 'city' was dropped or renamed",
                "new input 'revenue' is required",
            ],
        ),
        (
            with_inputs(
                ColSpec("integer", "age"), ColSpec("float", "income"), ColSpec("string", "city")
            ),
            ["optional input 'city' became required"],
        ),
        (
            with_inputs(
                ColSpec("integer", "age"),
                ColSpec("float", "income"),
                ColSpec("string", "city", False),
                ColSpec("string", "country"),
            ),
            ["new input 'country' is required"],
        ),
        (
            with_inputs(
                ColSpec("boolean", "age"),
                ColSpec("long", "income"),
                ColSpec("string", "city", False),
            ),
            [
                "input 'age' narrowed from integer to boolean",
                "input 'income' narrowed from float to long",
            ],
        ),
        (
            ModelSignature(
                CURRENT.inputs, columns(ColSpec("float", "score"), ColSpec("string", "label"))
            ),
            ["output 'score' changed from double to float"],
        ),
        (
            ModelSignature(CURRENT.inputs, columns(ColSpec("double", "score"))),
            ["output 'label' was dropped or renamed"],
        ),
        (
            ModelSignature(Schema([TensorSpec("float64", (-1, 3))]), CURRENT.outputs),
            ["the inputs changed between columns and tensors"],
        ),
    ],
)
def test_breaking_changes_are_named(candidate: ModelSignature | None, expected: list[str]) -> None:
    assert breaking_changes(CURRENT, candidate) == expected


def test_unnamed_columns_compare_by_position() -> None:
    current = ModelSignature(columns(ColSpec("integer"), ColSpec("double")))
    widened = ModelSignature(columns(ColSpec("long"), ColSpec("double")))
    assert breaking_changes(current, widened) == []
    assert breaking_changes(current, ModelSignature(columns(ColSpec("integer")))) == [
        "input #1 was dropped or renamed"
    ]


def test_tensors_may_widen_their_dtype_and_relax_dimensions() -> None:
    current = ModelSignature(Schema([TensorSpec("float32", (-1, 28, 28), "image")]))

    def candidate(dtype: str, shape: tuple[int, ...]) -> ModelSignature:
        return ModelSignature(Schema([TensorSpec(dtype, shape, "image")]))

    assert breaking_changes(current, candidate("float64", (-1, -1, 28))) == []
    assert breaking_changes(current, candidate("float16", (-1, 28, 28))) == [
        "input 'image' narrowed from tensor float32[-1, 28, 28] to tensor float16[-1, 28, 28]"
    ]
    assert breaking_changes(current, candidate("float32", (-1, 32, 32))) != []
