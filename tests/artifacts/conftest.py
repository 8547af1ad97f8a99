"""Fixtures for the artifact stores: a temporary local root, and a real S3-compatible server.

The S3 side talks HTTP to moto's standalone server, started once per test session (per xdist
worker) as a subprocess on a free loopback port; each test gets its own prefix in one bucket.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from modelreg.artifacts import (
    ArtifactStore,
    LocalArtifactStore,
    S3ArtifactStore,
    S3TransferSettings,
    artifact_store_for,
)


@pytest.fixture
def make_s3_store(s3_bucket: str, moto_endpoint: str) -> Callable[..., ArtifactStore]:
    """Build S3 stores as the application does: from a URI, the endpoint in an environ mapping."""

    def make(transfer: S3TransferSettings | None = None) -> ArtifactStore:
        return artifact_store_for(
            f"s3://{s3_bucket}/run-{uuid.uuid4().hex}/artifacts",
            environ={"MLFLOW_S3_ENDPOINT_URL": moto_endpoint},
            s3_transfer=transfer,
        )

    return make


def bucket_keys(client: Any, bucket: str) -> set[str]:
    """Every key in ``bucket``."""
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return {item["Key"] for page in pages for item in page.get("Contents", [])}


@dataclass
class Backend:
    """A store and a view of everything in the storage it lives in, inside its root or not."""

    name: str
    store: ArtifactStore
    everything: Callable[[], set[str]]


@pytest.fixture(params=["local", "s3"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    """An empty store on each backend."""
    if request.param == "local":
        root = tmp_path / "area" / "root"
        store: ArtifactStore = LocalArtifactStore(root)

        def files() -> set[str]:
            return {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")}

        return Backend("local", store, files)
    # One shared client keeps the suite fast (a new boto3 session costs ~0.2 s);
    # make_s3_store covers building stores from URIs.
    client = request.getfixturevalue("s3_client")
    bucket: str = request.getfixturevalue("s3_bucket")
    endpoint: str = request.getfixturevalue("moto_endpoint")
    store = S3ArtifactStore(bucket, "run/artifacts", endpoint_url=endpoint, client=client)
    return Backend("s3", store, lambda: bucket_keys(client, bucket))


@pytest.fixture
def store(backend: Backend) -> ArtifactStore:
    """An empty store on each backend."""
    return backend.store
