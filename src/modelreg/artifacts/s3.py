"""``S3ArtifactStore``: artifacts under an ``s3://bucket/prefix`` URI, through boto3.

boto3 is imported when a store is created, so it stays an optional extra. Transfers stream
in chunks; files above the multipart threshold go up in parts, several at a time.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, cast
from urllib.parse import urlsplit

from modelreg.artifacts.base import ArtifactNotFound, ArtifactStore, FileInfo
from modelreg.artifacts.paths import normalize
from modelreg.artifacts.progress import Readable
from modelreg.errors import InternalError, InvalidParameterValue

__all__ = ["S3ArtifactStore", "S3TransferSettings", "s3_endpoint_url"]

MiB = 1024 * 1024
#: Read in this order; the first one set wins.
ENDPOINT_URL_VARIABLES = ("MLFLOW_S3_ENDPOINT_URL", "AWS_ENDPOINT_URL")
_MISSING_CODES = frozenset({"404", "NoSuchKey", "NotFound"})
_DELETE_BATCH = 1000  # the most keys one DeleteObjects request takes


def s3_endpoint_url(environ: Mapping[str, str] | None = None) -> str | None:
    """The S3 endpoint from ``MLFLOW_S3_ENDPOINT_URL`` or ``AWS_ENDPOINT_URL``, if set."""
    env = os.environ if environ is None else environ
    return next((env[name] for name in ENDPOINT_URL_VARIABLES if env.get(name)), None)


@dataclass(frozen=True)
class S3TransferSettings:
    """How files are split and sent.

    At most ``max_concurrency`` parts of ``multipart_chunksize`` bytes are held in memory
    while uploading a stream; files uploaded by name are read part by part from disk.
    """

    multipart_threshold: int = 16 * MiB
    multipart_chunksize: int = 8 * MiB
    max_concurrency: int = 4


def _import(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ImportError(
            f"s3:// artifact stores need boto3, which is not installed ({error}). "
            "Install it with: pip install 'modelreg[s3]'"
        ) from error


class S3ArtifactStore(ArtifactStore):
    """Artifacts under ``s3://bucket/prefix`` on AWS S3 or an S3-compatible server.

    Credentials and region come from boto3's usual sources; the endpoint is passed in
    (:meth:`from_uri` reads it with :func:`s3_endpoint_url`). With a custom endpoint,
    path-style addressing is used, which every S3-compatible server understands.
    """

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        endpoint_url: str | None = None,
        transfer: S3TransferSettings | None = None,
        client: Any = None,
    ) -> None:
        if not bucket or "/" in bucket:
            raise InvalidParameterValue(f"Invalid S3 bucket name: '{bucket}'")
        self.bucket = bucket
        self.prefix = normalize(prefix, allow_root=True)
        self.endpoint_url = endpoint_url
        settings = transfer or S3TransferSettings()
        boto3 = _import("boto3")
        self._client_error: type[Exception] = _import("botocore.exceptions").ClientError
        self._transfer = _import("boto3.s3.transfer").TransferConfig(
            multipart_threshold=settings.multipart_threshold,
            multipart_chunksize=settings.multipart_chunksize,
            max_concurrency=settings.max_concurrency,
            preferred_transfer_client="classic",
        )
        # Not a TransferConfig argument, but read by s3transfer: bounds the parts buffered
        # while uploading a stream (10 by default).
        self._transfer.max_in_memory_upload_chunks = settings.max_concurrency
        self._client = client if client is not None else _new_client(boto3, endpoint_url)

    @classmethod
    def from_uri(
        cls,
        uri: str,
        *,
        environ: Mapping[str, str] | None = None,
        transfer: S3TransferSettings | None = None,
    ) -> S3ArtifactStore:
        """The store for ``s3://bucket/prefix``, with the endpoint read from ``environ``."""
        parts = urlsplit(uri)
        if parts.scheme.lower() != "s3" or not parts.netloc:
            raise InvalidParameterValue(f"Not an s3://bucket/prefix URI: '{uri}'")
        return cls(
            parts.netloc,
            parts.path.removeprefix("/"),
            endpoint_url=s3_endpoint_url(environ),
            transfer=transfer,
        )

    def __repr__(self) -> str:
        return f"S3ArtifactStore({self._uri('')!r}, endpoint_url={self.endpoint_url!r})"

    def _key(self, relative: str) -> str:
        return "/".join(part for part in (self.prefix, relative) if part)

    def _is_missing(self, error: Exception) -> bool:
        response = getattr(error, "response", {})
        return response.get("Error", {}).get("Code") in _MISSING_CODES

    def _uri(self, relative: str) -> str:
        return f"s3://{self.bucket}/{self._key(relative)}"

    def _put_stream(self, relative: str, stream: Readable) -> None:
        self._client.upload_fileobj(stream, self.bucket, self._key(relative), Config=self._transfer)

    def _put_file(self, relative: str, source: Path, advance: Callable[[int], None]) -> None:
        self._client.upload_file(
            str(source), self.bucket, self._key(relative), Config=self._transfer, Callback=advance
        )

    def _open(self, relative: str) -> BinaryIO:
        try:
            response = self._client.get_object(Bucket=self.bucket, Key=self._key(relative))
        except self._client_error as error:
            if self._is_missing(error):
                raise ArtifactNotFound(relative) from None
            raise
        # botocore's StreamingBody: an io.IOBase reading from the HTTP response.
        return cast(BinaryIO, response["Body"])

    def _size(self, relative: str) -> int:
        try:
            response = self._client.head_object(Bucket=self.bucket, Key=self._key(relative))
        except self._client_error as error:
            if self._is_missing(error):
                raise ArtifactNotFound(relative) from None
            raise
        return int(response["ContentLength"])

    def _get_file(self, relative: str, target: Path, advance: Callable[[int], None]) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            # s3transfer writes to a temporary name beside target and renames it when done.
            self._client.download_file(
                self.bucket,
                self._key(relative),
                str(target),
                Config=self._transfer,
                Callback=advance,
            )
        except self._client_error as error:
            if self._is_missing(error):
                raise ArtifactNotFound(relative) from None
            raise

    def _list(self, relative: str) -> list[FileInfo]:
        directory = self._key(relative)
        prefix = f"{directory}/" if directory else ""
        entries = []
        for page in self._pages(prefix, delimiter="/"):
            for common in page.get("CommonPrefixes", []):
                name = common["Prefix"][len(prefix) :].removesuffix("/")
                entries.append(FileInfo(f"{relative}/{name}" if relative else name, True))
            for item in page.get("Contents", []):
                name = item["Key"][len(prefix) :]
                if name:  # not the zero-byte "directory marker" some tools write
                    path = f"{relative}/{name}" if relative else name
                    entries.append(FileInfo(path, False, int(item["Size"])))
        return entries

    def _exists(self, relative: str) -> bool:
        if relative and self._is_file(relative):
            return True
        directory = self._key(relative)
        response = self._client.list_objects_v2(
            Bucket=self.bucket, Prefix=f"{directory}/" if directory else "", MaxKeys=1
        )
        return int(response.get("KeyCount", 0)) > 0

    def _delete(self, relative: str) -> None:
        keys = [self._key(relative)] if self._is_file(relative) else []
        for page in self._pages(f"{self._key(relative)}/"):
            keys.extend(item["Key"] for item in page.get("Contents", []))
        if not keys:
            raise ArtifactNotFound(relative)
        for start in range(0, len(keys), _DELETE_BATCH):
            batch = keys[start : start + _DELETE_BATCH]
            response = self._client.delete_objects(
                Bucket=self.bucket,
                Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True},
            )
            if errors := response.get("Errors"):
                raise InternalError(f"Could not delete {len(errors)} object(s): {errors[:3]}")

    def _is_file(self, relative: str) -> bool:
        try:
            self._client.head_object(Bucket=self.bucket, Key=self._key(relative))
        except self._client_error as error:
            if self._is_missing(error):
                return False
            raise
        return True

    def _pages(self, prefix: str, delimiter: str = "") -> Iterator[dict[str, Any]]:
        paginator = self._client.get_paginator("list_objects_v2")
        arguments = {"Bucket": self.bucket, "Prefix": prefix}
        if delimiter:
            arguments["Delimiter"] = delimiter
        pages: Iterator[dict[str, Any]] = paginator.paginate(**arguments)
        return pages


def _new_client(boto3: Any, endpoint_url: str | None) -> Any:
    config = _import("botocore.config").Config(
        # The endpoint is ours to choose: botocore must not read AWS_ENDPOINT_URL itself.
        ignore_configured_endpoint_urls=True,
        s3={"addressing_style": "path"} if endpoint_url else {},
    )
    return boto3.session.Session().client("s3", endpoint_url=endpoint_url, config=config)
