"""ProxyArtifactStore: artifacts under ``mlflow-artifacts:/`` reached through a server's proxy."""

from __future__ import annotations

import builtins
import io
import posixpath
from collections.abc import Iterator
from typing import BinaryIO
from urllib.parse import quote

from modelreg.artifacts import ArtifactNotFound, ArtifactStore, FileInfo, Readable
from modelreg.remote.http import RestClient

PROXY = "/api/2.0/mlflow-artifacts/artifacts"
SCHEME = "mlflow-artifacts:"
_CHUNK = 1 << 20


class _ChunkReader(io.RawIOBase):
    """A read-only binary file over an iterator of byte chunks."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = chunk
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def close(self) -> None:
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()
        super().close()


def _chunks(stream: Readable) -> Iterator[bytes]:
    while chunk := stream.read(_CHUNK):
        yield chunk


class ProxyArtifactStore(ArtifactStore):
    """Files below ``root`` in a server's artifact proxy, streamed both ways."""

    def __init__(self, rest: RestClient, root: str) -> None:
        self.rest = rest
        self.root = root.strip("/")

    @classmethod
    def from_uri(cls, rest: RestClient, uri: str) -> ProxyArtifactStore:
        """The store for ``mlflow-artifacts:/<path>`` (or ``mlflow-artifacts://host/<path>``)."""
        body = uri[len(SCHEME) :]
        if body.startswith("//"):
            body = body[2:].partition("/")[2]
        return cls(rest, body)

    def _full(self, relative: str) -> str:
        return posixpath.join(self.root, relative) if relative else self.root

    def _url(self, relative: str) -> str:
        return f"{PROXY}/{quote(self._full(relative))}"

    def _uri(self, relative: str) -> str:
        return f"{SCHEME}/{self._full(relative)}"

    def _put_stream(self, relative: str, stream: Readable) -> None:
        self.rest.request("PUT", self._url(relative), content=_chunks(stream))

    def _open(self, relative: str) -> BinaryIO:
        reader = io.BufferedReader(_ChunkReader(self.rest.stream(self._url(relative))), _CHUNK)
        return reader

    def _entries(self, relative: str) -> builtins.list[FileInfo]:
        response = self.rest.request("GET", PROXY, params={"path": self._full(relative)})
        files = response.json().get("files", []) if response.content else []
        return [
            FileInfo(
                posixpath.join(relative, entry["path"]) if relative else entry["path"],
                bool(entry.get("is_dir", False)),
                entry.get("file_size"),
            )
            for entry in files
        ]

    def _list(self, relative: str) -> builtins.list[FileInfo]:
        return self._entries(relative)

    def _entry(self, relative: str) -> FileInfo | None:
        parent = posixpath.dirname(relative)
        return next((e for e in self._entries(parent) if e.path == relative), None)

    def _size(self, relative: str) -> int:
        entry = self._entry(relative)
        if entry is None or entry.is_dir:
            raise ArtifactNotFound(relative)
        return entry.file_size or 0

    def _exists(self, relative: str) -> bool:
        if not relative:
            return bool(self._entries(""))
        return self._entry(relative) is not None

    def _delete(self, relative: str) -> None:
        self.rest.request("DELETE", self._url(relative))
