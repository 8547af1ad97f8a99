"""``PageGroup``: a family of pages whose views are methods, routed from a declared table."""

from __future__ import annotations

from typing import ClassVar

from fastapi import APIRouter
from fastapi.routing import APIRoute

from modelreg.server.ui.rendering import Pages

__all__ = ["PageGroup"]


class PageGroup:
    """Views sharing the page renderer; ``ROUTES`` lists ``(method, path, view name)``."""

    ROUTES: ClassVar[tuple[tuple[str, str, str], ...]] = ()

    def __init__(self, pages: Pages) -> None:
        self.pages = pages

    def router(self, route_class: type[APIRoute]) -> APIRouter:
        """The group's routes, each failing as an HTML page (``route_class``)."""
        router = APIRouter(route_class=route_class, include_in_schema=False)
        for method, path, view in self.ROUTES:
            router.add_api_route(path, getattr(self, view), methods=[method])
        return router
