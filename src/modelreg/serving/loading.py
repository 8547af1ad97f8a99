"""Resolving a served URI to a registered version, and loading that version's model.

``models:/Unicorn/Production``, ``models:/Unicorn@champion`` and ``models:/Unicorn/latest``
*follow* the registry: :meth:`ModelSource.current_version` asks which version they name now
(one small query). Other URIs (``models:/Unicorn/3``, ``runs:/``, folders) name one model.
The registry is reached through :class:`modelreg.Client`, opened on first need.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from modelreg.config import Settings
from modelreg.entities import ModelVersion
from modelreg.entities.logged_models import is_logged_model_id
from modelreg.errors import ResourceNotFound
from modelreg.model_fetch import resolve_version
from modelreg.models.mlmodel import MLMODEL_FILE_NAME
from modelreg.pyfunc import PyFuncModel, load_model
from modelreg.resolve import local_model_dir
from modelreg.serving.settings import ModelSpec
from modelreg.serving.tables import batch_types
from modelreg.uris import MODELS_SCHEME, ModelsUri, parse_models_uri, scheme_of

if TYPE_CHECKING:
    from modelreg.client import Client

__all__ = ["LoadedModel", "ModelSource", "RegistryAccess"]

logger = logging.getLogger(__name__)

#: Flavors whose predictions are row by row, so requests can be predicted together.
_ROW_WISE_LOADERS = ("mlflow.sklearn", "modelreg.sklearn")


@dataclass
class LoadedModel:
    """One loaded version of a served model; never changes once requests see it (except
    ``batching``, turned off if the model's output cannot be cut per request)."""

    name: str
    uri: str
    source_uri: str
    version: int | None
    run_id: str | None
    model: PyFuncModel
    loaded_at: float
    load_seconds: float
    batch_types: dict[str, str] | None
    batching: bool

    @property
    def version_label(self) -> str | None:
        """The version as text (for headers and the Open Inference Protocol), if registered."""
        return None if self.version is None else str(self.version)


class RegistryAccess:
    """The registry of the served URIs: a Client opened on first use, shared by threads."""

    def __init__(self, settings: Settings, client: Client | None = None) -> None:
        self.settings = settings
        self._client = client
        self._owned = client is None
        self._lock = threading.Lock()

    @property
    def client(self) -> Client:
        """The Client (opened now if needed)."""
        with self._lock:
            if self._client is None:
                from modelreg.client import Client  # SQLAlchemy loads only when needed

                self._client = Client(
                    self.settings.tracking_uri, artifact_root=self.settings.artifact_root
                )
            return self._client

    def resolve(self, uri: ModelsUri) -> ModelVersion:
        """The version a ``models:/`` URI names now."""
        return resolve_version(self.client, uri)

    def download(self, model_uri: str) -> Path:
        """A local folder with the model's files (cached for registered versions)."""
        # The Client has no public download of a model folder; its backend's registration
        # service is what modelreg.pyfunc.load_model uses through the fluent API.
        return self.client._backend.registration.download_model(model_uri)

    def close(self) -> None:
        """Close the Client if this object opened it."""
        with self._lock:
            if self._client is not None and self._owned:
                self._client.close()
                self._client = None


class ModelSource:
    """Where the versions of one served URI come from."""

    def __init__(self, spec: ModelSpec, registry: RegistryAccess, *, batching: bool) -> None:
        self.spec = spec
        self.registry = registry
        self.batching = batching
        self.models_uri: ModelsUri | None = None
        body = spec.uri[len(MODELS_SCHEME) :].lstrip("/")
        if scheme_of(spec.uri) == MODELS_SCHEME and not is_logged_model_id(body):
            self.models_uri = parse_models_uri(spec.uri)

    @property
    def follows(self) -> bool:
        """Whether the URI names a stage, an alias or ``latest``, which can move."""
        return self.models_uri is not None and self.models_uri.version is None

    @property
    def alias(self) -> str | None:
        """The alias the URI names, if any."""
        return self.models_uri.alias if self.models_uri is not None else None

    @property
    def stage(self) -> str | None:
        """The stage the URI names, if any."""
        uri = self.models_uri
        return uri.stage.value if uri is not None and uri.stage is not None else None

    def current_version(self) -> ModelVersion | None:
        """The registered version the URI names now (None for unregistered models)."""
        if self.models_uri is None:
            return None
        return self.registry.resolve(self.models_uri)

    def check(self) -> ModelVersion | None:
        """Fail now (ResourceNotFound, InvalidParameterValue...) if the URI names no model:
        resolves registry URIs and checks local folders, without loading anything."""
        if self.models_uri is not None:
            return self.current_version()
        if scheme_of(self.spec.uri) in ("", "file:"):
            folder = local_model_dir(self.spec.uri)
            if not (folder / MLMODEL_FILE_NAME).is_file():
                raise ResourceNotFound(
                    f"No model at '{self.spec.uri}': the folder has no {MLMODEL_FILE_NAME} file."
                )
        return None

    def load(self, version: ModelVersion | None) -> LoadedModel:
        """Download and load ``version`` (or the URI's model when unregistered)."""
        started = time.perf_counter()
        if version is not None:
            source_uri = f"models:/{version.name}/{version.version}"
            folder = self.registry.download(source_uri)
        else:
            source_uri = self.spec.uri
            local = scheme_of(source_uri) in ("", "file:")
            folder = local_model_dir(source_uri) if local else self.registry.download(source_uri)
        model = load_model(str(folder))
        signature = model.metadata.signature
        types = batch_types(signature.inputs if signature is not None else None)
        seconds = time.perf_counter() - started
        logger.info("loaded %s (%s) in %.2f s", self.spec.name, source_uri, seconds)
        return LoadedModel(
            name=self.spec.name,
            uri=self.spec.uri,
            source_uri=source_uri,
            version=None if version is None else int(version.version),
            run_id=version.run_id if version is not None else model.metadata.run_id,
            model=model,
            loaded_at=time.time(),
            load_seconds=seconds,
            batch_types=types,
            batching=self.batching
            and types is not None
            and model.loader_module in _ROW_WISE_LOADERS,
        )
