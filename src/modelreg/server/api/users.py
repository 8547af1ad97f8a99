"""MLflow's user endpoints (``/api/2.0/mlflow/users/...``), as its basic-auth server has them.

Administrators manage every account; a user may read their own and change their own password
(sending ``current_password`` too). Passwords are never part of a response.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel
from starlette.responses import Response

from modelreg.auth.entities import Grant, User
from modelreg.config import parse_flag
from modelreg.server.auth.dependencies import Accounts
from modelreg.server.mlflow_compat import PREFIXES as MLFLOW_PREFIXES
from modelreg.server.responses import JSONResponse, empty

__all__ = ["grant_to_wire", "router", "user_to_wire"]

_routes = APIRouter(tags=["users"])


class CreateUser(BaseModel):
    username: str
    password: str


class UpdatePassword(BaseModel):
    username: str
    password: str
    current_password: str | None = None


class UpdateAdmin(BaseModel):
    username: str
    is_admin: bool | str


class UserRef(BaseModel):
    username: str


def grant_to_wire(grant: Grant) -> dict[str, Any]:
    """MLflow's ExperimentPermission / RegisteredModelPermission (with the user's name too)."""
    key = "name" if grant.kind == "registered_model" else "experiment_id"
    return {
        key: grant.key,
        "user_id": str(grant.user_id),
        "username": grant.username,
        "permission": grant.permission.value,
    }


def user_to_wire(user: User, grants: list[Grant] | None = None) -> dict[str, Any]:
    """MLflow's User: id, name, admin flag and the permissions granted to them."""
    grants = grants or []
    return {
        "id": str(user.id),
        "username": user.username,
        "is_admin": user.is_admin,
        "experiment_permissions": [grant_to_wire(g) for g in grants if g.kind == "experiment"],
        "registered_model_permissions": [
            grant_to_wire(g) for g in grants if g.kind == "registered_model"
        ],
    }


@_routes.post("/users/create")
def create_user(body: CreateUser, accounts: Accounts) -> Response:
    """Create a user (administrators only)."""
    user = accounts.create_user(body.username, body.password)
    return JSONResponse({"user": user_to_wire(user)})


@_routes.get("/users/get")
def get_user(username: str, accounts: Accounts) -> Response:
    """A user and the permissions granted to them (themselves or an administrator)."""
    user = accounts.get_user(username)
    return JSONResponse({"user": user_to_wire(user, accounts.grants_of(username))})


@_routes.patch("/users/update-password")
def update_password(body: UpdatePassword, accounts: Accounts) -> Response:
    """Change a password (an administrator, or the user giving the current one)."""
    accounts.set_password(body.username, body.password, current_password=body.current_password)
    return empty()


@_routes.patch("/users/update-admin")
def update_admin(body: UpdateAdmin, accounts: Accounts) -> Response:
    """Make a user an administrator or not (administrators only)."""
    is_admin = (
        body.is_admin if isinstance(body.is_admin, bool) else parse_flag("is_admin", body.is_admin)
    )
    accounts.set_admin(body.username, is_admin)
    return empty()


@_routes.delete("/users/delete")
def delete_user(body: UserRef, accounts: Accounts) -> Response:
    """Delete a user with their tokens and permissions (administrators only)."""
    accounts.delete_user(body.username)
    return empty()


def router() -> APIRouter:
    """The user routes under ``/api/2.0/mlflow`` and its UI twin."""
    combined = APIRouter()
    for prefix in MLFLOW_PREFIXES:
        combined.include_router(
            _routes, prefix=prefix, include_in_schema=not prefix.startswith("/ajax-api")
        )
    return combined
