"""The ``MLmodel`` file: a model folder's YAML descriptor, in MLflow 3's exact layout."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from modelreg.__about__ import __version__
from modelreg.errors import InvalidParameterValue, ResourceNotFound
from modelreg.models.signature import ModelSignature

__all__ = ["MLFLOW_COMPATIBLE_VERSION", "MLMODEL_FILE_NAME", "MLmodel"]

MLMODEL_FILE_NAME = "MLmodel"
#: The MLflow version whose model format we write (its ``mlflow_version`` field).
MLFLOW_COMPATIBLE_VERSION = "3.17.2"

_KNOWN_KEYS = frozenset(
    {
        "artifact_path",
        "flavors",
        "is_signature_from_type_hint",
        "metadata",
        "mlflow_version",
        "model_id",
        "model_size_bytes",
        "model_uuid",
        "modelreg_version",
        "prompts",
        "run_id",
        "saved_input_example_info",
        "signature",
        "type_hint_from_example",
        "utc_time_created",
    }
)


def utc_now_text() -> str:
    """The current UTC time as MLflow writes it: ``2026-11-28 03:00:03.495857``."""
    return str(dt.datetime.now(dt.UTC).replace(tzinfo=None))


@dataclass
class MLmodel:
    """The content of an ``MLmodel`` file.

    A fresh instance describes a model saved locally (a random ``model_uuid``, no
    ``model_id``); a logged model sets ``model_id`` (= ``model_uuid``), ``run_id`` and
    ``artifact_path``. Keys this class does not know are kept in ``extra`` and written back.

    Example:
        >>> mlmodel = MLmodel(flavors={"python_function": {"loader_module": "mlflow.sklearn"}})
        >>> MLmodel.from_yaml(mlmodel.to_yaml()).flavors == mlmodel.flavors
        True
    """

    flavors: dict[str, dict[str, Any]] = field(default_factory=dict)
    model_uuid: str | None = field(default_factory=lambda: uuid.uuid4().hex)
    model_id: str | None = None
    run_id: str | None = None
    artifact_path: str | None = None
    utc_time_created: str = field(default_factory=utc_now_text)
    mlflow_version: str | None = MLFLOW_COMPATIBLE_VERSION
    modelreg_version: str | None = __version__
    model_size_bytes: int | None = None
    signature: ModelSignature | None = None
    is_signature_from_type_hint: bool = False
    type_hint_from_example: bool = False
    saved_input_example_info: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None
    prompts: list[str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def flavor(self, name: str) -> dict[str, Any] | None:
        """The configuration of one flavor, or None."""
        return self.flavors.get(name)

    def add_flavor(self, name: str, **config: Any) -> None:
        """Add (or replace) a flavor's configuration."""
        self.flavors[name] = config

    def to_dict(self) -> dict[str, Any]:
        """The mapping written to YAML: MLflow's keys, null fields left out as MLflow does."""
        result: dict[str, Any] = dict(self.extra)
        result.update(
            flavors=self.flavors,
            model_uuid=self.model_uuid,
            model_id=self.model_id,
            utc_time_created=self.utc_time_created,
            prompts=self.prompts,
        )
        optional = {
            "artifact_path": self.artifact_path,
            "run_id": self.run_id,
            "mlflow_version": self.mlflow_version,
            "modelreg_version": self.modelreg_version,
            "model_size_bytes": self.model_size_bytes,
            "saved_input_example_info": self.saved_input_example_info,
            "metadata": self.metadata,
        }
        result.update({key: value for key, value in optional.items() if value is not None})
        if self.signature is not None:
            result["signature"] = self.signature.to_dict()
        if self.signature is not None or self.is_signature_from_type_hint:
            result["is_signature_from_type_hint"] = self.is_signature_from_type_hint
        if self.signature is not None or self.type_hint_from_example:
            result["type_hint_from_example"] = self.type_hint_from_example
        return result

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MLmodel:
        """Read the mapping of an ``MLmodel`` file (MLflow's or ours)."""
        if not isinstance(data, dict) or not isinstance(data.get("flavors", {}), dict):
            raise InvalidParameterValue("The MLmodel file is not a mapping with 'flavors'.")
        signature = data.get("signature")
        created = data.get("utc_time_created")
        return cls(
            flavors=dict(data.get("flavors") or {}),
            model_uuid=data.get("model_uuid"),
            model_id=data.get("model_id"),
            run_id=data.get("run_id"),
            artifact_path=data.get("artifact_path"),
            utc_time_created=str(created) if created is not None else utc_now_text(),
            mlflow_version=data.get("mlflow_version"),
            modelreg_version=data.get("modelreg_version"),
            model_size_bytes=data.get("model_size_bytes"),
            signature=ModelSignature.from_dict(signature) if isinstance(signature, dict) else None,
            is_signature_from_type_hint=bool(data.get("is_signature_from_type_hint", False)),
            type_hint_from_example=bool(data.get("type_hint_from_example", False)),
            saved_input_example_info=data.get("saved_input_example_info"),
            metadata=data.get("metadata"),
            prompts=data.get("prompts"),
            extra={key: value for key, value in data.items() if key not in _KNOWN_KEYS},
        )

    def to_yaml(self) -> str:
        """The YAML text, keys sorted, as MLflow dumps it."""
        return str(yaml.safe_dump(self.to_dict(), default_flow_style=False))

    @classmethod
    def from_yaml(cls, text: str) -> MLmodel:
        """Parse the YAML text of an ``MLmodel`` file."""
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise InvalidParameterValue(f"The MLmodel file is not valid YAML: {error}") from error
        return cls.from_dict(data)

    def save(self, directory: Path) -> Path:
        """Write ``directory/MLmodel``; returns its path."""
        path = Path(directory) / MLMODEL_FILE_NAME
        path.write_text(self.to_yaml(), encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: Path | str) -> MLmodel:
        """Read the ``MLmodel`` file at ``path`` (the file, or the model folder holding it)."""
        path = Path(path)
        if path.is_dir():
            path = path / MLMODEL_FILE_NAME
        if not path.is_file():
            raise ResourceNotFound(
                f'Could not find an "{MLMODEL_FILE_NAME}" configuration file at "{path}"'
            )
        return cls.from_yaml(path.read_text(encoding="utf-8"))
