"""``modelreg server``: run the registry server (REST API, artifact proxy) with uvicorn."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from modelreg.cli.client_session import settings_of
from modelreg.cli.errors import exit_on_registry_error
from modelreg.config import ARTIFACT_ROOT_ENV, TRACKING_URI_ENV, Settings


def server(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="The port to listen on.")] = 5000,
    backend_store_uri: Annotated[
        str | None,
        typer.Option(help="sqlite:///path or postgresql://host/db (default: --tracking-uri)."),
    ] = None,
    artifacts_destination: Annotated[
        str | None,
        typer.Option(help="Where artifacts are stored: a folder or s3://bucket/prefix."),
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    log_level: Annotated[str, typer.Option(help="uvicorn's log level.")] = "info",
) -> None:
    """Serve the registry over HTTP, compatible with the MLflow client."""
    import uvicorn  # the server's stack loads only for this command

    from modelreg.backend import store_uri
    from modelreg.store.sql import create_store_engine

    base = settings_of(ctx, backend_store_uri)
    settings = Settings.resolve(base.tracking_uri, artifact_root=artifacts_destination)
    with exit_on_registry_error():
        # Migrate once here, so workers start on an up-to-date schema.
        create_store_engine(store_uri(settings.tracking_uri)).dispose()
    os.environ[TRACKING_URI_ENV] = settings.tracking_uri
    os.environ[ARTIFACT_ROOT_ENV] = settings.artifact_root
    typer.echo(
        f"modelreg {settings.tracking_uri} (artifacts: {settings.artifact_root}) "
        f"on http://{host}:{port}",
        err=True,
    )
    uvicorn.run(
        "modelreg.server.main:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        timeout_graceful_shutdown=30,
    )
