"""The app factory uvicorn imports in each worker: settings come from the environment."""

from __future__ import annotations

from fastapi import FastAPI

from modelreg.config import Settings
from modelreg.server.app import create_app


def app_from_environment() -> FastAPI:
    """The server for ``$MODELREG_TRACKING_URI`` and ``$MODELREG_ARTIFACT_ROOT``."""
    return create_app(Settings.resolve())
