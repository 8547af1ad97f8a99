"""API tokens (``/api/2.0/modelreg/tokens/...``): create, list and revoke.

A user manages their own tokens; administrators anyone's (``username``). A token's value is
in the response that creates it and nowhere else: only its hash is kept.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel
from starlette.responses import Response

from modelreg.auth.entities import ApiToken
from modelreg.server.api import PREFIX
from modelreg.server.auth.dependencies import Accounts
from modelreg.server.responses import JSONResponse, empty

__all__ = ["router", "token_to_wire"]

_routes = APIRouter(tags=["tokens"])


class CreateToken(BaseModel):
    name: str
    username: str | None = None


class TokenRef(BaseModel):
    id: int


def token_to_wire(token: ApiToken) -> dict[str, Any]:
    """A token's description (never its value)."""
    return {
        "id": token.id,
        "name": token.name,
        "username": token.username,
        "creation_timestamp": token.creation_timestamp,
    }


@_routes.post("/tokens/create")
def create_token(body: CreateToken, accounts: Accounts) -> Response:
    """A new token; ``value`` is shown this once."""
    token, value = accounts.create_token(body.name, username=body.username)
    return JSONResponse({"token": token_to_wire(token), "value": value})


@_routes.get("/tokens/list")
def list_tokens(accounts: Accounts, username: str | None = None) -> Response:
    """The caller's tokens (or ``username``'s, for administrators)."""
    return JSONResponse({"tokens": [token_to_wire(t) for t in accounts.list_tokens(username)]})


@_routes.delete("/tokens/revoke")
def revoke_token(body: TokenRef, accounts: Accounts) -> Response:
    """Revoke a token: it stops working at once."""
    accounts.revoke_token(body.id)
    return empty()


def router() -> APIRouter:
    """The token routes under ``/api/2.0/modelreg``."""
    combined = APIRouter()
    combined.include_router(_routes, prefix=PREFIX)
    return combined
