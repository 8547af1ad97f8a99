"""The scoring server's errors, each with its HTTP status and MLflow-style JSON body.

    ScoringError                 status  error_code / error_class
     ├── BadInput                400     BAD_REQUEST / INVALID_PARAMETER_VALUE (KAM00)
     ├── SchemaMismatch          400     INVALID_PARAMETER_VALUE / SCHEMA_ENFORCEMENT_FAILED
     ├── ModelPredictionFailed   400     BAD_REQUEST / MODEL_PREDICTION_FAILED
     ├── ModelCrashed            500     INTERNAL_ERROR / MODEL_PREDICTION_FAILED
     ├── UnsupportedContentType  415     BAD_REQUEST / UNSUPPORTED_CONTENT_TYPE
     ├── RequestTooLarge         413     REQUEST_LIMIT_EXCEEDED / REQUEST_TOO_LARGE
     ├── ModelNotServed          404     RESOURCE_DOES_NOT_EXIST / MODEL_NOT_SERVED
     ├── ModelNotReady           503     TEMPORARILY_UNAVAILABLE / MODEL_NOT_READY
     ├── PredictionTimeout       504     DEADLINE_EXCEEDED / PREDICTION_TIMEOUT
     ├── EndpointNotFound        404     ENDPOINT_NOT_FOUND (no such route)
     ├── MethodNotAllowed        405     BAD_REQUEST / METHOD_NOT_ALLOWED
     └── ServerBug               500     INTERNAL_ERROR (a bug of the server, logged)

The body is MLflow's scoring-server error JSON: ``{"error_code", "message", "error_class"}``
(plus ``sqlstate`` where MLflow sends one, and structured fields such as ``column``).
"""

from __future__ import annotations

from typing import Any, ClassVar

import orjson

__all__ = [
    "BadInput",
    "EndpointNotFound",
    "MethodNotAllowed",
    "ModelCrashed",
    "ModelNotReady",
    "ModelNotServed",
    "ModelPredictionFailed",
    "PredictionTimeout",
    "RequestTooLarge",
    "SchemaMismatch",
    "ScoringError",
    "ServerBug",
    "UnsupportedContentType",
]


class ScoringError(Exception):
    """A request the server cannot answer with predictions; ``details`` go into the body."""

    status: ClassVar[int] = 400
    error_code: ClassVar[str] = "BAD_REQUEST"
    error_class: ClassVar[str] = "INVALID_PARAMETER_VALUE"
    sqlstate: ClassVar[str | None] = None

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = {key: value for key, value in details.items() if value not in (None, [])}

    def body(self) -> dict[str, Any]:
        """The JSON error body, MLflow's keys first."""
        body: dict[str, Any] = {"error_code": self.error_code, "message": self.message}
        if self.sqlstate is not None:
            body["sqlstate"] = self.sqlstate
        body["error_class"] = self.error_class
        body.update(self.details)
        return body

    def json(self) -> bytes:
        """The body, encoded."""
        return orjson.dumps(self.body(), option=orjson.OPT_NON_STR_KEYS, default=str)


class BadInput(ScoringError):
    """The body cannot be read as any of the accepted input forms."""

    sqlstate = "KAM00"


class SchemaMismatch(ScoringError):
    """The input does not fit the model's signature (KAM01): a missing column, a wrong type."""

    error_code = "INVALID_PARAMETER_VALUE"
    error_class = "SCHEMA_ENFORCEMENT_FAILED"
    sqlstate = "KAM01"


class ModelPredictionFailed(ScoringError):
    """The model rejected this input (it raised ValueError, TypeError, KeyError...)."""

    error_class = "MODEL_PREDICTION_FAILED"


class ModelCrashed(ScoringError):
    """The model failed for a reason the input does not explain."""

    status = 500
    error_code = "INTERNAL_ERROR"
    error_class = "MODEL_PREDICTION_FAILED"


class UnsupportedContentType(ScoringError):
    """A body whose Content-Type is missing or not one the server reads."""

    status = 415
    error_class = "UNSUPPORTED_CONTENT_TYPE"


class RequestTooLarge(ScoringError):
    """A body over ``--max-body-bytes`` or a request over ``--max-rows``."""

    status = 413
    error_code = "REQUEST_LIMIT_EXCEEDED"
    error_class = "REQUEST_TOO_LARGE"


class ModelNotServed(ScoringError):
    """No served model (or version) has this name."""

    status = 404
    error_code = "RESOURCE_DOES_NOT_EXIST"
    error_class = "MODEL_NOT_SERVED"


class ModelNotReady(ScoringError):
    """The model is still loading, or could not be loaded."""

    status = 503
    error_code = "TEMPORARILY_UNAVAILABLE"
    error_class = "MODEL_NOT_READY"


class PredictionTimeout(ScoringError):
    """The prediction took longer than ``--timeout``."""

    status = 504
    error_code = "DEADLINE_EXCEEDED"
    error_class = "PREDICTION_TIMEOUT"


class EndpointNotFound(ScoringError):
    """No route has this path."""

    status = 404
    error_code = "ENDPOINT_NOT_FOUND"
    error_class = "ENDPOINT_NOT_FOUND"


class MethodNotAllowed(ScoringError):
    """The route exists but not with this method."""

    status = 405
    error_class = "METHOD_NOT_ALLOWED"


class ServerBug(ScoringError):
    """An unexpected error of the server itself (logged with its traceback)."""

    status = 500
    error_code = "INTERNAL_ERROR"
    error_class = "INTERNAL_ERROR"
