"""MLflow's REST API (``/api/2.0/mlflow/...``), wire-compatible with the official client."""

from __future__ import annotations

from fastapi import APIRouter

from modelreg.server.mlflow_compat import (
    experiments,
    logged_models,
    model_versions,
    registered_models,
    runs,
    server_info,
)

PREFIXES = ("/api/2.0/mlflow", "/ajax-api/2.0/mlflow")
#: MLflow 3's few endpoints under version 3.0 (server-info).
PREFIXES_3 = ("/api/3.0/mlflow", "/ajax-api/3.0/mlflow")

GROUPS = (
    registered_models.router,
    model_versions.router,
    experiments.router,
    runs.router,
    logged_models.router,
)


def router() -> APIRouter:
    """Every MLflow-compatible route, under ``/api/2.0/mlflow`` and its UI twin."""
    combined = APIRouter()
    for prefixes, groups in ((PREFIXES, GROUPS), (PREFIXES_3, (server_info.router,))):
        for prefix in prefixes:
            for group in groups:
                # The UI twins are the same handlers; document only the public paths.
                combined.include_router(
                    group, prefix=prefix, include_in_schema=not prefix.startswith("/ajax-api")
                )
    return combined
