"""Fetching a model's files from wherever they are stored to a local folder.

Shared by the in-process registration service and the remote client: both find a
:class:`ModelLocation` their own way, then fetch it here, with a local cache for
registered versions keyed by the hash of their checksum manifest.
"""

from __future__ import annotations

import hashlib
import posixpath
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from modelreg.artifacts import ArtifactStore, LocalArtifactStore, normalize
from modelreg.entities import ModelVersion, ModelVersionStatus
from modelreg.errors import InvalidParameterValue, ResourceNotFound
from modelreg.models.checksums import CHECKSUMS_FILE_NAME, verify_checksums
from modelreg.operations import RegistryOperations
from modelreg.uris import ModelsUri

MLMODEL = "MLmodel"


@dataclass(frozen=True)
class ModelLocation:
    """Where a model's files are: a folder ``path`` inside ``store``, and the run if known."""

    store: ArtifactStore
    path: str
    run_id: str | None = None
    version: ModelVersion | None = None


def resolve_version(registry: RegistryOperations, uri: ModelsUri) -> ModelVersion:
    """The version a ``models:/`` URI names: by number, alias, stage (the highest version in
    it) or ``latest`` (the highest version of all)."""
    if uri.version is not None:
        return registry.get_model_version(uri.name, uri.version)
    if uri.alias is not None:
        return registry.get_model_version_by_alias(uri.name, uri.alias)
    stages = [uri.stage.value] if uri.stage is not None else None
    versions = registry.get_latest_versions(uri.name, stages)
    if not versions:
        where = f"in stage '{uri.stage.value}'" if uri.stage is not None else "at all"
        raise ResourceNotFound(f"Registered model '{uri.name}' has no versions {where}.")
    return max(versions, key=lambda version: version.version)


def require_ready(version: ModelVersion) -> None:
    """Raise unless the version's files were registered completely."""
    if version.status != ModelVersionStatus.READY:
        raise InvalidParameterValue(
            f"Model version {version.name}/{version.version} is {version.status.value}: "
            "only READY versions can be loaded."
            + (f" {version.status_message}" if version.status_message else "")
        )


def require_model(location: ModelLocation, model_uri: str) -> None:
    """Raise ResourceNotFound unless the location holds an ``MLmodel`` file."""
    if not location.store.exists(posixpath.join(location.path, MLMODEL)):
        raise ResourceNotFound(
            f"No model at '{model_uri}': the folder has no MLmodel file. Save the model with "
            "modelreg (or MLflow) first, e.g. modelreg.sklearn.save_model(model, path)."
        )


def fetch_model(
    location: ModelLocation, model_uri: str, dst_path: str | None, cache_dir: Path
) -> Path:
    """A local folder with the files at ``location``.

    A folder already on this machine is used where it is; registered versions are
    cached by the hash of their manifest (checked before the copy is published), so
    loading one twice downloads it once; anything else, or any model when ``dst_path``
    is given, is downloaded afresh.
    """
    require_model(location, model_uri)
    if dst_path is None:
        if isinstance(location.store, LocalArtifactStore):
            # Used in place; the flavor's loader checks the manifest as it loads.
            return location.store.root / normalize(location.path, allow_root=True)
        manifest = posixpath.join(location.path, CHECKSUMS_FILE_NAME)
        if location.version is not None and location.store.exists(manifest):
            return _cached(location, manifest, cache_dir)
    target = Path(dst_path or tempfile.mkdtemp(prefix="modelreg-model-"))
    location.store.download_dir(location.path, target)
    return target


def _cached(location: ModelLocation, manifest: str, cache_dir: Path) -> Path:
    with location.store.open(manifest) as stream:
        key = hashlib.sha256(stream.read()).hexdigest()
    cached = cache_dir / "models" / key
    if cached.is_dir():
        return cached
    cached.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".download-", dir=cached.parent))
    try:
        location.store.download_dir(location.path, staging)
        verify_checksums(staging)
        staging.rename(cached)
    except OSError:
        # Another process filled the cache first: use its copy.
        if not cached.is_dir():
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return cached
