"""The login page and logout, for a server with authentication on.

Logging in checks the user name and password and hands the browser a signed session cookie
(see :mod:`modelreg.server.auth.session_cookie`); both forms carry the UI's CSRF token, so no
other site can log a browser in or out. Without authentication both just lead home.
"""

from __future__ import annotations

import logging

from fastapi import Request
from starlette.responses import Response

from modelreg.server.auth.dependencies import server_auth
from modelreg.server.auth.session_cookie import clear_session_cookie, set_session_cookie
from modelreg.server.ui.forms import Submitted
from modelreg.server.ui.page_group import PageGroup

__all__ = ["LoginPages", "safe_next"]

logger = logging.getLogger(__name__)


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a path on this site, never another site's URL."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


class LoginPages(PageGroup):
    """``GET``/``POST /login`` and ``POST /logout``."""

    ROUTES = (
        ("GET", "/login", "login_page"),
        ("POST", "/login", "log_in"),
        ("POST", "/logout", "log_out"),
    )

    def login_page(self, request: Request, next: str | None = None) -> Response:
        """The login form."""
        if server_auth(request) is None:
            return self.pages.redirect("/")
        context = {"title": "Log in", "next": safe_next(next), "username": "", "error": None}
        return self.pages.render(request, "login.html", context)

    def log_in(self, request: Request, form: Submitted) -> Response:
        """Open a session for a correct user name and password; show the form again if not."""
        auth = server_auth(request)
        target = safe_next(form.text("next"))
        if auth is None:
            return self.pages.redirect(target)
        username = form.stripped("username")
        session = auth.open_session(username, form.text("password"))
        if session is None:
            logger.info("failed login for user %s", username)
            context = {
                "title": "Log in",
                "next": target,
                "username": username,
                "error": "Wrong user name or password.",
            }
            return self.pages.render(request, "login.html", context, status=401)
        response = self.pages.redirect(target)
        set_session_cookie(request, response, session)
        return response

    def log_out(self, request: Request, form: Submitted) -> Response:
        """End the browser's session."""
        response = self.pages.redirect("/login" if server_auth(request) is not None else "/")
        clear_session_cookie(response)
        return response
