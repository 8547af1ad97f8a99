"""Settings, and the only place that reads the environment (``MODELREG_*``).

The embedded default keeps everything in ``./modelreg-data/`` under the working directory:
``registry.db`` (SQLite) and ``artifacts/`` (model files).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

TRACKING_URI_ENV = "MODELREG_TRACKING_URI"
DATA_DIR_NAME = "modelreg-data"


def default_tracking_uri(cwd: Path | None = None) -> str:
    """The embedded default store: a SQLite file in ``./modelreg-data/``."""
    base = (cwd or Path.cwd()).resolve() / DATA_DIR_NAME
    return f"sqlite:///{base / 'registry.db'}"


@dataclass(frozen=True)
class Settings:
    """Where the registry lives."""

    tracking_uri: str

    @classmethod
    def resolve(
        cls, tracking_uri: str | None = None, environ: Mapping[str, str] | None = None
    ) -> Settings:
        """The argument if given, else ``$MODELREG_TRACKING_URI``, else the embedded default."""
        env = os.environ if environ is None else environ
        return cls(tracking_uri=tracking_uri or env.get(TRACKING_URI_ENV) or default_tracking_uri())
