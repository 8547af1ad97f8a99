"""Choosing the store by URI scheme, and the package's public names."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

import modelreg.artifacts
from modelreg.artifacts import LocalArtifactStore, S3ArtifactStore, artifact_store_for
from modelreg.errors import InvalidParameterValue


def test_a_plain_path_is_a_local_store(tmp_path: Path) -> None:
    store = artifact_store_for(str(tmp_path / "artifacts"))
    assert isinstance(store, LocalArtifactStore)
    assert store.root == tmp_path.resolve() / "artifacts"


@pytest.mark.parametrize("prefix", ["file://", "file://localhost", "FILE://"])
def test_a_file_uri_is_a_local_store(tmp_path: Path, prefix: str) -> None:
    directory = tmp_path / "with space"
    uri = prefix + directory.as_uri().removeprefix("file://")
    store = artifact_store_for(uri)
    assert isinstance(store, LocalArtifactStore)
    assert store.root == directory.resolve()
    assert store.uri() == directory.resolve().as_uri()


def test_a_file_uri_on_another_host_is_refused() -> None:
    with pytest.raises(InvalidParameterValue, match="only local files"):
        artifact_store_for("file://fileserver/share/artifacts")


def test_an_s3_uri_is_an_s3_store_with_the_endpoint_from_environ() -> None:
    store = artifact_store_for(
        "s3://bucket/modelreg/artifacts", environ={"AWS_ENDPOINT_URL": "http://minio:9000"}
    )
    assert isinstance(store, S3ArtifactStore)
    assert (store.bucket, store.prefix) == ("bucket", "modelreg/artifacts")
    assert store.endpoint_url == "http://minio:9000"
    assert store.uri() == "s3://bucket/modelreg/artifacts"


@pytest.mark.parametrize(
    ("uri", "scheme"),
    [
        ("gs://bucket/x", "gs"),
        ("mlflow-artifacts:/1/models", "mlflow-artifacts"),
        ("https://example.com/x", "https"),
        ("hdfs://namenode/x", "hdfs"),
    ],
)
def test_an_unknown_scheme_is_refused_naming_it(uri: str, scheme: str) -> None:
    with pytest.raises(InvalidParameterValue) as caught:
        artifact_store_for(uri)
    message = str(caught.value)
    assert f"Unsupported artifact URI scheme '{scheme}'" in message
    assert uri in message
    assert "s3://" in message


def test_an_empty_uri_is_refused() -> None:
    with pytest.raises(InvalidParameterValue, match="must not be empty"):
        artifact_store_for("")


def test_the_public_names_are_exactly_all() -> None:
    public = {
        name
        for name, value in vars(modelreg.artifacts).items()
        if not name.startswith("_") and not inspect.ismodule(value)
    }
    assert public == set(modelreg.artifacts.__all__)
