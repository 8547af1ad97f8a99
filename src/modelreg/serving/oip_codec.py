"""Open Inference Protocol (v2) tensors to model input and back, and model metadata.

Tabular models (a column signature), or any request with ``"parameters": {"content_type":
"pd"}``, use the pandas codec: each input tensor is a column (shape ``[N]`` or ``[N, 1]``),
and the columns go through the same :class:`~modelreg.serving.inputs.ModelInput` and
signature enforcement as MLflow's ``inputs`` form (so they batch the same way). Tensor
models get numpy arrays: one input as an array, several as a dict of arrays. Outputs are
one tensor per DataFrame column or dict entry, else one tensor named ``predict``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from modelreg.models.optional_imports import import_optional
from modelreg.models.schema import ColSpec, Schema, TensorSpec
from modelreg.serving.errors import BadInput, SchemaMismatch
from modelreg.serving.inputs import ModelInput
from modelreg.serving.loading import LoadedModel
from modelreg.serving.outputs import dumps
from modelreg.serving.tables import Table

__all__ = ["InferenceRequest", "decode_request", "encode_response", "model_metadata"]

#: The protocol's datatypes and their numpy dtypes.
DATATYPES = {
    "BOOL": "bool",
    "UINT8": "uint8",
    "UINT16": "uint16",
    "UINT32": "uint32",
    "UINT64": "uint64",
    "INT8": "int8",
    "INT16": "int16",
    "INT32": "int32",
    "INT64": "int64",
    "FP16": "float16",
    "FP32": "float32",
    "FP64": "float64",
    "BYTES": "object",
}
_COLUMN_DATATYPES = {
    "boolean": "BOOL",
    "integer": "INT32",
    "long": "INT64",
    "float": "FP32",
    "double": "FP64",
}
DEFAULT_OUTPUT = "predict"


@dataclass(frozen=True)
class InferenceRequest:
    """A decoded inference request."""

    model_input: ModelInput
    id: str | None
    outputs: list[str]


@dataclass(frozen=True)
class _Tensor:
    name: str
    datatype: str
    shape: list[int]
    array: Any


def decode_request(
    document: Any, schema: Schema | None, *, table_rows: int = 0
) -> InferenceRequest:
    """Check an inference request object and turn it into the model's input."""
    if not isinstance(document, dict):
        raise BadInput("The inference request must be a JSON object with an 'inputs' list.")
    inputs = document.get("inputs")
    if not isinstance(inputs, list) or not inputs:
        raise BadInput("The inference request needs a non-empty 'inputs' list of tensors.")
    parameters = document.get("parameters") or {}
    if not isinstance(parameters, dict):
        raise BadInput("The request's 'parameters' must be a JSON object.")
    tensors = [_tensor(i, item) for i, item in enumerate(inputs)]
    names = [tensor.name for tensor in tensors]
    if len(set(names)) != len(names):
        raise BadInput(f"Input names must be unique; got {names}.")
    content_type = parameters.get("content_type")
    params = {k: v for k, v in parameters.items() if k not in ("content_type", "headers")}
    columns = content_type == "pd" or (
        content_type is None and schema is not None and not schema.is_tensor_spec()
    )
    if columns:
        model_input = _columns(tensors, params or None, table_rows)
    else:
        model_input = _arrays(tensors, schema, params or None)
    requested = document.get("outputs") or []
    if not isinstance(requested, list) or not all(
        isinstance(item, dict) and isinstance(item.get("name"), str) for item in requested
    ):
        raise BadInput("The request's 'outputs' must be a list of objects with a 'name'.")
    request_id = document.get("id")
    return InferenceRequest(
        model_input,
        None if request_id is None else str(request_id),
        [item["name"] for item in requested],
    )


