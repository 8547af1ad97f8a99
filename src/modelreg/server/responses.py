"""Fast JSON responses (orjson), shared by every route group."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response


class JSONResponse(Response):
    """``application/json`` rendered with orjson."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def json_body(body: bytes) -> Response:
    """A response carrying ``body``, already rendered JSON."""
    return Response(body, media_type="application/json")


EMPTY = b"{}"


def empty() -> Response:
    """MLflow's answer to a mutation that returns nothing: ``{}``."""
    return json_body(EMPTY)
