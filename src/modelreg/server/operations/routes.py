"""``/health`` (liveness), ``/health/ready`` (readiness), ``/version`` and ``/metrics``."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from fastapi import APIRouter, Request
from starlette.responses import Response

from modelreg.__about__ import __version__
from modelreg.server.dependencies import backend
from modelreg.server.errors import error_response
from modelreg.server.operations.metrics import CONTENT_TYPE, ServerMetrics
from modelreg.store.sql.migrations import current_revision, head_revision

__all__ = ["router"]

logger = logging.getLogger(__name__)


def router() -> APIRouter:
    """The operations routes (outside the API prefixes, documented under "operations")."""
    routes = APIRouter(tags=["operations"])

    @routes.get("/health")
    def health() -> Response:
        """Liveness: the process answers (it checks nothing else)."""
        return Response("OK", media_type="text/plain")

    @routes.get("/health/ready")
    def ready(request: Request) -> Response:
        """Readiness: the database answers and its schema is this code's; else 503."""
        engine = backend(request).registry.store.engine
        try:
            with engine.connect() as connection:
                connection.execute(sa.select(1))
            revision = current_revision(engine)
        except sa.exc.SQLAlchemyError as error:
            logger.warning("not ready: the database does not answer: %s", error)
            return error_response(
                "TEMPORARILY_UNAVAILABLE", "The registry database does not answer.", 503
            )
        if revision != head_revision():
            return error_response(
                "TEMPORARILY_UNAVAILABLE",
                f"The database schema is at {revision}, this server needs {head_revision()}: "
                "run `modelreg db upgrade`.",
                503,
            )
        return Response("OK", media_type="text/plain")

    @routes.get("/version")
    def version() -> Response:
        """The server's version."""
        return Response(__version__, media_type="text/plain")

    @routes.get("/metrics")
    def metrics(request: Request) -> Response:
        """Prometheus metrics of this worker process."""
        found: ServerMetrics = request.app.state.metrics
        return Response(found.render(), media_type=CONTENT_TYPE)

    return routes
