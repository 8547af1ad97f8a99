"""What only the S3 store does: multipart transfers, endpoints, keys written by others."""

from __future__ import annotations

import hashlib
import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from modelreg.artifacts import (
    ArtifactStore,
    FileInfo,
    S3ArtifactStore,
    S3TransferSettings,
    s3_endpoint_url,
)
from modelreg.errors import InvalidParameterValue

MiB = 1024 * 1024
SMALL_PARTS = S3TransferSettings(
    multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB, max_concurrency=2
)


def key_of(store: ArtifactStore, path: str) -> tuple[str, str]:
    assert isinstance(store, S3ArtifactStore)
    bucket, _, key = store.uri(path).removeprefix("s3://").partition("/")
    return bucket, key


def etag(client: Any, store: ArtifactStore, path: str) -> str:
    bucket, key = key_of(store, path)
    value: str = client.head_object(Bucket=bucket, Key=key)["ETag"]
    return value.strip('"')


def sha256_of_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(MiB):
            digest.update(chunk)
    return digest.hexdigest()


@pytest.fixture
def eleven_mib_file(tmp_path: Path) -> Path:
    path = tmp_path / "model.bin"
    path.write_bytes(bytes(range(256)) * (11 * MiB // 256) + b"tail")
    return path


class NonSeekable:
    """A stream that can only be read forward, like an HTTP request body."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("rb")

    def read(self, size: int = -1, /) -> bytes:
        return self._file.read(size)

    def close(self) -> None:
        self._file.close()


def test_a_file_above_the_threshold_is_uploaded_in_parts(
    make_s3_store: Callable[..., ArtifactStore],
    s3_client: Any,
    eleven_mib_file: Path,
    tmp_path: Path,
) -> None:
    store = make_s3_store(SMALL_PARTS)
    progress: list[tuple[int, int]] = []
    store.put_file("m/model.bin", eleven_mib_file, on_progress=lambda d, t: progress.append((d, t)))
    assert etag(s3_client, store, "m/model.bin").endswith("-3")  # 5 + 5 + 1 MiB parts
    size = eleven_mib_file.stat().st_size
    assert progress[-1] == (size, size)
    assert store.list("m") == [FileInfo("m/model.bin", False, size)]
    store.download_file("m/model.bin", tmp_path / "copy.bin")  # ranged GETs, in parts too
    assert sha256_of_file(tmp_path / "copy.bin") == sha256_of_file(eleven_mib_file)


def test_a_forward_only_stream_above_the_threshold_is_uploaded_in_parts(
    make_s3_store: Callable[..., ArtifactStore], s3_client: Any, eleven_mib_file: Path
) -> None:
    store = make_s3_store(SMALL_PARTS)
    stream = NonSeekable(eleven_mib_file)
    try:
        store.put_stream("m/model.bin", stream)
    finally:
        stream.close()
    assert etag(s3_client, store, "m/model.bin").endswith("-3")
    digest = hashlib.sha256()
    with store.open("m/model.bin") as body:
        while chunk := body.read(MiB):
            digest.update(chunk)
    assert digest.hexdigest() == sha256_of_file(eleven_mib_file)


@pytest.mark.parametrize(
    ("size", "parts"), [(MiB, None), (int(5.5 * MiB), None), (7 * MiB, 2)], ids=str
)
def test_only_files_from_the_threshold_up_are_uploaded_in_parts(
    make_s3_store: Callable[..., ArtifactStore], s3_client: Any, size: int, parts: int | None
) -> None:
    settings = S3TransferSettings(multipart_threshold=6 * MiB, multipart_chunksize=5 * MiB)
    store = make_s3_store(settings)
    store.put_stream("f", io.BytesIO(b"x" * size))
    tag = etag(s3_client, store, "f")
    if parts is None:
        assert "-" not in tag
    else:
        assert tag.endswith(f"-{parts}")


def test_the_default_transfer_settings_are_multipart_with_bounded_memory() -> None:
    settings = S3TransferSettings()
    assert 5 * MiB <= settings.multipart_chunksize <= settings.multipart_threshold
    assert settings.multipart_chunksize * settings.max_concurrency <= 128 * MiB


def test_the_store_under_a_uri_keeps_to_its_prefix(
    make_s3_store: Callable[..., ArtifactStore], s3_client: Any, s3_bucket: str
) -> None:
    store = make_s3_store()
    store.put_stream("a/b", io.BytesIO(b"1"))
    bucket, key = key_of(store, "a/b")
    assert bucket == s3_bucket
    assert key.startswith("run-")
    assert key.endswith("/artifacts/a/b")
    keys = [item["Key"] for item in s3_client.list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == [key]


def test_keys_written_by_other_tools_that_the_api_cannot_address_are_skipped(
    make_s3_store: Callable[..., ArtifactStore], s3_client: Any, tmp_path: Path
) -> None:
    store = make_s3_store()
    bucket, prefix = key_of(store, "")
    for name in ["../../escaped", "a/../../b", "back\\slash", "dir/", "x//y", "ok/file"]:
        s3_client.put_object(Bucket=bucket, Key=f"{prefix}/{name}", Body=b"other tool")
    assert [entry.path for entry in store.list()] == ["a", "dir", "ok", "x"]
    assert store.list("a") == []  # "a/.." is skipped
    assert store.list("dir") == []  # the zero-byte directory marker is not a file
    assert store.list("x") == []  # "x//y" has an empty component
    store.download_dir("", tmp_path / "copy")
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert files == ["copy/ok/file"]


def test_directory_markers_are_directories_not_files(
    make_s3_store: Callable[..., ArtifactStore],
    s3_client: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = make_s3_store()
    bucket, prefix = key_of(store, "")
    s3_client.put_object(Bucket=bucket, Key=f"{prefix}/d/", Body=b"")  # as consoles write them
    s3_client.put_object(Bucket=bucket, Key=f"{prefix}/d/e/", Body=b"")
    store.put_stream("d/f", io.BytesIO(b"1"))
    assert store.list("d") == [FileInfo("d/e", True), FileInfo("d/f", False, 1)]
    assert store.list("d/e") == []
    assert caplog.records == []  # a marker is expected, not an oddity to warn about
    store.delete("d")
    assert s3_client.list_objects_v2(Bucket=bucket, Prefix=prefix)["KeyCount"] == 0


def test_the_endpoint_comes_from_mlflow_s3_endpoint_url_first() -> None:
    both = {"MLFLOW_S3_ENDPOINT_URL": "http://mlflow:9000", "AWS_ENDPOINT_URL": "http://aws"}
    assert s3_endpoint_url(both) == "http://mlflow:9000"
    assert s3_endpoint_url({"AWS_ENDPOINT_URL": "http://aws"}) == "http://aws"
    assert s3_endpoint_url({"MLFLOW_S3_ENDPOINT_URL": "", "AWS_ENDPOINT_URL": "http://aws"}) == (
        "http://aws"
    )
    assert s3_endpoint_url({}) is None


def test_the_endpoint_defaults_to_the_process_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MLFLOW_S3_ENDPOINT_URL", "http://from-env:9000")
    assert s3_endpoint_url() == "http://from-env:9000"
    store = S3ArtifactStore.from_uri("s3://bucket/prefix")
    assert store.endpoint_url == "http://from-env:9000"


def test_from_uri_reads_bucket_and_prefix() -> None:
    store = S3ArtifactStore.from_uri("s3://bucket/a/b/", environ={})
    assert (store.bucket, store.prefix, store.endpoint_url) == ("bucket", "a/b", None)
    assert store.uri("c") == "s3://bucket/a/b/c"
    assert S3ArtifactStore.from_uri("s3://bucket", environ={}).uri("c") == "s3://bucket/c"


@pytest.mark.parametrize("uri", ["s3:///prefix", "s3://", "file:///x"])
def test_from_uri_refuses_uris_without_a_bucket(uri: str) -> None:
    with pytest.raises(InvalidParameterValue, match="Not an s3://bucket/prefix URI"):
        S3ArtifactStore.from_uri(uri, environ={})


def test_a_prefix_leaving_the_bucket_root_is_refused() -> None:
    with pytest.raises(InvalidParameterValue, match=r"'\.\.' components"):
        S3ArtifactStore.from_uri("s3://bucket/a/../../b", environ={})


def test_a_missing_boto3_asks_for_the_s3_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)  # makes `import boto3` fail
    with pytest.raises(ImportError, match=r"pip install 'modelreg\[s3\]'"):
        S3ArtifactStore("bucket")
