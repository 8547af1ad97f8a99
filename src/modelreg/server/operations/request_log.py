"""ASGI middleware: a request id for every request, one JSON log line per answer, metrics."""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from modelreg.server.operations import request_context
from modelreg.server.operations.metrics import ServerMetrics

__all__ = ["REQUEST_ID_HEADER", "RequestLog"]

REQUEST_ID_HEADER = "x-request-id"
logger = logging.getLogger("modelreg.server.requests")


class RequestLog:
    """Tag each HTTP request with an id (the caller's ``X-Request-Id`` if sane, else a new
    one, echoed in the response), log it when answered, and count it in ``metrics``."""

    def __init__(self, app: ASGIApp, metrics: ServerMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        given = headers.get(REQUEST_ID_HEADER.encode())
        request_id = request_context.request_id_from(given.decode("latin-1") if given else None)
        status = 500
        start = time.perf_counter()

        async def answer(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (REQUEST_ID_HEADER.encode(), request_id.encode()),
                ]
            await send(message)

        token = request_context.bind(request_id)
        try:
            await self.app(scope, receive, answer)
        finally:
            seconds = time.perf_counter() - start
            route = _route_template(scope)
            self.metrics.observe(scope["method"], route, status, seconds)
            logger.info(
                "%s %s %d",
                scope["method"],
                scope["path"],
                status,
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "route": route,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 3),
                    "client": _client(scope),
                },
            )
            request_context.unbind(token)


def _route_template(scope: Scope) -> str:
    """The matched route's full path template (bounded label values), or ``unmatched``.

    A route of an included router knows its path relative to the router's prefix; the
    prefix is the part of the request path before the shortest tail the route matches.
    """
    route: Any = scope.get("route")
    template, pattern = getattr(route, "path_format", None), getattr(route, "path_regex", None)
    if template is None or pattern is None:
        return "unmatched"
    path: str = scope["path"]
    starts = [i for i, char in enumerate(path) if char == "/"]
    for start in reversed(starts):
        if pattern.match(path[start:]):
            return path[:start] + str(template)
    return str(template)


def _client(scope: Scope) -> str | None:
    client = scope.get("client")
    return f"{client[0]}:{client[1]}" if client else None