def _tensor(position: int, item: Any) -> _Tensor:
    if not isinstance(item, dict):
        raise BadInput(f"inputs[{position}] must be a tensor object.")
    name = item.get("name")
    where = f"Input '{name}'" if isinstance(name, str) else f"inputs[{position}]"
    missing = [key for key in ("name", "shape", "datatype", "data") if key not in item]
    if missing:
        raise BadInput(f"{where} lacks {missing} (a tensor has name, shape, datatype, data).")
    shape, datatype, data = item["shape"], item["datatype"], item["data"]
    if not isinstance(name, str):
        raise BadInput(f"{where}: 'name' must be a string.")
    if not isinstance(shape, list) or not all(
        isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape
    ):
        raise BadInput(f"{where}: 'shape' must be a list of non-negative integers; got {shape!r}.")
    if datatype not in DATATYPES:
        raise BadInput(
            f"{where}: unknown datatype {datatype!r}; use one of {sorted(DATATYPES)}.",
            input=name,
        )
    values = _flatten(data if isinstance(data, list) else [data])
    expected = math.prod(shape)
    if len(values) != expected:
        raise BadInput(
            f"{where}: shape {shape} holds {expected} values but 'data' has {len(values)}.",
            input=name,
        )
    return _Tensor(name, datatype, shape, _typed(name, datatype, shape, values))


def _flatten(data: list[Any]) -> list[Any]:
    if not any(isinstance(item, list) for item in data):
        return data
    flat: list[Any] = []
    for item in data:
        flat.extend(_flatten(item) if isinstance(item, list) else [item])
    return flat


def _typed(name: str, datatype: str, shape: list[int], values: list[Any]) -> Any:
    np = import_optional("numpy")
    if datatype == "BYTES":
        bad = next((v for v in values if not isinstance(v, str)), None)
        if bad is not None:
            raise SchemaMismatch(
                f"Input '{name}' is BYTES but holds {bad!r}: BYTES values are JSON strings.",
                column=name,
            )
    elif datatype == "BOOL":
        bad = next((v for v in values if not isinstance(v, bool)), None)
        if bad is not None:
            raise SchemaMismatch(f"Input '{name}' is BOOL but holds {bad!r}.", column=name)
    else:
        numbers = (int,) if datatype.startswith(("INT", "UINT")) else (int, float)
        bad = next((v for v in values if isinstance(v, bool) or not isinstance(v, numbers)), None)
        if bad is not None:
            kind = "integers" if len(numbers) == 1 else "numbers"
            raise SchemaMismatch(
                f"Input '{name}' is {datatype} but holds {bad!r}: {datatype} values are {kind}.",
                column=name,
            )
    try:
        return np.asarray(values, dtype=DATATYPES[datatype]).reshape(shape)
    except (OverflowError, ValueError) as error:
        raise SchemaMismatch(
            f"Input '{name}' does not fit {datatype}: {error}", column=name
        ) from None


def _columns(tensors: list[_Tensor], params: dict[str, Any] | None, table_rows: int) -> ModelInput:
    pd = import_optional("pandas")
    rows = {tensor.shape[0] if tensor.shape else 1 for tensor in tensors}
    for tensor in tensors:
        if len(tensor.shape) > 2 or (len(tensor.shape) == 2 and tensor.shape[1] != 1):
            raise BadInput(
                f"Input '{tensor.name}' has shape {tensor.shape}: a column of a tabular model "
                "has shape [N] or [N, 1].",
                input=tensor.name,
            )
    if len(rows) > 1:
        raise BadInput(
            f"The columns have different lengths {sorted(rows)}: every input of a tabular model "
            "has the same number of rows.",
        )
    count = rows.pop()
    flat = {tensor.name: tensor.array.reshape(-1) for tensor in tensors}
    table = None
    if 0 < count <= table_rows and not params:
        table = Table(tuple(flat), tuple(array.tolist() for array in flat.values()), count)
    return ModelInput(lambda: pd.DataFrame(flat), count, params, table)


def _arrays(
    tensors: list[_Tensor], schema: Schema | None, params: dict[str, Any] | None
) -> ModelInput:
    first = tensors[0]
    rows = first.shape[0] if first.shape else 1
    named = schema is not None and schema.has_input_names()
    if len(tensors) == 1 and not named:
        array = first.array
        return ModelInput(lambda: array, rows, params)
    arrays = {tensor.name: tensor.array for tensor in tensors}
    return ModelInput(lambda: arrays, rows, params)


