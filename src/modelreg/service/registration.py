"""Registering model files as versions, and finding the files of any model URI.

A registration copies the model's files into storage the registry owns, so deleting the run
or the source folder never breaks a version. The version is PENDING_REGISTRATION while the
files are copied, then READY; if the copy fails it becomes FAILED_REGISTRATION with the
reason, and no partial copy is left behind.
"""

from __future__ import annotations

import contextlib
import logging
import posixpath
import tempfile
import uuid
from pathlib import Path

from modelreg import validation
from modelreg.artifacts import artifact_store_for
from modelreg.entities import ModelVersion, ModelVersionStatus
from modelreg.entities.logged_models import is_logged_model_id
from modelreg.errors import (
    InvalidParameterValue,
    ModelRegistryError,
    RegisteredModelAlreadyExists,
    ResourceNotFound,
)
from modelreg.model_fetch import (
    MLMODEL,
    ModelLocation,
    fetch_model,
    require_model,
    require_ready,
    resolve_version,
)
from modelreg.models.checksums import CHECKSUMS_FILE_NAME, verify_checksums, write_checksums
from modelreg.service.logged_models import LoggedModelService
from modelreg.service.registry import RegistryService
from modelreg.service.tracking import TrackingService
from modelreg.uris import (
    MODELS_SCHEME,
    RUNS_SCHEME,
    parse_models_uri,
    parse_runs_uri,
    scheme_of,
)

logger = logging.getLogger(__name__)

REGISTRY_FOLDER = "registry"
#: ``mlflow-artifacts:/<path>``: a path under the server's artifact root (MLflow's proxy scheme).
PROXIED_SCHEME = "mlflow-artifacts:"


class RegistrationFailed(ModelRegistryError):
    """The model's files could not be copied into the registry."""

    error_code = "INTERNAL_ERROR"


