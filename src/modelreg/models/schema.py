"""Input, output and parameter schemas of a model signature, in MLflow's JSON form.

A :class:`Schema` is either column-based (a list of :class:`ColSpec`) or tensor-based (a list
of :class:`TensorSpec`); a :class:`ParamSchema` lists the inference parameters. ``to_dict()``
and ``from_dict()`` produce and read exactly the JSON MLflow embeds in the ``MLmodel`` file.
Pure Python: numpy dtypes are kept by name (``"float64"``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from modelreg.errors import InvalidParameterValue

__all__ = [
    "COMPLEX_TYPES",
    "DATA_TYPES",
    "ColSpec",
    "ParamSchema",
    "ParamSpec",
    "Schema",
    "TensorSpec",
]

#: MLflow's scalar column types, by name.
DATA_TYPES = ("boolean", "integer", "long", "float", "double", "string", "binary", "datetime")
#: MLflow's structured column types; their JSON carries more keys (``items``, ``properties``...).
COMPLEX_TYPES = ("array", "object", "map", "any")


def _type_repr(type_: str | dict[str, Any]) -> str:
    if isinstance(type_, str):
        return type_
    kind = type_["type"]
    if kind == "array":
        return f"Array({_type_repr(_inner_type(type_['items']))})"
    if kind == "map":
        return f"Map(str -> {_type_repr(_inner_type(type_['values']))})"
    if kind == "any":
        return "Any"
    return json.dumps(type_)


def _inner_type(spec: dict[str, Any]) -> str | dict[str, Any]:
    return spec["type"] if spec["type"] in DATA_TYPES else spec


@dataclass(frozen=True)
class ColSpec:
    """One column: a type name from :data:`DATA_TYPES` (or a complex type's JSON), a name, required.

    Complex types (``array``, ``object``, ``map``, ``any``) are kept as their JSON dict, e.g.
    ``{"type": "array", "items": {"type": "string"}}``, so they round-trip untouched.
    """

    type: str | dict[str, Any]
    name: str | None = None
    required: bool = True

    def __post_init__(self) -> None:
        if isinstance(self.type, str):
            if self.type not in DATA_TYPES:
                raise InvalidParameterValue(
                    f"Unsupported type '{self.type}', expected one of {list(DATA_TYPES)}"
                )
        elif self.type.get("type") not in COMPLEX_TYPES:
            raise InvalidParameterValue(f"Unsupported column type {self.type!r}")

    @property
    def type_name(self) -> str:
        """The type's name: ``"double"``, ``"array"``..."""
        return self.type if isinstance(self.type, str) else str(self.type["type"])

    def to_dict(self) -> dict[str, Any]:
        """MLflow's JSON of this column: ``{"type": ..., "name": ..., "required": ...}``."""
        result: dict[str, Any] = (
            {"type": self.type} if isinstance(self.type, str) else dict(self.type)
        )
        if self.name is not None:
            result["name"] = self.name
        result["required"] = self.required
        return result

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ColSpec:
        """Read MLflow's JSON of a column."""
        if "type" not in data:
            raise InvalidParameterValue("Missing keys in ColSpec JSON. Expected to find key `type`")
        body = {k: v for k, v in data.items() if k not in ("name", "required")}
        type_: str | dict[str, Any] = body["type"] if body["type"] in DATA_TYPES else body
        required = data.get("required")
        return cls(type_, data.get("name"), True if required is None else bool(required))

    def __repr__(self) -> str:
        required = "required" if self.required else "optional"
        if self.name is None:
            return f"{_type_repr(self.type)} ({required})"
        return f"{self.name!r}: {_type_repr(self.type)} ({required})"


@dataclass(frozen=True)
class TensorSpec:
    """A tensor: a numpy dtype name (``"float64"``, ``"str"``...) and a shape (-1 = any size)."""

    dtype: str
    shape: tuple[int, ...]
    name: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "shape", tuple(self.shape))

    @property
    def required(self) -> bool:
        """Tensors are always required."""
        return True

    def to_dict(self) -> dict[str, Any]:
        """MLflow's JSON: ``{"type": "tensor", "tensor-spec": {"dtype": ..., "shape": [...]}}``."""
        spec = {"type": "tensor", "tensor-spec": {"dtype": self.dtype, "shape": list(self.shape)}}
        return spec if self.name is None else {"name": self.name, **spec}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TensorSpec:
        """Read MLflow's JSON of a tensor."""
        spec = data.get("tensor-spec")
        if data.get("type") != "tensor" or not isinstance(spec, dict):
            raise InvalidParameterValue(
                "Missing keys in TensorSpec JSON. Expected to find keys `tensor-spec` and `type`"
            )
        if not {"dtype", "shape"} <= spec.keys():
            raise InvalidParameterValue(
                "Missing keys in TensorSpec JSON. Expected to find keys `dtype` and `shape`"
            )
        return cls(str(spec["dtype"]), tuple(int(x) for x in spec["shape"]), data.get("name"))

    def __repr__(self) -> str:
        tensor = f"Tensor({self.dtype!r}, {self.shape!r})"
        return tensor if self.name is None else f"{self.name!r}: {tensor}"