def encode_response(output: Any, loaded: LoadedModel, request: InferenceRequest) -> bytes:
    """The inference response object for the model's ``output``."""
    outputs = _outputs(output, _output_name(loaded))
    if request.outputs:
        known = {item["name"]: item for item in outputs}
        unknown = [name for name in request.outputs if name not in known]
        if unknown:
            raise BadInput(
                f"Unknown requested outputs {unknown}; the model's outputs are {list(known)}."
            )
        outputs = [known[name] for name in request.outputs]
    response: dict[str, Any] = {"model_name": loaded.name}
    if loaded.version_label is not None:
        response["model_version"] = loaded.version_label
    if request.id is not None:
        response["id"] = request.id
    if _is_frame(output):
        response["parameters"] = {"content_type": "pd"}
    response["outputs"] = outputs
    return dumps(response)


def _is_frame(output: Any) -> bool:
    return type(output).__name__ == "DataFrame" and type(output).__module__.startswith("pandas")


def _output_name(loaded: LoadedModel) -> str:
    signature = loaded.model.metadata.signature
    outputs = signature.outputs if signature is not None else None
    if outputs is not None and len(outputs) == 1 and outputs.inputs[0].name:
        return str(outputs.inputs[0].name)
    return DEFAULT_OUTPUT


def _outputs(output: Any, default_name: str) -> list[dict[str, Any]]:
    np = import_optional("numpy")
    if _is_frame(output):
        return [_output(str(name), output[name].to_numpy()) for name in output.columns]
    if type(output).__name__ == "Series":
        return [
            _output(
                str(output.name) if output.name is not None else default_name, output.to_numpy()
            )
        ]
    if isinstance(output, dict):
        return [_output(str(name), np.asarray(value)) for name, value in output.items()]
    return [_output(default_name, np.asarray(output))]


def _output(name: str, array: Any) -> dict[str, Any]:
    kind = array.dtype.kind
    if kind in "biuf" and array.dtype.name in DATATYPES.values():
        datatype = next(key for key, value in DATATYPES.items() if value == array.dtype.name)
        data = array.ravel()
    else:
        datatype = "BYTES"
        data = [_text(value) for value in array.ravel().tolist()]
    return {"name": name, "shape": list(array.shape), "datatype": datatype, "data": data}


def _text(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def model_metadata(name: str, loaded: LoadedModel) -> dict[str, Any]:
    """The model metadata object, mapped from the model's signature."""
    signature = loaded.model.metadata.signature
    inputs = signature.inputs if signature is not None else None
    outputs = signature.outputs if signature is not None else None
    metadata: dict[str, Any] = {"name": name}
    if loaded.version_label is not None:
        metadata["versions"] = [loaded.version_label]
    metadata["platform"] = loaded.model.loader_module or "mlflow"
    metadata["inputs"] = _tensors_metadata(inputs, "input")
    metadata["outputs"] = _tensors_metadata(outputs, DEFAULT_OUTPUT)
    if inputs is not None and not inputs.is_tensor_spec():
        metadata["parameters"] = {"content_type": "pd"}
    return metadata


def _tensors_metadata(schema: Schema | None, default_name: str) -> list[dict[str, Any]]:
    """One metadata tensor per schema entry; unnamed ones get ``predict`` (a single output)
    or ``<default_name>-<position>``."""
    if schema is None:
        return []
    single_output = len(schema) == 1 and default_name == DEFAULT_OUTPUT
    result = []
    for i, spec in enumerate(schema.inputs):
        name = spec.name or (default_name if single_output else f"{default_name}-{i}")
        if isinstance(spec, TensorSpec):
            datatype, shape = _datatype_of_dtype(spec.dtype), list(spec.shape)
        else:
            assert isinstance(spec, ColSpec)
            datatype, shape = _COLUMN_DATATYPES.get(spec.type_name, "BYTES"), [-1]
        result.append({"name": str(name), "datatype": datatype, "shape": shape})
    return result


def _datatype_of_dtype(dtype: str) -> str:
    for datatype, name in DATATYPES.items():
        if name == dtype and datatype != "BYTES":
            return datatype
    return "BYTES"
