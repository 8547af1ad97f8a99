"""The web UI: server-rendered pages at ``/`` that call the services directly (never the REST
API), with small plain-JavaScript enhancements and every asset served from the package.

    /                                   registered models: search, sort, pages
    /models/<name>                      a model: description, tags, aliases, versions
    /models/<name>/history              its timeline
    /models/<name>/versions/<v>         a version: stage, aliases, tags, signature, files, run
    /experiments, /experiments/<id>     experiments and their runs
    /runs/<id>                          a run: params, metric charts, tags, artifacts
"""

from __future__ import annotations

from fastapi import APIRouter

from modelreg.identity import current_principal
from modelreg.server.ui.artifact_pages import ArtifactPages
from modelreg.server.ui.history import HistoryPages
from modelreg.server.ui.login_pages import LoginPages
from modelreg.server.ui.models_pages import ModelPages
from modelreg.server.ui.not_found import not_found_routes
from modelreg.server.ui.page_route import page_route_class
from modelreg.server.ui.rendering import Pages
from modelreg.server.ui.runs_pages import RunPages
from modelreg.server.ui.static_files import static_routes
from modelreg.server.ui.versions_pages import VersionPages

__all__ = ["router"]


def router() -> APIRouter:
    """Every UI route; none of them is under ``/api``, ``/ajax-api`` or the operations paths."""
    pages = Pages()
    pages.environment.globals["current_principal"] = current_principal  # base.html's user
    route_class = page_route_class(pages)
    combined = APIRouter(include_in_schema=False)
    combined.include_router(static_routes(route_class))
    for group in (ModelPages, HistoryPages, VersionPages, RunPages, ArtifactPages, LoginPages):
        combined.include_router(group(pages).router(route_class))
    # Last: unknown paths under the UI's prefixes get a 404 page rather than JSON.
    combined.include_router(not_found_routes(route_class))
    return combined
