"""Copying a model version from one registry to another (staging → production registries).

The files travel through a local folder (checksums verified on download and written again by
the destination's registration), with the version's description and tags; lineage tags name
where it came from. A copy is idempotent: copying the same source version again returns the
version the first copy made.
"""

from __future__ import annotations

import hashlib
import tempfile
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from modelreg.entities import ModelVersion
from modelreg.model_fetch import require_ready, resolve_version
from modelreg.uris import parse_models_uri

if TYPE_CHECKING:
    from modelreg.client import Client

__all__ = ["LINEAGE_TAGS", "copy_model_version"]

#: The tags a copy carries to say where it came from.
LINEAGE_TAGS = (
    "modelreg.source_registry",
    "modelreg.source_name",
    "modelreg.source_version",
    "modelreg.source_run_id",
)


def _public_uri(tracking_uri: str) -> str:
    """The registry URI without credentials (never copied into tags)."""
    parts = urlsplit(tracking_uri)
    if parts.username is None and parts.password is None:
        return tracking_uri
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit(parts._replace(netloc=netloc))


def copy_model_version(
    source: Client, model_uri: str, destination: Client, name: str | None = None
) -> ModelVersion:
    """Copy the version ``model_uri`` (``models:/Unicorn/Production``...) of ``source`` as the
    next version of ``name`` (the same name by default) in ``destination``.

    Returns the destination's version; files, signature (in the MLmodel file), input
    example, description and tags are copied, and ``modelreg.source_*`` tags record the
    lineage.
    """
    version = resolve_version(source._backend.registry, parse_models_uri(model_uri))
    require_ready(version)
    registry = _public_uri(source.tracking_uri)
    lineage = {
        "modelreg.source_registry": registry,
        "modelreg.source_name": version.name,
        "modelreg.source_version": str(version.version),
    }
    if version.run_id:
        lineage["modelreg.source_run_id"] = version.run_id
    key = hashlib.sha256(f"{registry}\0{version.name}\0{version.version}".encode()).hexdigest()
    with tempfile.TemporaryDirectory(prefix="modelreg-copy-") as staging:
        folder = source.download_model(f"models:/{version.name}/{version.version}", staging)
        return destination.register_model(
            str(folder),
            name or version.name,
            {**version.tags, **lineage},
            description=version.description,
            idempotency_key=f"copy-{key[:40]}",
        )
