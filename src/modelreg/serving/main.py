"""The app factory uvicorn imports in each worker process of ``modelreg models serve``."""

from __future__ import annotations

import os

from starlette.applications import Starlette

from modelreg.serving.app import create_scoring_app
from modelreg.serving.settings import SERVING_CONFIG_ENV, ServingSettings


def app_from_environment() -> Starlette:
    """The scoring server described by ``$MODELREG_SERVING_CONFIG`` (set by the command)."""
    model_uris, settings = ServingSettings.from_json(os.environ[SERVING_CONFIG_ENV])
    return create_scoring_app(model_uris, settings)
