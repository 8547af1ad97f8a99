"""The artifact proxy, ``/api/2.0/mlflow-artifacts/artifacts``: MLflow's ``mlflow-artifacts:``.

Clients upload, list, download and delete files under the server's artifact root without
credentials for the storage behind it. Bodies stream in chunks both ways; paths are checked
by the artifact store (``..``, absolute paths: 400), missing files are 404. The registry's
own copies of model versions (``registry/``) are read-only here.
"""

from __future__ import annotations

import mimetypes
import posixpath
from collections.abc import AsyncIterator, Iterator
from typing import BinaryIO

import anyio
import anyio.from_thread
import anyio.to_thread
from fastapi import APIRouter, Request
from starlette.responses import Response, StreamingResponse

from modelreg.artifacts import normalize
from modelreg.artifacts.atomic import CHUNK_SIZE
from modelreg.errors import PermissionDenied
from modelreg.server.dependencies import ArtifactProxy
from modelreg.server.responses import JSONResponse, empty
from modelreg.service.registration import REGISTRY_FOLDER

PREFIXES = ("/api/2.0/mlflow-artifacts", "/ajax-api/2.0/mlflow-artifacts")

#: Served as text/plain, as MLflow's server does (MLmodel has no extension).
_TEXT_SUFFIXES = frozenset(
    {"txt", "log", "cfg", "conf", "ini", "toml", "yaml", "yml", "xml", "json", "py", "csv"}
    | {"tsv", "md", "rst", "ipynb", "MLmodel", "MLproject"}
)

_routes = APIRouter(tags=["artifacts"])


class RequestBody:
    """The request's body as a blocking stream, for a store writing from a worker thread.

    ``read(n)`` returns ``n`` bytes (fewer only at the end). The server receives a body in
    small pieces (64 KiB or less); each trip to the event loop gathers pieces up to the size
    asked for, so a 1 GiB upload costs a thousand trips, not sixteen thousand, and only
    about one read's worth is held in memory at a time.
    """

    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = bytearray()
        self._done = False

    async def _gather(self, size: int) -> None:
        while not self._done and (size < 0 or len(self._buffer) < size):
            try:
                self._buffer += await self._chunks.__anext__()
            except StopAsyncIteration:
                self._done = True

    def read(self, size: int = -1, /) -> bytes:
        """Up to ``size`` bytes (all the rest when negative); ``b""`` at the end."""
        if not self._done and (size < 0 or len(self._buffer) < size):
            anyio.from_thread.run(self._gather, size)
        size = len(self._buffer) if size < 0 else size
        chunk = bytes(self._buffer[:size])
        del self._buffer[:size]
        return chunk


def _writable(path: str) -> str:
    """``path``, normalized, unless it is in the registry's read-only storage."""
    normal = normalize(path)
    if normal.split("/", 1)[0] == REGISTRY_FOLDER:
        raise PermissionDenied(
            f"'{path}' belongs to a registered model version, whose files never change."
        )
    return normal


def _media_type(path: str) -> str:
    name = posixpath.basename(path)
    suffix = posixpath.splitext(name)[1].lstrip(".") or name
    if suffix in _TEXT_SUFFIXES:
        return "text/plain"
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    with stream:
        while chunk := stream.read(CHUNK_SIZE):
            yield chunk


@_routes.put("/artifacts/{path:path}")
async def upload(path: str, request: Request, proxy: ArtifactProxy) -> Response:
    """Store the raw request body as the file ``path``, streamed in chunks."""
    target = _writable(path)
    body = RequestBody(request.stream())
    await anyio.to_thread.run_sync(proxy.store.put_stream, target, body)
    return Response(status_code=200)


@_routes.get("/artifacts/{path:path}")
def download(path: str, proxy: ArtifactProxy) -> Response:
    """The file ``path``, streamed; 404 if there is none."""
    return StreamingResponse(_chunks(proxy.store.open(path)), media_type=_media_type(path))


@_routes.get("/artifacts")
def list_artifacts(proxy: ArtifactProxy, path: str = "") -> Response:
    """The entries directly in the folder ``path``, named relative to it (``{}`` if none)."""
    files = []
    for entry in proxy.store.list(path):
        item: dict[str, object] = {"path": posixpath.basename(entry.path), "is_dir": entry.is_dir}
        if not entry.is_dir and entry.file_size is not None:
            item["file_size"] = entry.file_size
        files.append(item)
    return JSONResponse({"files": files} if files else {})


@_routes.delete("/artifacts/{path:path}")
def delete(path: str, proxy: ArtifactProxy) -> Response:
    """Delete the file or folder ``path``."""
    proxy.store.delete(_writable(path))
    return empty()


def router() -> APIRouter:
    """The proxy's routes under ``/api/2.0/mlflow-artifacts`` and its UI twin."""
    combined = APIRouter()
    for prefix in PREFIXES:
        combined.include_router(_routes, prefix=prefix, include_in_schema=prefix == PREFIXES[0])
    return combined
