"""A 404 page for unknown paths under the UI's prefixes (the REST API keeps its JSON 404)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

__all__ = ["UI_PREFIXES", "not_found_routes"]

UI_PREFIXES = ("/models", "/experiments", "/runs", "/static")


def not_found_routes(route_class: type[APIRoute]) -> APIRouter:
    """Catch-all GET routes under each UI prefix, answering 404 as a page."""
    router = APIRouter(route_class=route_class, include_in_schema=False)

    def not_found(rest: str) -> None:
        raise HTTPException(404, "There is no such page.")

    for prefix in UI_PREFIXES:
        router.add_api_route(f"{prefix}/{{rest:path}}", not_found, methods=["GET"])
    return router
