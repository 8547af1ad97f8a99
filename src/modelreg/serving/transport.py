"""What both protocols do around a prediction: read the body within its limit, parse big
bodies off the event loop, check the row limit, and name the answering version in headers."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio.to_thread
from starlette.requests import Request

from modelreg.serving.errors import BadInput, RequestTooLarge
from modelreg.serving.loading import LoadedModel

__all__ = ["check_rows", "off_loop", "read_body", "version_headers"]

#: Bodies up to this size are parsed on the event loop; bigger ones in a thread.
INLINE_PARSE_BYTES = 64 * 1024

T = TypeVar("T")


async def read_body(request: Request, limit: int) -> bytes:
    """The request's body; raises RequestTooLarge beyond ``limit`` bytes without reading on."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            size = int(declared)
        except ValueError:
            raise BadInput(f"Invalid Content-Length header: {declared!r}.") from None
        if size > limit:
            raise _too_large(size, limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(None, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(size: int | None, limit: int) -> RequestTooLarge:
    got = f"{size} bytes" if size is not None else "more"
    return RequestTooLarge(
        f"The request body has {got}; this server accepts at most {limit} bytes "
        "(--max-body-bytes). Split the input into smaller requests.",
        limit_bytes=limit,
    )


async def off_loop(size: int, parse: Callable[[], T]) -> T:
    """``parse()``: inline for small bodies, in a worker thread for big ones."""
    if size <= INLINE_PARSE_BYTES:
        return parse()
    return await anyio.to_thread.run_sync(parse)


def check_rows(rows: int, limit: int) -> None:
    """Raise RequestTooLarge when a request carries more than ``limit`` rows."""
    if rows > limit:
        raise RequestTooLarge(
            f"The request has {rows} rows; this server predicts at most {limit} rows per "
            "request (--max-rows). Split the input into smaller requests.",
            rows=rows,
            limit_rows=limit,
        )


def version_headers(
    name: str, loaded: LoadedModel | None, variant: str | None = None
) -> dict[str, str]:
    """``X-Model-Name``, ``X-Model-Version`` (registered models) and, for models with a
    canary, ``X-Model-Variant`` (primary or canary)."""
    headers = {"X-Model-Name": name}
    if loaded is not None and loaded.version is not None:
        headers["X-Model-Version"] = str(loaded.version)
    if variant is not None:
        headers["X-Model-Variant"] = variant
    return headers
