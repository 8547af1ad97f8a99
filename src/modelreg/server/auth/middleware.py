"""The middleware that authenticates every request and binds its principal for the services.

The REST API (``/api/...``, ``/ajax-api/...``) takes an ``Authorization`` header (HTTP basic
or a bearer API token) and answers 401 ``UNAUTHENTICATED`` with a ``WWW-Authenticate``
challenge without one, as MLflow's basic-auth server does. The web UI also takes its
session cookie and sends the browser to the login page instead. The health checks, the login
page, static files and ``server-info`` stay public. The few routes that call no service that
would check permissions (the artifact proxy, the webhooks) are checked here too, by the rules
of :mod:`~modelreg.server.auth.route_rules`.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from modelreg.errors import PermissionDenied
from modelreg.identity import Principal, acting_as
from modelreg.server.auth.route_rules import RouteRule, route_rule
from modelreg.server.auth.server_auth import ServerAuth
from modelreg.server.auth.session_cookie import SESSION_COOKIE
from modelreg.server.errors import error_response

__all__ = ["API_PREFIXES", "PUBLIC_PATHS", "AuthenticationMiddleware", "is_public"]

logger = logging.getLogger(__name__)

API_PREFIXES = ("/api/", "/ajax-api/")
PUBLIC_PATHS = frozenset(
    {
        "/health",
        "/version",
        "/login",
        "/logout",
        "/api/3.0/mlflow/server-info",
        "/ajax-api/3.0/mlflow/server-info",
    }
)
_PUBLIC_PREFIXES = ("/static/",)
_CHALLENGE = {"WWW-Authenticate": 'Basic realm="modelreg"'}


def is_public(path: str) -> bool:
    """Whether ``path`` is served without authentication."""
    return path in PUBLIC_PATHS or path.startswith(_PUBLIC_PREFIXES)


def _unauthenticated(request: Request, presented: bool) -> Response:
    if request.url.path.startswith(API_PREFIXES):
        message = (
            "Invalid credentials."
            if presented
            else "Authentication is required: send HTTP "
            "basic credentials or an API token (Authorization: Bearer ...)."
        )
        response = error_response("UNAUTHENTICATED", message, 401)
        response.headers.update(_CHALLENGE)
        return response
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def _check_rule(auth: ServerAuth, principal: Principal, rule: RouteRule) -> None:
    if rule.admins_only and not principal.is_admin:
        raise PermissionDenied("Permission denied: only administrators may use this path.")
    if rule.resource is not None and rule.needed is not None:
        auth.access.require(rule.resource, rule.needed)


class AuthenticationMiddleware:
    """Authenticates each HTTP request and runs the app as its principal."""

    def __init__(self, app: ASGIApp, auth: ServerAuth) -> None:
        self.app = app
        self.auth = auth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_public(scope["path"]):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        authorization = request.headers.get("authorization")
        # The REST API is not authenticated by cookies, so no other site can drive it
        # through a logged-in browser.
        session = (
            None if scope["path"].startswith(API_PREFIXES) else request.cookies.get(SESSION_COOKIE)
        )
        principal = await anyio.to_thread.run_sync(self.auth.principal_of, authorization, session)
        if principal is None:
            if authorization:
                logger.info("refused credentials on %s %s", request.method, scope["path"])
            await _unauthenticated(request, bool(authorization))(scope, receive, send)
            return
        with acting_as(principal):
            rule = route_rule(request.method, scope["path"], request.query_params.get("path"))
            if rule is not None:
                try:
                    await anyio.to_thread.run_sync(_check_rule, self.auth, principal, rule)
                except PermissionDenied as denied:
                    await error_response(denied.error_code, denied.message)(scope, receive, send)
                    return
            await self.app(scope, receive, send)
