"""Cross-site request forgery protection for the UI's forms: a signed double-submit token.

The token lives in a cookie (``HttpOnly``, ``SameSite=Lax``) and every form repeats it in a
hidden field; a POST is accepted only when both are present and equal, and when the browser
does not say the request comes from another site (``Origin`` / ``Sec-Fetch-Site``). Another
site can neither read the cookie nor set the field, and a forged cross-site POST carries a
foreign ``Origin``. With a secret key (``MODELREG_SECRET_KEY``, always set when users log in)
the token is also signed for the logged-in user, so a cookie planted by a neighbouring site
(a sibling subdomain) is refused too. Nothing is kept in server memory, so any replica or
worker that shares the key accepts any other's tokens.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import Request
from starlette.responses import Response

from modelreg.identity import current_principal

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
    return 20 <= len(token) <= 160 and token.isascii()


def _key(request: Request) -> bytes | None:
    secret: str | None = request.app.state.settings.secret_key
    return secret.encode() if secret else None


def _signature(key: bytes, nonce: str) -> str:
    """The nonce's HMAC for the current user (anonymous when nobody is logged in)."""
    principal = current_principal()
    user = principal.username if principal is not None else ""
    digest = hmac.new(key, f"{nonce}\0{user}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _genuine(request: Request, token: str) -> bool:
    """Whether ``token`` is one this server made (for this user), when it signs tokens."""
    if not _valid_shape(token):
        return False
    key = _key(request)
    if key is None:
        return True
    nonce, _, signature = token.partition(".")
    return hmac.compare_digest(signature.encode(), _signature(key, nonce).encode())


def _new_token(request: Request) -> str:
    nonce = secrets.token_urlsafe(_TOKEN_BYTES)
    key = _key(request)
    return nonce if key is None else f"{nonce}.{_signature(key, nonce)}"


def token_for(request: Request) -> str:
    """The request's token: the browser's cookie, or a new one (sent by :func:`set_cookie`)."""
    token: str | None = getattr(request.state, "csrf_token", None)
    if token is None:
        cookie = request.cookies.get(COOKIE)
        token = cookie if cookie is not None and _genuine(request, cookie) else _new_token(request)
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
    if not (matching and _genuine(request, cookie)):
        raise CsrfRefused("The form's security token has expired: reload the page and try again.")
