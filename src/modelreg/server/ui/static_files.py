"""The UI's own stylesheet, script and icon, served from the package (nothing from a CDN)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, Response

__all__ = ["STATIC", "static_routes"]

STATIC = Path(__file__).parent / "static"
_MEDIA_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}


def static_routes(route_class: type[APIRoute]) -> APIRouter:
    """``/static/<file>``: the files of ``static/``, listed once (no path is ever joined)."""
    router = APIRouter(route_class=route_class, include_in_schema=False)
    files = {path.name: path for path in STATIC.iterdir() if path.suffix in _MEDIA_TYPES}

    @router.get("/static/{name}")
    def static_file(name: str) -> Response:
        """A static file; pages link them with ``?v=<version>``, so they may be cached."""
        path = files.get(name)
        if path is None:
            raise HTTPException(404, f"No static file '{name}'.")
        return FileResponse(
            path,
            media_type=_MEDIA_TYPES[path.suffix],
            headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"},
        )

    return router
