"""``Pages``: renders the UI's Jinja templates into responses, with flash messages and headers.

Autoescaping is on for every template, so text from the registry (names, descriptions, tags)
is always escaped; the only markup that is not comes from :class:`MarkdownRenderer`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from fastapi import Request
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.responses import HTMLResponse, RedirectResponse, Response

from modelreg.__about__ import __version__
from modelreg.errors import ModelRegistryError
from modelreg.server.ui import csrf, formatting, links
from modelreg.server.ui.markdown import MarkdownRenderer

__all__ = ["SECURITY_HEADERS", "Flash", "Pages"]

logger = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent / "templates"
FLASH_COOKIE = "modelreg_flash"
_MAX_FLASH = 600

#: Sent with every page: no inline script, nothing loaded from elsewhere, no framing.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


class Flash:
    """A one-time message shown on the next page: a success, or an error."""

    def __init__(self, text: str, *, error: bool = False) -> None:
        self.text = text
        self.error = error

    def encode(self) -> str:
        """The cookie value."""
        return quote(("E" if self.error else "I") + self.text[:_MAX_FLASH], safe="")

    @classmethod
    def decode(cls, value: str | None) -> Flash | None:
        """The message a cookie value holds, if any."""
        text = unquote(value or "")
        if len(text) < 2 or text[0] not in "EI":
            return None
        return cls(text[1:], error=text[0] == "E")


class Pages:
    """The template environment and the ways a view answers: a page, a redirect, an error."""

    def __init__(self, templates: Path = TEMPLATES) -> None:
        self.environment = Environment(
            loader=FileSystemLoader(templates),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )
        self.environment.filters.update(
            when=formatting.short_time,
            iso=formatting.iso_time,
            size=formatting.file_size,
            markdown=MarkdownRenderer(),
        )
        self.environment.globals.update(
            links=links, version=__version__, duration=formatting.duration
        )

    def render(
        self, request: Request, template: str, context: Mapping[str, Any], status: int = 200
    ) -> HTMLResponse:
        """The page ``template`` filled with ``context`` (and the CSRF token, the flash)."""
        flash = Flash.decode(request.cookies.get(FLASH_COOKIE))
        html = self.environment.get_template(template).render(
            {
                **context,
                "request_path": request.url.path,
                "csrf_field": csrf.FIELD,
                "csrf_token": csrf.token_for(request),
                "flash": flash,
            }
        )
        response = HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)
        response.headers["Cache-Control"] = "no-store"
        csrf.set_cookie(request, response)
        if flash is not None:
            response.delete_cookie(FLASH_COOKIE, path="/")
        return response

    def error(self, request: Request, status: int, message: str) -> HTMLResponse:
        """An error page: the status, and a message without internals."""
        title = {
            400: "Bad request",
            403: "Forbidden",
            404: "Not found",
            409: "Conflict",
            413: "Too large",
            415: "Unsupported form",
        }.get(status, "Error")
        return self.render(
            request, "error.html", {"title": title, "status": status, "message": message}, status
        )

    def confirm(
        self,
        request: Request,
        *,
        title: str,
        lines: list[str],
        action: str,
        button: str,
        cancel: str,
        fields: Mapping[str, str] | None = None,
        danger: bool = False,
    ) -> HTMLResponse:
        """A page asking to confirm a change: the form posts ``fields`` again to ``action``
        with ``confirmed=yes``."""
        context = {
            "title": title,
            "lines": lines,
            "action": action,
            "fields": dict(fields or {}),
            "button": button,
            "cancel": cancel,
            "danger": danger,
        }
        return self.render(request, "confirm.html", context)

    @staticmethod
    def redirect(url: str, flash: Flash | None = None) -> Response:
        """A See Other to ``url`` (after a form), carrying ``flash`` to the next page."""
        response = RedirectResponse(url, status_code=303, headers=SECURITY_HEADERS)
        if flash is not None:
            response.set_cookie(FLASH_COOKIE, flash.encode(), httponly=True, samesite="lax")
        return response

    def perform(self, action: Callable[[], str | None], *, back: str, done: str) -> Response:
        """Run a form's ``action``; then go to the URL it returns (else ``back``) saying
        ``done``, or back to ``back`` showing the registry's error."""
        try:
            target = action()
        except ModelRegistryError as error:
            logger.info("UI action refused: %s", error)
            return self.redirect(back, Flash(error.message, error=True))
        return self.redirect(target or back, Flash(done))
