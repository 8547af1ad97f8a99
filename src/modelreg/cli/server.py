"""``modelreg server``: run the registry server (REST API, artifact proxy) with uvicorn."""

from __future__ import annotations

import os
import secrets
from enum import StrEnum
from typing import Annotated

import typer

from modelreg.cli.client_session import settings_of
from modelreg.cli.errors import exit_on_registry_error
from modelreg.config import (
    ARTIFACT_ROOT_ENV,
    AUTH_ENV,
    SECRET_KEY_ENV,
    TRACKING_URI_ENV,
    Settings,
)


class LogFormat(StrEnum):
    """How the server writes its logs."""

    JSON = "json"
    TEXT = "text"


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
    log_level: Annotated[str, typer.Option(help="The log level (debug, info, warning...).")] = (
        "info"
    ),
    log_format: Annotated[
        LogFormat,
        typer.Option(
            help="json: one JSON object per line, with request ids (default); text: plain lines."
        ),
    ] = LogFormat.JSON,
    auth: Annotated[
        bool,
        typer.Option(
            "--auth",
            help=f"Require users to log in (also ${AUTH_ENV}=true); see `modelreg users`.",
        ),
    ] = False,
) -> None:
    """Serve the registry over HTTP, compatible with the MLflow client."""
    import uvicorn  # the server's stack loads only for this command

    from modelreg.backend import store_uri
    from modelreg.server.operations.json_logs import logging_config
    from modelreg.store.sql import create_store_engine

    base = settings_of(ctx, backend_store_uri)
    settings = Settings.resolve(base.tracking_uri, artifact_root=artifacts_destination)
    with exit_on_registry_error():
        # Migrate once here, so workers start on an up-to-date schema.
        create_store_engine(store_uri(settings.tracking_uri)).dispose()
    os.environ[TRACKING_URI_ENV] = settings.tracking_uri
    os.environ[ARTIFACT_ROOT_ENV] = settings.artifact_root
    if auth:
        os.environ[AUTH_ENV] = "true"
    if (auth or settings.auth) and not settings.secret_key:
        # One key for every worker, so a session opened with one is valid with the others.
        os.environ[SECRET_KEY_ENV] = secrets.token_urlsafe(32)
        typer.echo(
            f"Warning: {SECRET_KEY_ENV} is not set; UI sessions end when the server restarts.",
            err=True,
        )
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
        log_config=logging_config(log_level, json_format=log_format == LogFormat.JSON),
        access_log=False,  # one JSON line per request comes from the app instead
        timeout_graceful_shutdown=30,
    )
