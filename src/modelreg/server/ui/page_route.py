"""``PageRoute``: a route whose failures are answered with an HTML error page, not JSON.

Domain errors get the status their error code maps to (missing model or version: 404),
refused forms 403, and anything unexpected a 500 page without internals (logged with its
traceback). The JSON error handlers of the REST API are untouched.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.responses import Response

from modelreg.errors import ModelRegistryError
from modelreg.server.errors import STATUS_BY_ERROR_CODE
from modelreg.server.ui.csrf import CsrfRefused
from modelreg.server.ui.rendering import Pages

__all__ = ["page_route_class"]

logger = logging.getLogger(__name__)


def _validation_message(error: RequestValidationError) -> str:
    problems = []
    for problem in error.errors():
        where = ".".join(
            str(part) for part in problem.get("loc", ()) if part not in ("query", "path")
        )
        problems.append(f"Invalid value for '{where}': {problem.get('msg')}.")
    return " ".join(problems) or "Invalid request."


def page_route_class(pages: Pages) -> type[APIRoute]:
    """An ``APIRoute`` class that renders failures with ``pages``."""

    async def failure(request: Request, error: Exception) -> Response:
        if isinstance(error, CsrfRefused):
            return pages.error(request, 403, error.reason)
        if isinstance(error, ModelRegistryError):
            return pages.error(
                request, STATUS_BY_ERROR_CODE.get(error.error_code, 500), error.message
            )
        if isinstance(error, RequestValidationError):
            return pages.error(request, 400, _validation_message(error))
        if isinstance(error, HTTPException):
            return pages.error(request, error.status_code, str(error.detail))
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return pages.error(request, 500, f"Internal error: {type(error).__name__}.")

    class PageRoute(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            handler = super().get_route_handler()

            async def guarded(request: Request) -> Response:
                try:
                    return await handler(request)
                except Exception as error:  # every failure becomes a page
                    return await failure(request, error)

            return guarded

    return PageRoute
