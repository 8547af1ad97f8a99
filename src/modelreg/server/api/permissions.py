"""MLflow's permission endpoints for experiments and registered models (``.../permissions/``).

Each needs MANAGE on the experiment or model (administrators hold it everywhere); every
change is recorded in the audit log.
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel
from starlette.responses import Response

from modelreg.auth.entities import Grant
from modelreg.entities.permissions import Permission
from modelreg.server.api.users import grant_to_wire
from modelreg.server.auth.dependencies import Grants
from modelreg.server.mlflow_compat import PREFIXES as MLFLOW_PREFIXES
from modelreg.server.responses import JSONResponse, empty

__all__ = ["router"]

_routes = APIRouter(tags=["permissions"])


class ExperimentUser(BaseModel):
    experiment_id: str
    username: str


class ExperimentGrant(ExperimentUser):
    permission: str


class ModelUser(BaseModel):
    name: str
    username: str


class ModelGrant(ModelUser):
    permission: str


def _experiment(grant: Grant) -> Response:
    return JSONResponse({"experiment_permission": grant_to_wire(grant)})


def _model(grant: Grant) -> Response:
    return JSONResponse({"registered_model_permission": grant_to_wire(grant)})


@_routes.post("/experiments/permissions/create")
def create_experiment_permission(body: ExperimentGrant, grants: Grants) -> Response:
    """Grant a user a permission on an experiment."""
    permission = Permission.parse(body.permission)
    return _experiment(grants.create("experiment", body.experiment_id, body.username, permission))


@_routes.get("/experiments/permissions/get")
def get_experiment_permission(experiment_id: str, username: str, grants: Grants) -> Response:
    """The permission granted to a user on an experiment."""
    return _experiment(grants.get("experiment", experiment_id, username))


@_routes.patch("/experiments/permissions/update")
def update_experiment_permission(body: ExperimentGrant, grants: Grants) -> Response:
    """Change the permission granted to a user on an experiment."""
    permission = Permission.parse(body.permission)
    grants.update("experiment", body.experiment_id, body.username, permission)
    return empty()


@_routes.delete("/experiments/permissions/delete")
def delete_experiment_permission(body: ExperimentUser, grants: Grants) -> Response:
    """Take back a user's permission on an experiment (the default applies again)."""
    grants.delete("experiment", body.experiment_id, body.username)
    return empty()


@_routes.post("/registered-models/permissions/create")
def create_model_permission(body: ModelGrant, grants: Grants) -> Response:
    """Grant a user a permission on a registered model."""
    permission = Permission.parse(body.permission)
    return _model(grants.create("registered_model", body.name, body.username, permission))


@_routes.get("/registered-models/permissions/get")
def get_model_permission(name: str, username: str, grants: Grants) -> Response:
    """The permission granted to a user on a registered model."""
    return _model(grants.get("registered_model", name, username))


@_routes.patch("/registered-models/permissions/update")
def update_model_permission(body: ModelGrant, grants: Grants) -> Response:
    """Change the permission granted to a user on a registered model."""
    permission = Permission.parse(body.permission)
    grants.update("registered_model", body.name, body.username, permission)
    return empty()


@_routes.delete("/registered-models/permissions/delete")
def delete_model_permission(body: ModelUser, grants: Grants) -> Response:
    """Take back a user's permission on a registered model (the default applies again)."""
    grants.delete("registered_model", body.name, body.username)
    return empty()


def router() -> APIRouter:
    """The permission routes under ``/api/2.0/mlflow`` and its UI twin."""
    combined = APIRouter()
    for prefix in MLFLOW_PREFIXES:
        combined.include_router(
            _routes, prefix=prefix, include_in_schema=not prefix.startswith("/ajax-api")
        )
    return combined