@dataclass(frozen=True)
class Schema:
    """A dataset: all :class:`ColSpec` or all :class:`TensorSpec`, all named or all unnamed."""

    inputs: Sequence[ColSpec | TensorSpec]

    def __post_init__(self) -> None:
        inputs = list(self.inputs)
        object.__setattr__(self, "inputs", inputs)
        if not inputs:
            raise InvalidParameterValue("Creating Schema with empty inputs is not allowed.")
        names = [spec.name for spec in inputs]
        if any(n is None for n in names) and any(n is not None for n in names):
            raise InvalidParameterValue(
                "Creating Schema with a combination of named and unnamed inputs "
                f"is not allowed. Got input names {names}"
            )
        tensors = [isinstance(spec, TensorSpec) for spec in inputs]
        if any(tensors) and not all(tensors):
            raise InvalidParameterValue(
                "Creating Schema with a combination of ColSpec and TensorSpec is not supported."
            )
        if all(tensors) and len(inputs) > 1 and names[0] is None:
            raise InvalidParameterValue(
                "Creating Schema with multiple unnamed TensorSpecs is not supported."
            )
        if names[0] is None and not all(spec.required for spec in inputs):
            raise InvalidParameterValue(
                "Creating Schema with unnamed optional inputs is not supported."
            )

    def __iter__(self) -> Iterator[ColSpec | TensorSpec]:
        return iter(self.inputs)

    def __len__(self) -> int:
        return len(self.inputs)

    def columns(self) -> list[ColSpec]:
        """The column specs (empty for a tensor schema)."""
        return [spec for spec in self.inputs if isinstance(spec, ColSpec)]

    def tensors(self) -> list[TensorSpec]:
        """The tensor specs (empty for a column schema)."""
        return [spec for spec in self.inputs if isinstance(spec, TensorSpec)]

    def is_tensor_spec(self) -> bool:
        """Whether the schema lists tensors rather than columns."""
        return isinstance(self.inputs[0], TensorSpec)

    def has_input_names(self) -> bool:
        """Whether the inputs are named."""
        return self.inputs[0].name is not None

    def input_names(self) -> list[str | int]:
        """The inputs' names, or their positions when unnamed."""
        return [spec.name if spec.name is not None else i for i, spec in enumerate(self.inputs)]

    def required_input_names(self) -> list[str | int]:
        """The names (or positions) of the required inputs."""
        return [n for n, spec in zip(self.input_names(), self.inputs, strict=True) if spec.required]

    def optional_input_names(self) -> list[str | int]:
        """The names (or positions) of the optional inputs."""
        return [
            n for n, spec in zip(self.input_names(), self.inputs, strict=True) if not spec.required
        ]

    def to_dict(self) -> list[dict[str, Any]]:
        """MLflow's JSON list of the inputs."""
        return [spec.to_dict() for spec in self.inputs]

    def to_json(self) -> str:
        """The JSON string MLflow stores in the ``MLmodel`` file."""
        return json.dumps(self.to_dict())

    @classmethod
    def from_dict(cls, data: list[dict[str, Any]]) -> Schema:
        """Read MLflow's JSON list of inputs."""
        specs: list[ColSpec | TensorSpec] = [
            TensorSpec.from_dict(x) if x.get("type") == "tensor" else ColSpec.from_dict(x)
            for x in data
        ]
        return cls(specs)

    @classmethod
    def from_json(cls, text: str) -> Schema:
        """Read the JSON string of an ``MLmodel`` file."""
        return cls.from_dict(json.loads(text))

    def __repr__(self) -> str:
        return "[" + ", ".join(repr(spec) for spec in self.inputs) + "]"


