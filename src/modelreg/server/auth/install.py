"""``install_auth``: add authentication to an app (middleware, routes, state)."""

from __future__ import annotations

from fastapi import FastAPI

from modelreg.server.api import permissions, tokens, users
from modelreg.server.auth.middleware import AuthenticationMiddleware
from modelreg.server.auth.server_auth import ServerAuth

__all__ = ["install_auth"]


def install_auth(app: FastAPI, auth: ServerAuth) -> None:
    """Authenticate every request to ``app`` with ``auth`` and add the account routes."""
    app.state.auth = auth
    app.add_middleware(AuthenticationMiddleware, auth=auth)
    for group in (users, permissions, tokens):
        app.include_router(group.router())
