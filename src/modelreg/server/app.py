"""``create_app(settings)``: the registry server, built explicitly from its route groups."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from modelreg.__about__ import __version__
from modelreg.backend import LocalBackend, open_local_backend
from modelreg.config import Settings
from modelreg.errors import ExperimentAlreadyExists, ModelRegistryError
from modelreg.server import api, artifacts_proxy, errors, mlflow_compat, ui
from modelreg.server.api import history as api_history
from modelreg.server.api import policies as api_policies
from modelreg.server.api import transition_requests as api_transition_requests
from modelreg.server.api import webhooks as api_webhooks
from modelreg.server.artifact_uris import ArtifactUris
from modelreg.server.auth.install import install_auth
from modelreg.server.auth.server_auth import open_server_auth
from modelreg.server.operations import routes as operations_routes
from modelreg.server.operations.metrics import ServerMetrics
from modelreg.server.operations.request_log import RequestLog
from modelreg.server.reads import RegistryReads
from modelreg.server.responses import JSONResponse
from modelreg.service.registration_recovery import running_recovery
from modelreg.store.sql.webhooks_store import SqlWebhookStore
from modelreg.webhooks.service import WebhookService
from modelreg.webhooks.settings import DeliverySettings
from modelreg.webhooks.worker import running_worker


def create_app(
    settings: Settings,
    *,
    backend: LocalBackend | None = None,
    webhook_delivery: DeliverySettings | None = None,
) -> FastAPI:
    """The server for ``settings``; ``backend`` lets tests share one already open, and
    ``webhook_delivery`` times the webhook deliveries (polling, retries)."""
    owned = backend is None
    auth = open_server_auth(settings)  # None unless settings.auth
    access = None if auth is None else auth.access
    services = backend or open_local_backend(settings, local_sources=False, access=access)
    webhook_store = SqlWebhookStore(services.registry.store.engine)
    webhook_delivery = webhook_delivery or settings.webhook_delivery

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # MLflow's client starts runs in experiment "0" unless told otherwise: create it.
        with contextlib.suppress(ExperimentAlreadyExists):  # another worker was first
            services.tracking.default_experiment_id()
        try:
            with (
                running_worker(webhook_store, webhook_delivery),
                running_recovery(services.registration),  # of registrations whose process died
            ):
                yield
        finally:
            if owned:
                services.close()
            if auth is not None:
                auth.close()

    app = FastAPI(
        title="modelreg",
        version=__version__,
        description="A model registry with MLflow's REST API.",
        lifespan=lifespan,
        default_response_class=JSONResponse,
    )
    app.state.settings = settings
    app.state.backend = services
    app.state.artifact_uris = ArtifactUris(settings.artifact_root)
    app.state.reads = RegistryReads(
        inline=services.registry.store.reads_are_local,
        generation=services.registry.generation,
        cache_bytes=int(settings.read_cache_mib * 2**20),
    )
    app.state.webhooks = WebhookService(webhook_store, settings=webhook_delivery)
    app.add_exception_handler(ModelRegistryError, errors.registry_error)
    app.add_exception_handler(RequestValidationError, errors.validation_error)
    app.add_exception_handler(HTTPException, errors.http_error)
    app.add_exception_handler(Exception, errors.unexpected_error)
    app.include_router(mlflow_compat.router())
    app.include_router(artifacts_proxy.router())
    app.include_router(api_history.router, prefix=api.PREFIX)
    app.include_router(api_policies.router, prefix=api.PREFIX)
    app.include_router(api_transition_requests.router, prefix=api.PREFIX)
    app.include_router(api_webhooks.router())
    app.include_router(ui.router())
    app.include_router(operations_routes.router())
    if auth is not None:
        install_auth(app, auth)
    # Outermost, so every request (refused ones included) has an id, a log line and a count.
    app.state.metrics = ServerMetrics(
        {
            "modelreg_webhook_deliveries_pending": (
                "Webhook deliveries waiting in the outbox.",
                webhook_store.pending_count,
            )
        }
    )
    app.add_middleware(RequestLog, metrics=app.state.metrics)
    return app
