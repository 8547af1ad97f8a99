"""The exception tree of modelreg; every error carries MLflow's ``error_code``.

    ModelRegistryError                       (error_code)
     ├── InvalidParameterValue              INVALID_PARAMETER_VALUE
     │    ├── InvalidFilter                 a search filter, order_by or page token
     │    ├── InvalidStage
     │    └── AliasNotFound                 (MLflow answers 400 here, not 404)
     ├── ResourceNotFound                   RESOURCE_DOES_NOT_EXIST
     │    ├── RegisteredModelNotFound
     │    ├── ModelVersionNotFound
     │    ├── ExperimentNotFound
     │    └── RunNotFound
     ├── ResourceAlreadyExists              RESOURCE_ALREADY_EXISTS
     │    ├── RegisteredModelAlreadyExists
     │    └── ExperimentAlreadyExists
     ├── ResourceConflict                   RESOURCE_CONFLICT
     ├── PermissionDenied                   PERMISSION_DENIED
     │    └── PolicyViolation               a promotion rule refused a stage or alias move
     ├── Unauthenticated                    UNAUTHENTICATED
     ├── StorageFull                        IO_ERROR: no room left for a file
     ├── StoreUnavailable                   TEMPORARILY_UNAVAILABLE: the database is away
     └── InternalError                      INTERNAL_ERROR

The HTTP status of each code is decided in one place, in the server; remote clients map
error bodies back onto these classes, so callers catch the same class on every backend.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "AliasNotFound",
    "ExperimentAlreadyExists",
    "ExperimentNotFound",
    "InternalError",
    "InvalidFilter",
    "InvalidParameterValue",
    "InvalidStage",
    "ModelRegistryError",
    "ModelVersionNotFound",
    "PermissionDenied",
    "PolicyViolation",
    "RegisteredModelAlreadyExists",
    "RegisteredModelNotFound",
    "ResourceAlreadyExists",
    "ResourceConflict",
    "ResourceNotFound",
    "RunNotFound",
    "StorageFull",
    "StoreUnavailable",
    "Unauthenticated",
]


class ModelRegistryError(Exception):
    """Base of every modelreg error: a message and MLflow's ``error_code``."""

    error_code: ClassVar[str] = "INTERNAL_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return f"{self.error_code}: {self.message}"


class InvalidParameterValue(ModelRegistryError):
    """A request argument is missing, malformed or out of range."""

    error_code = "INVALID_PARAMETER_VALUE"


class InvalidFilter(InvalidParameterValue):
    """A search filter, ``order_by`` clause or page token that cannot be used."""


class InvalidStage(InvalidParameterValue):
    """A stage name that is not one of None, Staging, Production, Archived."""

    def __init__(self, stage: object) -> None:
        super().__init__(
            f"Invalid Model Version stage: {stage}. "
            "Value must be one of None, Staging, Production, Archived."
        )
        self.stage = stage


class AliasNotFound(InvalidParameterValue):
    """No version of the model holds this alias (MLflow reports it as a bad parameter)."""

    def __init__(self, name: str, alias: str) -> None:
        super().__init__(f"Registered model alias {alias} not found.")
        self.name = name
        self.alias = alias


class ResourceNotFound(ModelRegistryError):
    """The addressed object does not exist."""

    error_code = "RESOURCE_DOES_NOT_EXIST"


class RegisteredModelNotFound(ResourceNotFound):
    """No registered model has this name."""

    def __init__(self, name: str) -> None:
        super().__init__(f"Registered Model with name={name} not found")
        self.name = name


class ModelVersionNotFound(ResourceNotFound):
    """The registered model has no such version."""

    def __init__(self, name: str, version: int | str) -> None:
        super().__init__(f"Model Version (name={name}, version={version}) not found")
        self.name = name
        self.version = version


class ExperimentNotFound(ResourceNotFound):
    """No experiment has this id or name."""

    def __init__(self, *, experiment_id: str | None = None, name: str | None = None) -> None:
        if name is not None:
            message = f"Could not find experiment with name '{name}'"
        else:
            message = f"No Experiment with id={experiment_id} exists"
        super().__init__(message)
        self.experiment_id = experiment_id
        self.name = name


class RunNotFound(ResourceNotFound):
    """No run has this id."""

    def __init__(self, run_id: str) -> None:
        super().__init__(f"Run with id={run_id} not found")
        self.run_id = run_id


class ResourceAlreadyExists(ModelRegistryError):
    """An object with this identity exists already."""

    error_code = "RESOURCE_ALREADY_EXISTS"


class RegisteredModelAlreadyExists(ResourceAlreadyExists):
    """A registered model with this name exists already."""

    def __init__(self, name: str) -> None:
        super().__init__(f"Registered Model (name={name}) already exists.")
        self.name = name


class ExperimentAlreadyExists(ResourceAlreadyExists):
    """An experiment with this name exists already (perhaps deleted: restore it)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"Experiment(name={name}) already exists.")
        self.name = name


class ResourceConflict(ModelRegistryError):
    """The object changed since the caller read it (a failed compare-and-set)."""

    error_code = "RESOURCE_CONFLICT"


class PermissionDenied(ModelRegistryError):
    """The caller may not do this."""

    error_code = "PERMISSION_DENIED"


class PolicyViolation(PermissionDenied):
    """A promotion policy refused a stage transition or alias move; ``rule`` names the rule."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(f"Refused by rule '{rule}': {message}")
        self.rule = rule


class Unauthenticated(ModelRegistryError):
    """No valid credentials were presented where they are required."""

    error_code = "UNAUTHENTICATED"


class StorageFull(ModelRegistryError):
    """A file could not be written: its storage is full (or over a quota or size limit)."""

    error_code = "IO_ERROR"


class StoreUnavailable(ModelRegistryError):
    """The database cannot be reached (restarting, failing over): retry in a moment."""

    error_code = "TEMPORARILY_UNAVAILABLE"


class InternalError(ModelRegistryError):
    """An unexpected failure on the registry's side."""

    error_code = "INTERNAL_ERROR"
