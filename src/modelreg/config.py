"""Settings, and the only place that reads the environment (``MODELREG_*``).

The embedded default keeps everything in ``./modelreg-data/`` under the working directory:
``registry.db`` (SQLite) and ``artifacts/`` (run artifacts and the registry's model copies).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

TRACKING_URI_ENV = "MODELREG_TRACKING_URI"
ARTIFACT_ROOT_ENV = "MODELREG_ARTIFACT_ROOT"
CACHE_DIR_ENV = "MODELREG_CACHE_DIR"
DATA_DIR_NAME = "modelreg-data"


def default_tracking_uri(cwd: Path | None = None) -> str:
    """The embedded default store: a SQLite file in ``./modelreg-data/``."""
    base = (cwd or Path.cwd()).resolve() / DATA_DIR_NAME
    return f"sqlite:///{base / 'registry.db'}"


def default_artifact_root(tracking_uri: str) -> str:
    """Beside the SQLite file for file-backed stores, else ``./modelreg-data/artifacts``."""
    parts = urlsplit(tracking_uri)
    if parts.scheme == "sqlite" and parts.path not in ("", "/", "/:memory:"):
        # sqlite:///relative.db and sqlite:////absolute.db: the database follows one slash.
        return str(Path(parts.path[1:]).resolve().parent / "artifacts")
    if parts.scheme in ("", "file"):
        return str(Path(parts.path or tracking_uri).resolve() / "artifacts")
    return str(Path.cwd().resolve() / DATA_DIR_NAME / "artifacts")


@dataclass(frozen=True)
class Settings:
    """Where the registry lives: its database, its artifact root, and the local model cache."""

    tracking_uri: str
    artifact_root: str
    cache_dir: Path

    @classmethod
    def resolve(
        cls,
        tracking_uri: str | None = None,
        environ: Mapping[str, str] | None = None,
        *,
        artifact_root: str | None = None,
    ) -> Settings:
        """Each setting from the argument if given, else the environment, else the default.

        ``tracking_uri``: ``$MODELREG_TRACKING_URI``, else the embedded ``./modelreg-data``;
        ``artifact_root``: ``$MODELREG_ARTIFACT_ROOT``, else beside the SQLite file;
        the model cache: ``$MODELREG_CACHE_DIR``, else ``~/.cache/modelreg``.
        """
        env = os.environ if environ is None else environ
        uri = tracking_uri or env.get(TRACKING_URI_ENV) or default_tracking_uri()
        return cls(
            tracking_uri=uri,
            artifact_root=artifact_root or env.get(ARTIFACT_ROOT_ENV) or default_artifact_root(uri),
            cache_dir=Path(env.get(CACHE_DIR_ENV) or Path.home() / ".cache" / "modelreg"),
        )
