"""Cross-site request forgery protection for the UI's forms: a double-submit token.

The app has no users or sessions yet, so the token lives in a cookie (``HttpOnly``,
``SameSite=Lax``) and every form repeats it in a hidden field; a POST is accepted only when
both are present and equal, and when the browser does not say the request comes from another
site (``Origin`` / ``Sec-Fetch-Site``). Another site can neither read the cookie nor set the
field, and a forged cross-site POST carries a foreign ``Origin``. Nothing is kept in server
memory, so any replica or worker accepts any other's tokens.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import Request
from starlette.responses import Response

__all__ = ["COOKIE", "FIELD", "CsrfRefused", "set_cookie", "token_for", "verify"]

COOKIE = "modelreg_csrf"
FIELD = "csrf_token"
_TOKEN_BYTES = 32


class CsrfRefused(Exception):
    """A form submission that does not prove it comes from one of our pages."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _valid_shape(token: str) -> bool:
    return 20 <= len(token) <= 100 and token.isascii()


def token_for(request: Request) -> str:
    """The request's token: the browser's cookie, or a new one (sent by :func:`set_cookie`)."""
    token: str | None = getattr(request.state, "csrf_token", None)
    if token is None:
        cookie = request.cookies.get(COOKIE)
        if cookie is not None and _valid_shape(cookie):
            token = cookie
        else:
            token = secrets.token_urlsafe(_TOKEN_BYTES)
        request.state.csrf_token = token
    return token


def set_cookie(request: Request, response: Response) -> None:
    """Send the token cookie if the browser does not hold this request's token yet."""
    token: str | None = getattr(request.state, "csrf_token", None)
    if token is None or request.cookies.get(COOKIE) == token:
        return
    response.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def _cross_site(request: Request) -> bool:
    if request.headers.get("sec-fetch-site", "").lower() == "cross-site":
        return True
    origin = request.headers.get("origin")
    if origin is None:
        return False
    # ``Origin: null`` (sandboxed frames, some redirects) proves nothing: refuse it too.
    return urlsplit(origin).netloc.lower() != request.headers.get("host", "").lower()


def verify(request: Request, submitted: str | None) -> None:
    """Raise :class:`CsrfRefused` unless the submitted token matches the cookie's."""
    if _cross_site(request):
        raise CsrfRefused("The form was sent from another site.")
    cookie = request.cookies.get(COOKIE)
    if not cookie or not submitted:
        raise CsrfRefused("The form has no security token: reload the page and try again.")
    matching = hmac.compare_digest(cookie.encode(), submitted.encode())
    if not (matching and _valid_shape(cookie)):
        raise CsrfRefused("The form's security token has expired: reload the page and try again.")
