"""Map a server's error body back onto modelreg's error classes.

``{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Registered Model with name=X not
found"}`` becomes :class:`RegisteredModelNotFound`, so ``pytest.raises(...)`` and ``except``
clauses work the same against every backend (and against MLflow's own server).
"""

from __future__ import annotations

import re

from modelreg import errors
from modelreg.governance import errors as governance_errors

# (error code, message prefix, class): the first match wins; the code's base class otherwise.
_SPECIFIC: list[tuple[str, str, type[errors.ModelRegistryError]]] = [
    ("RESOURCE_DOES_NOT_EXIST", "Registered Model with name=", errors.RegisteredModelNotFound),
    ("RESOURCE_DOES_NOT_EXIST", "Model Version (", errors.ModelVersionNotFound),
    ("RESOURCE_DOES_NOT_EXIST", "Run with id=", errors.RunNotFound),
    ("RESOURCE_DOES_NOT_EXIST", "No Experiment with id=", errors.ExperimentNotFound),
    ("RESOURCE_DOES_NOT_EXIST", "Could not find experiment", errors.ExperimentNotFound),
    ("RESOURCE_ALREADY_EXISTS", "Registered Model (", errors.RegisteredModelAlreadyExists),
    ("RESOURCE_ALREADY_EXISTS", "Experiment(", errors.ExperimentAlreadyExists),
    ("INVALID_PARAMETER_VALUE", "Registered model alias ", errors.AliasNotFound),
    ("INVALID_PARAMETER_VALUE", "Invalid Model Version stage", errors.InvalidStage),
    ("INVALID_PARAMETER_VALUE", "Invalid filter", errors.InvalidFilter),
    ("INVALID_PARAMETER_VALUE", "Invalid order_by", errors.InvalidFilter),
    ("INVALID_PARAMETER_VALUE", "Invalid page_token", errors.InvalidFilter),
    ("PERMISSION_DENIED", "Refused by rule '", errors.PolicyViolation),
    ("RESOURCE_DOES_NOT_EXIST", "No promotion policy for ", governance_errors.PolicyNotFound),
    (
        "RESOURCE_DOES_NOT_EXIST",
        "Transition request ",
        governance_errors.TransitionRequestNotFound,
    ),
    ("RESOURCE_CONFLICT", "The request ", governance_errors.RequestNotPending),
]
_RULE = re.compile(r"Refused by rule '([^']*)'")

_BY_CODE: dict[str, type[errors.ModelRegistryError]] = {
    "INVALID_PARAMETER_VALUE": errors.InvalidParameterValue,
    "BAD_REQUEST": errors.InvalidParameterValue,
    "RESOURCE_DOES_NOT_EXIST": errors.ResourceNotFound,
    "ENDPOINT_NOT_FOUND": errors.ResourceNotFound,
    "RESOURCE_ALREADY_EXISTS": errors.ResourceAlreadyExists,
    "RESOURCE_CONFLICT": errors.ResourceConflict,
    "PERMISSION_DENIED": errors.PermissionDenied,
    "UNAUTHENTICATED": errors.Unauthenticated,
    "IO_ERROR": errors.StorageFull,
    "TEMPORARILY_UNAVAILABLE": errors.StoreUnavailable,
}


def error_from_body(error_code: str, message: str) -> errors.ModelRegistryError:
    """The modelreg error for a server's ``error_code`` and ``message``."""
    cls = next(
        (
            cls
            for code, prefix, cls in _SPECIFIC
            if code == error_code and message.startswith(prefix)
        ),
        _BY_CODE.get(error_code, errors.InternalError),
    )
    # The specific classes build their message from fields the body does not carry:
    # create the instance as its base class would, keeping the server's message.
    error = cls.__new__(cls)
    errors.ModelRegistryError.__init__(error, message)
    if isinstance(error, errors.PolicyViolation):
        rule = _RULE.match(message)
        error.rule = rule[1] if rule else ""
    return error
