"""What a version page shows of the version's files: signature, input example, file list.

Read through the registration service's resolution of ``models:/<name>/<version>`` and the
artifact store behind it, file by file (a version is never downloaded whole for a page).
Missing or unreadable files are tolerated: the page says what could not be shown.
"""

from __future__ import annotations

import json
import logging
import posixpath
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from modelreg.artifacts import ArtifactStore
from modelreg.errors import ModelRegistryError
from modelreg.model_fetch import MLMODEL, ModelLocation
from modelreg.models.mlmodel import MLmodel
from modelreg.models.schema import ColSpec, ParamSchema, Schema, TensorSpec
from modelreg.service import RegistrationService

__all__ = ["FileRow", "ModelFiles", "SchemaRow", "read_model_files", "serving_example"]

logger = logging.getLogger(__name__)
T = TypeVar("T")

MAX_FILES = 500
MAX_TEXT_BYTES = 64 * 1024
EXAMPLE_FILE = "input_example.json"
SERVING_EXAMPLE_FILE = "serving_input_example.json"
SERVE_PORT = 5001


@dataclass(frozen=True)
class SchemaRow:
    """One input, output or parameter of a signature (``name`` is empty when unnamed)."""

    name: str
    type: str
    required: bool = True
    default: str = ""


@dataclass(frozen=True)
class FileRow:
    """One file of a version, relative to the model folder."""

    path: str
    size: int | None


@dataclass
class ModelFiles:
    """What could be read of a version's files, and what could not."""

    flavors: list[str] = field(default_factory=list)
    inputs: list[SchemaRow] | None = None
    outputs: list[SchemaRow] | None = None
    params: list[SchemaRow] | None = None
    example: str | None = None
    serving_example: str | None = None
    files: list[FileRow] = field(default_factory=list)
    truncated: bool = False
    problems: list[str] = field(default_factory=list)


def _spec_row(spec: ColSpec | TensorSpec) -> SchemaRow:
    if isinstance(spec, TensorSpec):
        return SchemaRow(spec.name or "", f"tensor {spec.dtype} {list(spec.shape)}")
    kind = spec.type if isinstance(spec.type, str) else json.dumps(spec.type)
    return SchemaRow(spec.name or "", kind, spec.required)


def _schema_rows(schema: Schema | None) -> list[SchemaRow] | None:
    if schema is None:
        return None
    return [_spec_row(spec) for spec in schema]


def _param_rows(schema: ParamSchema | None) -> list[SchemaRow] | None:
    if schema is None:
        return None
    return [
        SchemaRow(p.name, p.type_name, required=False, default=json.dumps(p.default))
        for p in schema
    ]


def _read_text(store: ArtifactStore, path: str) -> tuple[str, bool]:
    with store.open(path) as stream:
        data = stream.read(MAX_TEXT_BYTES + 1)
    return data[:MAX_TEXT_BYTES].decode("utf-8", errors="replace"), len(data) > MAX_TEXT_BYTES


def _pretty_json(text: str, truncated: bool) -> str:
    if truncated:
        return text + "\n…"
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text


def _walk(store: ArtifactStore, root: str, into: ModelFiles) -> None:
    pending = [root]
    while pending:
        for entry in store.list(pending.pop()):
            if entry.is_dir:
                pending.append(entry.path)
                continue
            if len(into.files) >= MAX_FILES:
                into.truncated = True
                return
            relative = posixpath.relpath(entry.path, root) if root else entry.path
            into.files.append(FileRow(relative, entry.file_size))
    into.files.sort(key=lambda row: row.path)


def _read_mlmodel(location: ModelLocation, into: ModelFiles) -> MLmodel | None:
    text, _ = _read_text(location.store, posixpath.join(location.path, MLMODEL))
    mlmodel = MLmodel.from_yaml(text)
    into.flavors = sorted(mlmodel.flavors)
    if mlmodel.signature is not None:
        into.inputs = _schema_rows(mlmodel.signature.inputs)
        into.outputs = _schema_rows(mlmodel.signature.outputs)
        into.params = _param_rows(mlmodel.signature.params)
    return mlmodel


def _read_examples(location: ModelLocation, mlmodel: MLmodel | None, into: ModelFiles) -> None:
    info: dict[str, Any] = (mlmodel.saved_input_example_info if mlmodel else None) or {}
    names = {
        "example": str(info.get("artifact_path") or EXAMPLE_FILE),
        "serving_example": str(info.get("serving_input_path") or SERVING_EXAMPLE_FILE),
    }
    present = {row.path for row in into.files}
    for attribute, name in names.items():
        if name in present:
            text, truncated = _read_text(location.store, posixpath.join(location.path, name))
            setattr(into, attribute, _pretty_json(text, truncated))


def _attempt(files: ModelFiles, what: str, step: Callable[[], T]) -> T | None:
    """``step()``, or None with the reason noted in ``files.problems``."""
    try:
        return step()
    except ModelRegistryError as error:
        files.problems.append(f"Could not {what}: {error.message}")
    except Exception as error:  # storage may be unreachable or a file corrupt: still render
        logger.warning("UI: could not %s", what, exc_info=True)
        files.problems.append(f"Could not {what}: {type(error).__name__}.")
    return None


def read_model_files(registration: RegistrationService, name: str, version: int) -> ModelFiles:
    """The signature, examples and files of a version, as far as they can be read."""
    files = ModelFiles()
    location = _attempt(
        files, "find the files", lambda: registration.locate(f"models:/{name}/{version}")
    )
    if location is None:
        return files
    _attempt(files, "list the files", lambda: _walk(location.store, location.path, files))
    mlmodel = _attempt(files, "read MLmodel", lambda: _read_mlmodel(location, files))
    _attempt(files, "read the input example", lambda: _read_examples(location, mlmodel, files))
    return files


def serving_example(model_uri: str, files: ModelFiles) -> tuple[str, str]:
    """The ``modelreg models serve`` command for ``model_uri`` and a ``curl`` that calls it."""
    serve = f"modelreg models serve -m {shlex.quote(model_uri)} --port {SERVE_PORT}"
    body = _request_body(files)
    curl = (
        f"curl -X POST http://127.0.0.1:{SERVE_PORT}/invocations \\\n"
        "  -H 'Content-Type: application/json' \\\n"
        f"  -d {shlex.quote(body)}"
    )
    return serve, curl


def _request_body(files: ModelFiles) -> str:
    if files.serving_example is not None:
        try:
            return json.dumps(json.loads(files.serving_example), ensure_ascii=False)
        except ValueError:
            pass
    names = [row.name for row in files.inputs or [] if row.name]
    if names:
        return json.dumps({"dataframe_split": {"columns": names, "data": [[None] * len(names)]}})
    return json.dumps({"inputs": []})
