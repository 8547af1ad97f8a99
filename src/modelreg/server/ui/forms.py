"""Submitted forms: the URL-encoded body parsed, and its CSRF token checked, before a view runs.

The UI's forms are all ``application/x-www-form-urlencoded`` (no uploads), so they are parsed
with the standard library rather than a multipart parser.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qs

from fastapi import Depends, Request
from starlette.exceptions import HTTPException

from modelreg.server.ui import csrf

__all__ = ["MAX_FORM_BYTES", "Form", "Submitted", "submitted_form"]

#: A description may be 100,000 characters; URL-encoding can triple the bytes.
MAX_FORM_BYTES = 1_000_000


class Form:
    """The fields of a submitted form (the first value of each)."""

    def __init__(self, fields: dict[str, list[str]]) -> None:
        self._fields = fields

    def text(self, name: str, default: str = "") -> str:
        """The field's value, or ``default`` when the form has no such field."""
        values = self._fields.get(name)
        return values[0] if values else default

    def stripped(self, name: str) -> str:
        """The field's value without surrounding spaces (for names, keys and aliases)."""
        return self.text(name).strip()

    def flag(self, name: str) -> bool:
        """Whether a checkbox was ticked (or a hidden yes/no field says yes)."""
        return self.text(name).lower() in ("on", "yes", "true", "1")

    def confirmed(self) -> bool:
        """Whether the form comes from a confirmation page."""
        return self.flag("confirmed")


async def submitted_form(request: Request) -> Form:
    """The request's form, once its content type, size and CSRF token are checked."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise HTTPException(415, "Forms must be sent URL-encoded.")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise HTTPException(413, "The form is too large.")
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        raise HTTPException(400, "The form is not valid UTF-8.") from None
    form = Form(fields)
    csrf.verify(request, form.text(csrf.FIELD) or None)
    return form


Submitted = Annotated[Form, Depends(submitted_form)]
