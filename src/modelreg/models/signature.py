"""A model's signature: the schemas of its inputs, outputs and inference parameters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from modelreg.errors import InvalidParameterValue
from modelreg.models.schema import ParamSchema, Schema

__all__ = ["ModelSignature"]


@dataclass(frozen=True)
class ModelSignature:
    """Input, output and params schemas; at least one of them is given.

    Example:
        >>> from modelreg.models import ColSpec, ModelSignature, Schema
        >>> signature = ModelSignature(Schema([ColSpec("double", "x")]), Schema([ColSpec("long")]))
        >>> signature.to_dict()["outputs"]
        '[{"type": "long", "required": true}]'
    """

    inputs: Schema | None = None
    outputs: Schema | None = None
    params: ParamSchema | None = None

    def __post_init__(self) -> None:
        if self.inputs is None and self.outputs is None and self.params is None:
            raise InvalidParameterValue(
                "At least one of inputs, outputs or params must be provided"
            )

    def to_dict(self) -> dict[str, str | None]:
        """MLflow's form: each schema as a JSON string, or None."""
        return {
            "inputs": self.inputs.to_json() if self.inputs else None,
            "outputs": self.outputs.to_json() if self.outputs else None,
            "params": self.params.to_json() if self.params else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelSignature:
        """Read the ``signature`` mapping of an ``MLmodel`` file."""
        inputs, outputs, params = data.get("inputs"), data.get("outputs"), data.get("params")
        return cls(
            Schema.from_json(inputs) if inputs else None,
            Schema.from_json(outputs) if outputs else None,
            ParamSchema.from_json(params) if params else None,
        )
