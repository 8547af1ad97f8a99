"""FastAPI dependencies of the authentication routes: the server's accounts and grants."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from modelreg.auth.accounts import AccountService
from modelreg.auth.grants import GrantService
from modelreg.server.auth.server_auth import ServerAuth

__all__ = ["Accounts", "Grants", "server_auth"]


def server_auth(request: Request) -> ServerAuth | None:
    """The app's authentication, or None when it runs without (the embedded mode)."""
    found: ServerAuth | None = getattr(request.app.state, "auth", None)
    return found


def _installed(request: Request) -> ServerAuth:
    found = server_auth(request)
    if found is None:  # the routes below are only added with authentication on
        raise RuntimeError("authentication is not installed on this app")
    return found


async def _accounts(request: Request) -> AccountService:
    return _installed(request).accounts


async def _grants(request: Request) -> GrantService:
    return _installed(request).grants


Accounts = Annotated[AccountService, Depends(_accounts)]
Grants = Annotated[GrantService, Depends(_grants)]
