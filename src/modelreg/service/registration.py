"""Registering model files as versions, and finding the files of any model URI.

A registration copies the model's files into storage the registry owns, so deleting the run
or the source folder never breaks a version. The version is PENDING_REGISTRATION while the
files are copied (to the storage location recorded when it is created, under a lease the
copy renews), then READY; if the copy fails it becomes FAILED_REGISTRATION with the reason,
and no partial copy is left behind. If the copying process dies, the recovery sweep does
the same once the lease runs out (see :mod:`modelreg.service.registration_lease`).
"""

from __future__ import annotations

import contextlib
import logging
import posixpath
import tempfile
import uuid
from pathlib import Path

from modelreg import validation
from modelreg.artifacts import ArtifactStore, artifact_store_for
from modelreg.entities import ModelVersion, ModelVersionStatus
from modelreg.entities.logged_models import is_logged_model_id
from modelreg.entities.permissions import Permission
from modelreg.errors import (
    InvalidParameterValue,
    ModelRegistryError,
    RegisteredModelAlreadyExists,
    ResourceConflict,
    ResourceNotFound,
    StorageFull,
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
from modelreg.service.access import Resource
from modelreg.service.logged_models import LoggedModelService
from modelreg.service.registration_lease import RegistrationLease, renewed_lease
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
        lease: RegistrationLease | None = None,
    ) -> None:
        self.registry = registry
        self.lease = lease or RegistrationLease()
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
            # A path under the server's artifact root, as its MLflow clients name it; the files
            # of an experiment are the caller's to register only if they may read it.
            path = model_uri[len(PROXIED_SCHEME) :].lstrip("/")
            experiment = path.split("/", 1)[0]
            if experiment.isdigit():
                self.tracking.access.require(Resource.experiment(experiment), Permission.READ)
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
        storage = artifact_store_for(self.storage_root)
        folder = uuid.uuid4().hex
        version = self.registry.create_model_version(
            name,
            source,
            run_id or location.run_id,
            tags,
            run_link,
            description,
            status=ModelVersionStatus.PENDING_REGISTRATION,
            storage_location=storage.uri(folder),
            idempotency_key=idempotency_key,
        )
        if version.storage_location != storage.uri(folder):
            return version  # a concurrent retry created it first, and copies its files
        with renewed_lease(self.registry.store, self.registry.clock, version, self.lease):
            return self._copy_files(version, location, storage, folder)

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

    def _copy_files(
        self, version: ModelVersion, location: ModelLocation, storage: ArtifactStore, folder: str
    ) -> ModelVersion:
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
            reason = error.message if isinstance(error, ModelRegistryError) else str(error)
            message = f"Copying the model files failed: {reason}"
            logger.exception("registration of %s/%s failed", version.name, version.version)
            self._fail(version, storage.uri(folder), message)
            if isinstance(error, StorageFull):
                raise StorageFull(message) from error
            raise RegistrationFailed(message) from error
        try:
            return self.registry.finish_model_version(
                version.name,
                version.version,
                ModelVersionStatus.READY,
                storage_location=storage.uri(folder),
            )
        except ResourceConflict as conflict:  # its lease ran out: the sweep failed it
            message = (
                f"Version {version.version} of model '{version.name}' was marked "
                "FAILED_REGISTRATION while its files were copied (its registration lease "
                "ran out); register the model again."
            )
            self._fail(version, storage.uri(folder), message)
            raise RegistrationFailed(message) from conflict

    def _fail(self, version: ModelVersion, storage_location: str, message: str) -> None:
        """Delete a failed registration's partial copy, then mark its version failed.

        What cannot be done now (the storage or the database is away) the recovery sweep
        does once the version's lease runs out.
        """
        try:
            self.discard_copy(storage_location)
            with contextlib.suppress(ResourceConflict):  # the recovery sweep failed it first
                self.registry.finish_model_version(
                    version.name,
                    version.version,
                    ModelVersionStatus.FAILED_REGISTRATION,
                    status_message=message,
                )
        except Exception:
            logger.exception(
                "could not clean up the failed registration of %s/%s; the recovery sweep will",
                version.name,
                version.version,
            )

    def discard_copy(self, storage_location: str | None) -> bool:
        """Delete a version's files if they are in the registry's own storage.

        Files outside it (a recorded source) are never touched. Returns whether a folder
        was deleted.
        """
        storage = artifact_store_for(self.storage_root)
        prefix = storage.uri().rstrip("/") + "/"
        if not storage_location or not storage_location.startswith(prefix):
            return False
        folder = storage_location[len(prefix) :]
        if not storage.exists(folder):
            return False
        storage.delete(folder)
        return True

    def collect_deleted_versions(self, deleted_before: int) -> int:
        """Forget versions deleted before ``deleted_before`` (ms) and delete their files.

        Files outside the registry's own storage (a recorded source) are never touched.
        Returns how many folders were deleted.
        """
        purged = self.registry.purge_deleted_versions(deleted_before)
        return sum(self.discard_copy(location) for location in purged)


def _source(model_uri: str) -> str:
    """The source recorded on the version: URIs as given, local folders made absolute."""
    if scheme_of(model_uri) == "":
        return str(Path(model_uri).resolve())
    return model_uri
