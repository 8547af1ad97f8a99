"""The UI's login session cookie: ``HttpOnly``, ``SameSite=Lax``, ``Secure`` over HTTPS."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from modelreg.auth.sessions import SESSION_MAX_AGE_MS

__all__ = ["SESSION_COOKIE", "clear_session_cookie", "set_session_cookie"]

SESSION_COOKIE = "modelreg_session"


def set_session_cookie(request: Request, response: Response, value: str) -> None:
    """Hand the browser its session."""
    response.set_cookie(
        SESSION_COOKIE,
        value,
        max_age=SESSION_MAX_AGE_MS // 1000,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def clear_session_cookie(response: Response) -> None:
    """End the browser's session."""
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
