"""RemoteRegistration: registering models on a server, and fetching any model's files.

A local model folder is uploaded through the server's artifact proxy to a staging folder
and registered from there; the server copies it into registry storage, then the staging
folder is removed. ``models:/`` URIs are resolved here, as MLflow's client does, with the
registry endpoints; the files come through the proxy into the local cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from modelreg import validation
from modelreg.artifacts import artifact_store_for
from modelreg.entities import ModelVersion
from modelreg.errors import InvalidParameterValue, RegisteredModelAlreadyExists
from modelreg.model_fetch import (
    ModelLocation,
    fetch_model,
    require_model,
    require_ready,
    resolve_version,
)
from modelreg.remote.artifacts import SCHEME, ProxyArtifactStore
from modelreg.remote.registry import RemoteRegistry
from modelreg.remote.tracking import RemoteTracking
from modelreg.uris import (
    MODELS_SCHEME,
    RUNS_SCHEME,
    parse_models_uri,
    parse_runs_uri,
    scheme_of,
)

UPLOADS = "uploads"


class RemoteRegistration:
    """register_model and download_model against a modelreg server."""

    def __init__(self, registry: RemoteRegistry, tracking: RemoteTracking, cache_dir: Path) -> None:
        self.registry = registry
        self.tracking = tracking
        self.cache_dir = cache_dir

    def locate(self, model_uri: str) -> ModelLocation:
        """Where the files of ``model_uri`` are, seen from this client."""
        scheme = scheme_of(model_uri)
        if scheme == MODELS_SCHEME:
            version = resolve_version(self.registry, parse_models_uri(model_uri))
            require_ready(version)
            uri = self.registry.get_model_version_download_uri(version.name, version.version)
            return ModelLocation(self.tracking.store_for(uri), "", version.run_id, version)
        if scheme == RUNS_SCHEME:
            runs_uri = parse_runs_uri(model_uri)
            run = self.tracking.get_run(runs_uri.run_id)
            store = self.tracking.store_for(run.info.artifact_uri)
            return ModelLocation(store, runs_uri.path, runs_uri.run_id)
        if scheme in ("", "file:", "s3:"):
            return ModelLocation(artifact_store_for(model_uri), "")
        if scheme == SCHEME:
            return ModelLocation(self.tracking.store_for(model_uri), "")
        raise InvalidParameterValue(
            f"Unsupported model URI '{model_uri}': use models:/, runs:/, s3://, file:// "
            "or a local folder."
        )

    def download_model(self, model_uri: str, dst_path: str | None = None) -> Path:
        """A local folder with the files of ``model_uri``."""
        return fetch_model(self.locate(model_uri), model_uri, dst_path, self.cache_dir)

    def create_model_version(
        self,
        name: str,
        source: str,
        run_id: str | None = None,
        tags: dict[str, str] | None = None,
        run_link: str | None = None,
        description: str | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> ModelVersion:
        """MlflowClient's create_model_version; the server copies model folders it can reach."""
        return self.registry.create_model_version(
            name, source, run_id, tags, run_link, description, idempotency_key=idempotency_key
        )

    def register_model(
        self,
        model_uri: str,
        name: str,
        tags: dict[str, str] | None = None,
        *,
        description: str | None = None,
        idempotency_key: str | None = None,
    ) -> ModelVersion:
        """Register ``model_uri`` as the next version of ``name`` (created when missing)."""
        name = validation.model_name(name)
        location = self.locate(model_uri)
        require_model(location, model_uri)
        with contextlib.suppress(RegisteredModelAlreadyExists):
            self.registry.create_registered_model(name)
        if scheme_of(model_uri) not in ("", "file:"):
            return self.create_model_version(
                name,
                model_uri,
                location.run_id,
                tags,
                description=description,
                idempotency_key=idempotency_key,
            )
        uploads = ProxyArtifactStore(self.registry.rest, UPLOADS)
        # A retry with the same key uploads to the same place, so the server sees the same
        # source and returns the version the first attempt registered.
        folder = (
            hashlib.sha256(f"{name}\0{idempotency_key}".encode()).hexdigest()[:32]
            if idempotency_key
            else uuid.uuid4().hex
        )
        uploads.put_dir(folder, _local_path(model_uri))
        try:
            return self.create_model_version(
                name,
                uploads.uri(folder),
                None,
                tags,
                description=description,
                idempotency_key=idempotency_key,
            )
        finally:
            uploads.delete(folder)


def _local_path(model_uri: str) -> Path:
    """The folder a plain path or ``file://`` URI names."""
    if scheme_of(model_uri) == "file:":
        return Path(urlsplit(model_uri).path)
    return Path(model_uri)