@dataclass(frozen=True)
class ParamSpec:
    """An inference parameter: name, type, default value, and shape (None, or (-1,) for lists).

    ``type`` is a name from :data:`DATA_TYPES` or an ``object`` type's JSON dict. The default
    is kept as its JSON value (datetimes as ISO strings).
    """

    name: str
    type: str | dict[str, Any]
    default: Any
    shape: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        if self.shape is not None:
            object.__setattr__(self, "shape", tuple(self.shape))
        if isinstance(self.type, str) and self.type not in DATA_TYPES:
            raise InvalidParameterValue(
                f"Unsupported type '{self.type}' for parameter '{self.name}', "
                f"expected one of {list(DATA_TYPES)}"
            )

    @property
    def type_name(self) -> str:
        """The type's name."""
        return self.type if isinstance(self.type, str) else str(self.type["type"])

    def to_dict(self) -> dict[str, Any]:
        """MLflow's JSON: ``{"name", "default", "shape", "type"}`` in that order."""
        result: dict[str, Any] = {
            "name": self.name,
            "default": self.default,
            "shape": None if self.shape is None else list(self.shape),
        }
        result.update({"type": self.type} if isinstance(self.type, str) else self.type)
        return result

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ParamSpec:
        """Read MLflow's JSON of a parameter (``type`` or the older ``dtype`` key)."""
        type_name = data.get("type") or data.get("dtype")
        if "name" not in data or "default" not in data or type_name is None:
            raise InvalidParameterValue(
                "Missing keys in ParamSpec JSON. Expected to find keys `name`, "
                f"`type`(or `dtype`) and `default`. Received keys: {list(data)}"
            )
        type_: str | dict[str, Any] = (
            type_name
            if type_name in DATA_TYPES
            else {k: v for k, v in data.items() if k not in ("name", "default", "shape", "dtype")}
        )
        shape = data.get("shape")
        return cls(str(data["name"]), type_, data["default"], None if shape is None else shape)

    def __repr__(self) -> str:
        shape = f" (shape: {self.shape})" if self.shape is not None else ""
        return f"{self.name!r}: {_type_repr(self.type)} (default: {self.default}){shape}"


@dataclass(frozen=True)
class ParamSchema:
    """The parameters a model accepts at inference time."""

    params: Sequence[ParamSpec] = field(default_factory=list)

    def __post_init__(self) -> None:
        params = list(self.params)
        object.__setattr__(self, "params", params)
        names = [p.name for p in params]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise InvalidParameterValue(f"Duplicated parameters found in schema: {duplicates}")

    def __iter__(self) -> Iterator[ParamSpec]:
        return iter(self.params)

    def __len__(self) -> int:
        return len(self.params)

    def to_dict(self) -> list[dict[str, Any]]:
        """MLflow's JSON list of the parameters."""
        return [p.to_dict() for p in self.params]

    def to_json(self) -> str:
        """The JSON string MLflow stores in the ``MLmodel`` file."""
        return json.dumps(self.to_dict())

    @classmethod
    def from_dict(cls, data: list[dict[str, Any]]) -> ParamSchema:
        """Read MLflow's JSON list of parameters."""
        return cls([ParamSpec.from_dict(x) for x in data])

    @classmethod
    def from_json(cls, text: str) -> ParamSchema:
        """Read the JSON string of an ``MLmodel`` file."""
        return cls.from_dict(json.loads(text))

    def __repr__(self) -> str:
        return "[" + ", ".join(repr(p) for p in self.params) + "]"
