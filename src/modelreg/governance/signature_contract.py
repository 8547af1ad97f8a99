"""The signature contract: which changes between two signatures break the callers of the first.

Callers send the inputs the current version accepts and read the outputs it returns. A new
version keeps that contract when it still accepts every input column (same name, same or
wider type, not newly required), asks for no new required column, and returns every output
column with the same type. A type is *wider* when it holds every value of the narrower one
exactly (:data:`WIDER_TYPES`), so ``integer → long`` passes and ``double → float`` breaks.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from modelreg.models import ColSpec, ModelSignature, Schema, TensorSpec

__all__ = ["WIDER_TENSOR_DTYPES", "WIDER_TYPES", "breaking_changes"]

Spec = ColSpec | TensorSpec
#: Whether a spec may replace another: the rule of inputs (widening) or outputs (same).
Compatible = Callable[[Spec, Spec], bool]

#: The column types each type may widen to: they represent all its values exactly.
WIDER_TYPES: dict[str, frozenset[str]] = {
    "integer": frozenset({"long", "double"}),
    "float": frozenset({"double"}),
}
#: The same for numpy tensor dtypes.
WIDER_TENSOR_DTYPES: dict[str, frozenset[str]] = {
    "int8": frozenset({"int16", "int32", "int64", "float32", "float64"}),
    "int16": frozenset({"int32", "int64", "float32", "float64"}),
    "int32": frozenset({"int64", "float64"}),
    "uint8": frozenset({"uint16", "uint32", "uint64", "int16", "int32", "int64", "float64"}),
    "uint16": frozenset({"uint32", "uint64", "int32", "int64", "float64"}),
    "uint32": frozenset({"uint64", "int64", "float64"}),
    "float16": frozenset({"float32", "float64"}),
    "float32": frozenset({"float64"}),
}


def breaking_changes(current: ModelSignature | None, candidate: ModelSignature | None) -> list[str]:
    """What in ``candidate`` breaks the callers of ``current``, one sentence each (empty: none).

    Without a current signature there is no contract to keep.
    """
    if current is None:
        return []
    if candidate is None:
        return ["the signature was removed"]
    return _input_changes(current.inputs, candidate.inputs) + _output_changes(
        current.outputs, candidate.outputs
    )


def _input_changes(current: Schema | None, candidate: Schema | None) -> list[str]:
    if current is None:
        return []
    if candidate is None:
        return ["the input schema was removed"]
    if current.is_tensor_spec() != candidate.is_tensor_spec():
        return ["the inputs changed between columns and tensors"]
    old, new = _by_name(current), _by_name(candidate)
    changes = []
    for name, spec in old.items():
        replacement = new.get(name)
        if replacement is None:
            changes.append(f"input {_label(name)} was dropped or renamed")
            continue
        changes.extend(_type_change("input", name, spec, replacement, _widens))
        if replacement.required and not spec.required:
            changes.append(f"optional input {_label(name)} became required")
    changes.extend(
        f"new input {_label(name)} is required"
        for name, spec in new.items()
        if name not in old and spec.required
    )
    return changes


def _output_changes(current: Schema | None, candidate: Schema | None) -> list[str]:
    if current is None:
        return []
    if candidate is None:
        return ["the output schema was removed"]
    if current.is_tensor_spec() != candidate.is_tensor_spec():
        return ["the outputs changed between columns and tensors"]
    old, new = _by_name(current), _by_name(candidate)
    changes = []
    for name, spec in old.items():
        replacement = new.get(name)
        if replacement is None:
            changes.append(f"output {_label(name)} was dropped or renamed")
        else:
            changes.extend(_type_change("output", name, spec, replacement, _same))
    return changes


def _by_name(schema: Schema) -> dict[str | int, Spec]:
    """Specs by name, or by position when the schema's specs are unnamed."""
    return dict(zip(schema.input_names(), schema.inputs, strict=True))


def _label(name: str | int) -> str:
    return f"'{name}'" if isinstance(name, str) else f"#{name}"


def _type_change(
    side: str, name: str | int, old: Spec, new: Spec, allowed: Compatible
) -> list[str]:
    if allowed(old, new):
        return []
    verb = "narrowed" if side == "input" else "changed"
    return [f"{side} {_label(name)} {verb} from {_type_of(old)} to {_type_of(new)}"]


def _type_of(spec: Spec) -> str:
    if isinstance(spec, TensorSpec):
        return f"tensor {spec.dtype}{list(spec.shape)}"
    return spec.type if isinstance(spec.type, str) else json.dumps(spec.type, sort_keys=True)


def _same(old: Spec, new: Spec) -> bool:
    if isinstance(old, TensorSpec) or isinstance(new, TensorSpec):
        return old == new
    return old.type == new.type


def _widens(old: Spec, new: Spec) -> bool:
    """Whether ``new`` accepts every value ``old`` accepts."""
    if isinstance(old, TensorSpec) and isinstance(new, TensorSpec):
        dtype_ok = new.dtype == old.dtype or new.dtype in WIDER_TENSOR_DTYPES.get(old.dtype, ())
        return dtype_ok and _shape_accepts(old.shape, new.shape)
    if isinstance(old, ColSpec) and isinstance(new, ColSpec):
        if isinstance(old.type, str) and isinstance(new.type, str):
            return new.type == old.type or new.type in WIDER_TYPES.get(old.type, ())
        return old.type == new.type
    return False


def _shape_accepts(old: tuple[int, ...], new: tuple[int, ...]) -> bool:
    """Same rank, and each dimension the same or any size (-1)."""
    return len(old) == len(new) and all(n in (o, -1) for o, n in zip(old, new, strict=True))
