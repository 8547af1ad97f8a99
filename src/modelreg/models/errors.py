"""The errors of the model format and the flavors, under modelreg's exception tree.

ModelRegistryError
 ├── InvalidParameterValue
 │    ├── SchemaEnforcementError     input data that does not fit the model's signature
 │    └── UnsupportedModelFlavor     a model folder no modelreg loader can load
 ├── ModelIntegrityError             DATA_LOSS: a file differs from the checksums manifest
 └── MissingOptionalDependency      (also an ImportError) an extra is not installed
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from modelreg.errors import InvalidParameterValue, ModelRegistryError

__all__ = [
    "MissingOptionalDependency",
    "ModelIntegrityError",
    "SchemaEnforcementError",
    "UnsupportedModelFlavor",
]


class SchemaEnforcementError(InvalidParameterValue):
    """The input data does not fit the model's input schema (MLflow's SCHEMA_ENFORCEMENT_FAILED).

    ``column`` names the offending column when there is one; ``missing`` and ``extra`` list
    the absent required inputs and the unexpected ones; ``schema`` is the schema's text, as
    MLflow prints it in its error messages.
    """

    error_class: ClassVar[str] = "SCHEMA_ENFORCEMENT_FAILED"

    def __init__(
        self,
        message: str,
        *,
        schema: str = "",
        column: str | None = None,
        missing: Sequence[str | int] = (),
        extra: Sequence[str | int] = (),
    ) -> None:
        super().__init__(message)
        self.schema = schema
        self.column = column
        self.missing = list(missing)
        self.extra = list(extra)


class UnsupportedModelFlavor(InvalidParameterValue):
    """The model folder has no flavor modelreg can load (e.g. an MLflow xgboost model)."""

    def __init__(self, message: str, *, loader_module: str | None, flavors: Sequence[str]) -> None:
        super().__init__(message)
        self.loader_module = loader_module
        self.flavors = list(flavors)


class ModelIntegrityError(ModelRegistryError):
    """A model file is modified, truncated, missing or unexpected according to its manifest.

    The error code is MLflow's ``DATA_LOSS`` ("unrecoverable data loss or corruption", HTTP
    500): the caller asked for a valid model; the stored copy is what went bad.
    """

    error_code = "DATA_LOSS"

    def __init__(self, message: str, *, path: str) -> None:
        super().__init__(message)
        self.path = path


class MissingOptionalDependency(ModelRegistryError, ImportError):
    """A library of an optional extra is needed but not installed."""

    def __init__(self, module: str, extra: str) -> None:
        super().__init__(
            f"The '{module}' library is needed here but not installed: "
            f"pip install 'modelreg[{extra}]'"
        )
        self.module = module
        self.extra = extra
