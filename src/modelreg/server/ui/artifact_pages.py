"""A run's artifacts: the folder browser on the run page, file downloads, and registering a
model folder as a new version."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO
from urllib.parse import quote

from starlette.responses import Response, StreamingResponse

from modelreg.artifacts import ArtifactStore, artifact_store_for, normalize
from modelreg.artifacts.atomic import CHUNK_SIZE
from modelreg.entities import Run
from modelreg.errors import (
    ModelRegistryError,
    RegisteredModelAlreadyExists,
    RegisteredModelNotFound,
)
from modelreg.model_fetch import MLMODEL
from modelreg.server.dependencies import Registration, Registry, Tracking
from modelreg.server.ui import links
from modelreg.server.ui.forms import Submitted
from modelreg.server.ui.page_group import PageGroup
from modelreg.server.ui.rendering import SECURITY_HEADERS

__all__ = ["ArtifactEntry", "ArtifactListing", "ArtifactPages", "artifact_listing"]

#: Folders of a listing checked for an ``MLmodel`` file (one storage call each).
MAX_MODEL_CHECKS = 20


@dataclass(frozen=True)
class ArtifactEntry:
    """A file or folder of a listing."""

    name: str
    path: str
    is_dir: bool
    size: int | None
    is_model: bool = False


@dataclass
class ArtifactListing:
    """One folder of a run's artifacts."""

    path: str
    crumbs: list[tuple[str, str]] = field(default_factory=list)
    entries: list[ArtifactEntry] = field(default_factory=list)
    is_model: bool = False
    problem: str | None = None


def _crumbs(path: str) -> list[tuple[str, str]]:
    crumbs = [("artifacts", "")]
    parts = path.split("/") if path else []
    for index, part in enumerate(parts):
        crumbs.append((part, "/".join(parts[: index + 1])))
    return crumbs


def _entries(store: ArtifactStore, path: str) -> list[ArtifactEntry]:
    entries = []
    checks = 0
    for info in store.list(path):
        is_model = False
        if info.is_dir and checks < MAX_MODEL_CHECKS:
            checks += 1
            is_model = store.exists(posixpath.join(info.path, MLMODEL))
        name = posixpath.basename(info.path)
        entries.append(ArtifactEntry(name, info.path, info.is_dir, info.file_size, is_model))
    return sorted(entries, key=lambda entry: (not entry.is_dir, entry.name))


def artifact_listing(run: Run, path: str) -> ArtifactListing:
    """The folder ``path`` of the run's artifacts (a bad or missing path is shown, not raised)."""
    listing = ArtifactListing(path)
    try:
        listing.path = normalize(path, allow_root=True)
        listing.crumbs = _crumbs(listing.path)
        store = artifact_store_for(run.info.artifact_uri)
        listing.entries = _entries(store, listing.path)
    except ModelRegistryError as error:
        listing.problem = error.message
        return listing
    listing.is_model = any(e.name == MLMODEL and not e.is_dir for e in listing.entries)
    if not listing.entries and listing.path:
        listing.problem = f"No artifacts under '{listing.path}'."
    return listing


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    with stream:
        while chunk := stream.read(CHUNK_SIZE):
            yield chunk


class ArtifactPages(PageGroup):
    """Artifact downloads, and registering a run's model folder."""

    ROUTES = (
        ("GET", "/runs/{run_id}/artifact", "download"),
        ("POST", "/runs/{run_id}/register", "register"),
    )

    def download(self, run_id: str, path: str, tracking: Tracking) -> Response:
        """One artifact file, streamed from the store as an attachment."""
        run = tracking.get_run(run_id)
        stream = artifact_store_for(run.info.artifact_uri).open(path)
        filename = quote(posixpath.basename(path))
        headers = {
            **SECURITY_HEADERS,
            # Never rendered on our origin: an artifact may be HTML written by anyone.
            "Content-Security-Policy": "sandbox; default-src 'none'",
            "Content-Disposition": f"attachment; filename*=UTF-8''{filename}",
        }
        return StreamingResponse(
            _chunks(stream), media_type="application/octet-stream", headers=headers
        )

    def register(
        self,
        run_id: str,
        form: Submitted,
        registry: Registry,
        registration: Registration,
    ) -> Response:
        """Register the run's model folder ``path`` as a version of a new or existing model."""
        path, name = form.stripped("path"), form.stripped("name")
        new = form.text("target", "new") != "existing"

        def register_folder() -> str:
            try:
                registry.get_registered_model(name)
                exists = True
            except RegisteredModelNotFound:
                exists = False
            if new and exists:
                raise RegisteredModelAlreadyExists(name)
            if not new and not exists:
                raise RegisteredModelNotFound(name)
            # Creates the model when it is new, and only once the folder proves to be a model.
            version = registration.register_model(f"runs:/{run_id}/{path}", name)
            return links.version(version.name, version.version)

        return self.pages.perform(
            register_folder,
            back=links.run(run_id, path=path),
            done=f"Registered {path or 'the model'} as a version of '{name}'.",
        )