class RegistrationService:
    """register_model, and the resolution of models:/, runs:/ and storage URIs to files."""

    def __init__(
        self,
        registry: RegistryService,
        tracking: TrackingService,
        artifact_root: str,
        cache_dir: Path,
        *,
        logged_models: LoggedModelService | None = None,
        local_sources: bool = True,
    ) -> None:
        self.registry = registry
        # A server must not copy folders of its own disk that a remote caller names.
        self.local_sources = local_sources
        self.tracking = tracking
        self.logged_models = logged_models or LoggedModelService.beside(tracking)
        self.storage_root = posixpath.join(artifact_root.rstrip("/"), REGISTRY_FOLDER)
        self.cache_dir = cache_dir

    # -- resolution ----------------------------------------------------------------------

    def locate(self, model_uri: str) -> ModelLocation:
        """Where the files of ``model_uri`` are (a models:/, runs:/, s3://, file: URI or path)."""
        scheme = scheme_of(model_uri)
        model_id = model_uri[len(MODELS_SCHEME) :].lstrip("/")
        if scheme == MODELS_SCHEME and is_logged_model_id(model_id):
            logged = self.logged_models.get_logged_model(model_id)
            store = artifact_store_for(logged.artifact_location)
            return ModelLocation(store, "", logged.source_run_id)
        if scheme == MODELS_SCHEME:
            version = resolve_version(self.registry, parse_models_uri(model_uri))
            require_ready(version)
            uri = version.storage_location or version.source
            if scheme_of(uri) in (MODELS_SCHEME, RUNS_SCHEME):
                return self.locate(uri)
            return ModelLocation(artifact_store_for(uri), "", version.run_id, version)
        if scheme == RUNS_SCHEME:
            runs_uri = parse_runs_uri(model_uri)
            run = self.tracking.get_run(runs_uri.run_id)
            store = artifact_store_for(run.info.artifact_uri)
            if not store.exists(posixpath.join(runs_uri.path, MLMODEL)):
                # MLflow 3 keeps a run's models beside it: use its logged model of that name.
                logged_by_run = self.logged_models.model_of_run(runs_uri.run_id, runs_uri.path)
                if logged_by_run is not None:
                    store = artifact_store_for(logged_by_run.artifact_location)
                    return ModelLocation(store, "", runs_uri.run_id)
            return ModelLocation(store, runs_uri.path, runs_uri.run_id)
        if scheme == PROXIED_SCHEME:
            # A path under the server's artifact root, as its MLflow clients name it.
            path = model_uri[len(PROXIED_SCHEME) :].lstrip("/")
            return ModelLocation(artifact_store_for(self.tracking.artifact_root), path)
        if scheme in ("", "file:", "s3:"):
            return ModelLocation(artifact_store_for(model_uri), "")
        raise InvalidParameterValue(
            f"Unsupported model URI '{model_uri}': use models:/, runs:/, s3://, file:// "
            "or a local folder."
        )

    def download_model(self, model_uri: str, dst_path: str | None = None) -> Path:
        """A local folder with the files of ``model_uri`` (see ``model_fetch.fetch_model``)."""
        return fetch_model(self.locate(model_uri), model_uri, dst_path, self.cache_dir)

    # -- registration --------------------------------------------------------------------

    def register_model(
        self,
        model_uri: str,
        name: str,
        tags: dict[str, str] | None = None,
        *,
        description: str | None = None,
        idempotency_key: str | None = None,
    ) -> ModelVersion:
        """Register the model at ``model_uri`` as the next version of ``name``.

        Creates the registered model when missing. Accepts a local folder, ``file://``,
        ``s3://``, ``runs:/<run_id>/<path>`` and ``models:/`` URIs. A retry with the same
        ``idempotency_key`` returns the version the first attempt created.
        """
        name = validation.model_name(name)
        tags = validation.tags(tags)
        location = self.locate(model_uri)
        require_model(location, model_uri)
        source = _source(model_uri)
        with contextlib.suppress(RegisteredModelAlreadyExists):
            self.registry.create_registered_model(name)
        return self._register(name, source, location, idempotency_key, tags, description)

    def _register(
        self,
        name: str,
        source: str,
        location: ModelLocation,
        idempotency_key: str | None,
        tags: dict[str, str] | None,
        description: str | None,
        run_id: str | None = None,
        run_link: str | None = None,
    ) -> ModelVersion:
        """Create a PENDING version and copy its files, unless the key names a done one."""
        if idempotency_key:
            done = self.registry.get_model_version_by_idempotency_key(name, idempotency_key)
            if done is not None:
                return done
        version = self.registry.create_model_version(
            name,
            source,
            run_id or location.run_id,
            tags,
            run_link,
            description,
            status=ModelVersionStatus.PENDING_REGISTRATION,
            idempotency_key=idempotency_key,
        )
        if version.status != ModelVersionStatus.PENDING_REGISTRATION:
            return version  # a concurrent retry registered it first
        return self._copy_files(version, location)

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
        """MlflowClient's create_model_version: a version of an existing model.

        When ``source`` is a run's or a registered version's model folder (``runs:/``,
        ``models:/``, ``mlflow-artifacts:/``) or, unless ``local_sources`` is off (as on a
        server), a local model folder, its files are copied into the registry as by
        :meth:`register_model`; any other source is recorded as given, as MLflow does.
        """
        location = self._copyable(source)
        if location is None:
            return self.registry.create_model_version(
                name,
                source,
                run_id,
                tags,
                run_link,
                description,
                idempotency_key=idempotency_key,
            )
        return self._register(
            name,
            _source(source),
            location,
            idempotency_key,
            tags,
            description,
            run_id=run_id,
            run_link=run_link,
        )

    def _copyable(self, source: str) -> ModelLocation | None:
        """The location of ``source`` if it is a model folder the registry can copy."""
        copyable: tuple[str, ...] = (RUNS_SCHEME, MODELS_SCHEME, PROXIED_SCHEME)
        if self.local_sources:
            copyable += ("", "file:")
        if not isinstance(source, str) or scheme_of(source) not in copyable:
            return None
        try:
            location = self.locate(source)
            require_model(location, source)
        except (ResourceNotFound, InvalidParameterValue):
            return None
        return location

    def _copy_files(self, version: ModelVersion, location: ModelLocation) -> ModelVersion:
        storage = artifact_store_for(self.storage_root)
        folder = uuid.uuid4().hex
        try:
            with tempfile.TemporaryDirectory(prefix="modelreg-register-") as staging:
                local = Path(staging) / "model"
                location.store.download_dir(location.path, local)
                if (local / CHECKSUMS_FILE_NAME).exists():
                    verify_checksums(local)
                else:
                    write_checksums(local)
                storage.put_dir(folder, local)
        except Exception as error:
            if storage.exists(folder):
                storage.delete(folder)
            message = f"Copying the model files failed: {error}"
            logger.exception("registration of %s/%s failed", version.name, version.version)
            self.registry.finish_model_version(
                version.name,
                version.version,
                ModelVersionStatus.FAILED_REGISTRATION,
                status_message=message,
            )
            raise RegistrationFailed(message) from error
        return self.registry.finish_model_version(
            version.name,
            version.version,
            ModelVersionStatus.READY,
            storage_location=storage.uri(folder),
        )

    def collect_deleted_versions(self, deleted_before: int) -> int:
        """Forget versions deleted before ``deleted_before`` (ms) and delete their files.

        Files outside the registry's own storage (a recorded source) are never touched.
        Returns how many folders were deleted.
        """
        storage = artifact_store_for(self.storage_root)
        prefix = storage.uri().rstrip("/") + "/"
        collected = 0
        for location in self.registry.purge_deleted_versions(deleted_before):
            if location.startswith(prefix) and storage.exists(location[len(prefix) :]):
                storage.delete(location[len(prefix) :])
                collected += 1
        return collected


def _source(model_uri: str) -> str:
    """The source recorded on the version: URIs as given, local folders made absolute."""
    if scheme_of(model_uri) == "":
        return str(Path(model_uri).resolve())
    return model_uri
