"""The one place domain errors become HTTP: status codes and MLflow's JSON error body."""

from __future__ import annotations

import logging

import orjson
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from modelreg.errors import ModelRegistryError

logger = logging.getLogger(__name__)

#: HTTP status of each MLflow error code (unlisted codes are server errors).
STATUS_BY_ERROR_CODE = {
    "INVALID_PARAMETER_VALUE": 400,
    "BAD_REQUEST": 400,
    "RESOURCE_ALREADY_EXISTS": 400,
    "RESOURCE_DOES_NOT_EXIST": 404,
    "ENDPOINT_NOT_FOUND": 404,
    "PERMISSION_DENIED": 403,
    "UNAUTHENTICATED": 401,
    "RESOURCE_CONFLICT": 409,
    "REQUEST_LIMIT_EXCEEDED": 429,
    "TEMPORARILY_UNAVAILABLE": 503,
    "INTERNAL_ERROR": 500,
    "DATA_LOSS": 500,
    "IO_ERROR": 507,  # StorageFull: Insufficient Storage
}


def error_response(error_code: str, message: str, status: int | None = None) -> Response:
    """MLflow's error body: ``{"error_code": ..., "message": ...}``."""
    body = orjson.dumps({"error_code": error_code, "message": message})
    return Response(
        body,
        status_code=status or STATUS_BY_ERROR_CODE.get(error_code, 500),
        media_type="application/json",
    )


async def registry_error(_request: Request, error: Exception) -> Response:
    """A domain error, with the status its error code maps to."""
    assert isinstance(error, ModelRegistryError)
    return error_response(error.error_code, error.message)


async def validation_error(_request: Request, error: Exception) -> Response:
    """A request that does not fit the endpoint's schema: 400 naming the first problem."""
    assert isinstance(error, RequestValidationError)
    problems = []
    for problem in error.errors():
        where = ".".join(
            str(part) for part in problem.get("loc", ()) if part not in ("body", "query", "path")
        )
        if not where:
            problems.append(f"Invalid request body: {problem.get('msg')}.")
        elif problem.get("type") == "missing":
            problems.append(f"Missing value for required parameter '{where}'.")
        else:
            problems.append(f"Invalid value for parameter '{where}': {problem.get('msg')}.")
    return error_response("INVALID_PARAMETER_VALUE", " ".join(problems) or "Invalid request.")


async def http_error(_request: Request, error: Exception) -> Response:
    """Starlette's HTTP errors (unknown route, wrong method) as JSON."""
    assert isinstance(error, HTTPException)
    code = "ENDPOINT_NOT_FOUND" if error.status_code == 404 else "BAD_REQUEST"
    return error_response(code, str(error.detail), error.status_code)


async def unexpected_error(request: Request, error: Exception) -> Response:
    """Anything else: logged with its traceback, answered without one."""
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return error_response("INTERNAL_ERROR", f"Internal error: {type(error).__name__}")
