"""``create_scoring_app(model_uris, settings)``: the scoring server, built explicitly.

The app serves MLflow's scoring protocol, the Open Inference Protocol and ``/metrics``.
Its lifespan starts one prediction thread per served model and the registry watcher that
loads the models in the background (``/ping`` answers 503 until they are loaded) and
follows their stages and aliases; it stops them on shutdown.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import anyio.to_thread
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from modelreg.serving.errors import EndpointNotFound, MethodNotAllowed, ServerBug
from modelreg.serving.invocations import error_response, invocation_routes
from modelreg.serving.loading import RegistryAccess
from modelreg.serving.metrics import CONTENT_TYPE, Metrics
from modelreg.serving.oip import oip_routes
from modelreg.serving.served import ScoringState, served_models
from modelreg.serving.settings import ServingSettings
from modelreg.serving.watcher import RegistryWatcher

if TYPE_CHECKING:
    from modelreg.client import Client

__all__ = ["create_scoring_app"]

logger = logging.getLogger(__name__)


def create_scoring_app(
    model_uris: Sequence[str], settings: ServingSettings, *, client: Client | None = None
) -> Starlette:
    """The scoring server of ``model_uris`` (``[NAME=]URI`` each).

    Args:
        model_uris: ``models:/Unicorn/Production``, ``models:/Unicorn@champion``,
            ``models:/Unicorn/3``, ``runs:/<id>/model``, a folder... (``fraud=./model`` serves
            the folder as ``fraud``).
        settings: limits, polling, batching, canaries, and the registry to use.
        client: an open Client on that registry (tests); else one is opened when needed.

    Example:
        >>> settings = ServingSettings(Settings.resolve(), poll_interval=5)
        >>> app = create_scoring_app(["models:/Unicorn/Production"], settings)
    """
    registry = RegistryAccess(settings.registry, client)
    metrics = Metrics()
    models = served_models(model_uris, settings, registry, metrics)
    state = ScoringState(models, settings, metrics)
    watcher = RegistryWatcher(models.holders(), metrics, poll_interval=settings.poll_interval)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        for endpoint in models.endpoints():
            endpoint.predictor.start()
        if settings.load_before_serving:
            await anyio.to_thread.run_sync(watcher.poll_once)
        watcher.start(loaded=settings.load_before_serving)
        try:
            yield
        finally:
            watcher.stop()
            for endpoint in models.endpoints():
                endpoint.predictor.stop()
            registry.close()

    async def prometheus(_request: Request) -> Response:
        return Response(metrics.render(models.holders()), media_type=CONTENT_TYPE)

    async def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        where = f"{request.method} {request.url.path}"
        if error.status_code == 405:
            return error_response(MethodNotAllowed(f"Method Not Allowed: {where}."))
        return error_response(
            EndpointNotFound(
                f"Not Found: {where}. The scoring server answers /ping, /health, /version, "
                "/invocations[/<name>], /metrics and the Open Inference Protocol's /v2/...."
            )
        )

    async def server_bug(request: Request, error: Exception) -> Response:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(ServerBug(f"Internal error: {type(error).__name__}"))

    app = Starlette(
        routes=[
            *invocation_routes(state),
            *oip_routes(state),
            Route("/metrics", prometheus, methods=["GET"]),
        ],
        exception_handlers={HTTPException: http_error, Exception: server_bug},
        lifespan=lifespan,
    )
    app.state.scoring = state
    app.state.watcher = watcher
    return app
