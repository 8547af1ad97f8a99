"""``modelreg models ...``: create, list, search, show, rename and delete registered models."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated

import typer

from modelreg.cli.client_session import open_client
from modelreg.cli.errors import exit_on_registry_error
from modelreg.cli.options import (
    DescriptionOption,
    JsonOption,
    MaxResultsOption,
    OrderByOption,
    PageTokenOption,
    TagOption,
    YesOption,
    name_filter,
    parse_tags,
)
from modelreg.cli.output import (
    entity_json,
    model_details,
    models_table,
    page_json,
    print_json,
    print_next_page_hint,
    print_rich,
    version_details,
    versions_table,
)
from modelreg.entities import PagedList, RegisteredModel

app = typer.Typer(help="Registered models.", no_args_is_help=True)

NameArgument = Annotated[str, typer.Argument(help="The registered model's name.")]


@app.command("create")
def create_model(
    ctx: typer.Context,
    name: NameArgument,
    description: DescriptionOption = None,
    tag: TagOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create a registered model with no versions."""
    tags = parse_tags(tag)
    with open_client(ctx) as client:
        model = client.create_registered_model(name, tags, description)
    _print_model(model, as_json)


@app.command("list")
def list_models(
    ctx: typer.Context,
    max_results: MaxResultsOption = None,
    order_by: OrderByOption = None,
    page_token: PageTokenOption = None,
    as_json: JsonOption = False,
) -> None:
    """List registered models, one page at a time."""
    with open_client(ctx) as client:
        page = client.search_registered_models(None, max_results, order_by, page_token)
    _print_models_page(page, as_json)


@app.command("search")
def search_models(
    ctx: typer.Context,
    filter_string: Annotated[
        str, typer.Argument(metavar="FILTER", help="A filter such as \"name LIKE 'Uni%'\".")
    ],
    max_results: MaxResultsOption = None,
    order_by: OrderByOption = None,
    page_token: PageTokenOption = None,
    as_json: JsonOption = False,
) -> None:
    """Search registered models with a filter, one page at a time."""
    with open_client(ctx) as client:
        page = client.search_registered_models(filter_string, max_results, order_by, page_token)
    _print_models_page(page, as_json)


@app.command("get")
def get_model(
    ctx: typer.Context,
    name: NameArgument,
    max_versions: Annotated[
        int, typer.Option("--max-versions", min=1, help="Show at most this many versions.")
    ] = 100,
    as_json: JsonOption = False,
) -> None:
    """Show a registered model and its newest versions.

    With --json: {"registered_model": {...}, "model_versions": [...], "next_page_token": ...}.
    """
    with open_client(ctx) as client:
        model = client.get_registered_model(name)
        versions = client.search_model_versions(
            name_filter(name), max_versions, ["version_number DESC"]
        )
    if as_json:
        print_json(
            {"registered_model": entity_json(model), **page_json("model_versions", versions)}
        )
        return
    print_rich(model_details(model), versions_table(versions))
    if versions.token is not None:
        typer.echo(f"Older versions not shown; see: modelreg versions list {shlex.quote(name)}")


@app.command("rename")
def rename_model(
    ctx: typer.Context,
    name: NameArgument,
    new_name: Annotated[str, typer.Argument(help="The new name.")],
    as_json: JsonOption = False,
) -> None:
    """Rename a registered model; its versions, tags and aliases follow it."""
    with open_client(ctx) as client:
        model = client.rename_registered_model(name, new_name)
    _print_model(model, as_json)


@app.command("delete")
def delete_model(
    ctx: typer.Context, name: NameArgument, yes: YesOption = False, as_json: JsonOption = False
) -> None:
    """Delete a registered model with all its versions, tags and aliases."""
    if not yes:
        typer.confirm(
            f"Delete registered model {name!r} with all its versions?", abort=True, err=True
        )
    with open_client(ctx) as client:
        client.delete_registered_model(name)
    if as_json:
        print_json({"name": name, "deleted": True})
    else:
        typer.echo(f"Deleted registered model {name!r}.")


@app.command("register")
def register_model(
    ctx: typer.Context,
    uri: Annotated[
        str,
        typer.Option("--uri", help="The model: runs:/ID/model, models:/..., s3://... or a folder."),
    ],
    name: Annotated[str, typer.Option("--name", help="The registered model (created if new).")],
    stage: Annotated[
        str | None, typer.Option("--stage", help="Move the new version to this stage.")
    ] = None,
    archive_existing: Annotated[
        bool,
        typer.Option("--archive-existing", help="With --stage: archive the versions there."),
    ] = False,
    alias: Annotated[
        list[str] | None,
        typer.Option("--alias", help="Point this alias at the new version; repeatable."),
    ] = None,
    tag: TagOption = None,
    description: DescriptionOption = None,
    idempotency_key: Annotated[
        str | None,
        typer.Option(
            "--idempotency-key",
            help="A key such as the CI job id: a retry with it returns the same version.",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Register a model as the next version of NAME, then optionally stage and alias it."""
    tags = parse_tags(tag)
    with open_client(ctx) as client:
        version = client.register_model(
            uri, name, tags, description=description, idempotency_key=idempotency_key
        )
        if stage is not None:
            version = client.transition_model_version_stage(
                name, version.version, stage, archive_existing_versions=archive_existing
            )
        for each in alias or []:
            client.set_registered_model_alias(name, each, version.version)
        if alias:
            version = client.get_model_version(name, version.version)
    if as_json:
        print_json(entity_json(version))
    else:
        print_rich(version_details(version))


@app.command("copy")
def copy_model(
    ctx: typer.Context,
    model_uri: Annotated[
        str, typer.Argument(help="The version to copy, e.g. models:/Unicorn/Production.")
    ],
    to: Annotated[
        str,
        typer.Option("--to", help="The destination registry, e.g. http://prod-registry:5000."),
    ],
    name: Annotated[
        str | None, typer.Option("--name", help="The destination model (default: the same).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Copy a version, with its files, signature, tags and lineage, to another registry."""
    from modelreg.client import Client  # heavy (SQLAlchemy, httpx)
    from modelreg.registry_copy import copy_model_version

    with open_client(ctx) as source, exit_on_registry_error():
        destination = Client(to)
        try:
            version = copy_model_version(source, model_uri, destination, name)
        finally:
            destination.close()
    if as_json:
        print_json(entity_json(version))
    else:
        typer.echo(f"Copied {model_uri} to {to} as {version.name} version {version.version}.")


def _print_model(model: RegisteredModel, as_json: bool) -> None:
    if as_json:
        print_json(entity_json(model))
    else:
        print_rich(model_details(model))


def _print_models_page(page: PagedList[RegisteredModel], as_json: bool) -> None:
    if as_json:
        print_json(page_json("registered_models", page))
    else:
        print_rich(models_table(page))
        print_next_page_hint(page.token)


# -- serving ------------------------------------------------------------------------------

ModelUriOption = Annotated[
    list[str],
    typer.Option(
        "--model-uri",
        "-m",
        metavar="[NAME=]URI",
        help=(
            "A model to serve: models:/NAME/STAGE, models:/NAME@ALIAS, models:/NAME/VERSION, "
            "runs:/RUN_ID/PATH or a folder. Repeat the option to serve several models."
        ),
        show_default=False,
    ),
]


@app.command("serve")
def serve_models(
    ctx: typer.Context,
    model_uri: ModelUriOption,
    host: Annotated[str, typer.Option("--host", "-h", help="The address to listen on.")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option("--port", "-p", help="The port to listen on.")] = 5000,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="Worker processes.")] = 1,
    timeout: Annotated[
        float, typer.Option("--timeout", "-t", min=0.001, help="Seconds a prediction may take.")
    ] = 60.0,
    poll_interval: Annotated[
        float,
        typer.Option(
            "--poll-interval",
            min=0.0,
            help="Seconds between looks at the registry for a moved stage or alias (0: never).",
        ),
    ] = 10.0,
    max_body_bytes: Annotated[
        int, typer.Option("--max-body-bytes", min=1, help="Largest request body (else 413).")
    ] = 64 * 1024 * 1024,
    max_rows: Annotated[
        int, typer.Option("--max-rows", min=1, help="Most rows per request (else 413).")
    ] = 100_000,
    canary: Annotated[
        list[str] | None,
        typer.Option(
            "--canary",
            metavar="URI:PERCENT%",
            help="A challenger answering a share of its model's requests, e.g. "
            "models:/Unicorn@challenger:10%.",
        ),
    ] = None,
    batching: Annotated[
        bool,
        typer.Option(
            "--batching/--no-batching",
            help="Predict concurrent requests of a scikit-learn model together.",
        ),
    ] = True,
    log_level: Annotated[str, typer.Option(help="uvicorn's log level.")] = "info",
    access_log: Annotated[
        bool, typer.Option("--access-log/--no-access-log", help="Log every request.")
    ] = False,
) -> None:
    """Serve models over HTTP: MLflow's scoring protocol (/invocations), the Open Inference
    Protocol (/v2/...) and Prometheus metrics (/metrics), following stages and aliases."""
    import copy
    import os

    import uvicorn  # the server's stack loads only for this command

    from modelreg.cli.client_session import settings_of
    from modelreg.cli.errors import exit_on_registry_error
    from modelreg.serving.loading import RegistryAccess
    from modelreg.serving.metrics import Metrics
    from modelreg.serving.served import served_models
    from modelreg.serving.settings import SERVING_CONFIG_ENV, CanarySpec, ServingSettings

    with exit_on_registry_error():
        settings = ServingSettings(
            settings_of(ctx),
            poll_interval=poll_interval,
            timeout=timeout,
            max_body_bytes=max_body_bytes,
            max_rows=max_rows,
            batching=batching,
            # Several workers share the port: each takes requests only once it has loaded.
            load_before_serving=workers > 1,
            canaries=tuple(CanarySpec.parse(value) for value in canary or []),
        )
        registry = RegistryAccess(settings.registry)
        try:
            # Fail now on a typo rather than in every worker: resolve, do not load.
            for holder in served_models(model_uri, settings, registry, Metrics()).holders():
                version = holder.source.check()
                where = f" (version {version.version})" if version is not None else ""
                typer.echo(f"Serving {holder.name}: {holder.uri}{where}", err=True)
        finally:
            registry.close()
    os.environ[SERVING_CONFIG_ENV] = settings.to_json(model_uri)
    typer.echo(f"Scoring server on http://{host}:{port}", err=True)
    # uvicorn's log configuration, plus modelreg's loggers (loads, swaps, model failures).
    log_config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    log_config["loggers"]["modelreg"] = {
        "handlers": ["default"],
        "level": log_level.upper(),
        "propagate": False,
    }
    uvicorn.run(
        "modelreg.serving.main:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        access_log=access_log,
        log_config=log_config,
        timeout_graceful_shutdown=30,
    )


@app.command("predict")
def predict_with_model(
    ctx: typer.Context,
    model_uri: Annotated[
        str,
        typer.Option(
            "--model-uri", "-m", help="The model (any URI serve accepts).", show_default=False
        ),
    ],
    input_path: Annotated[
        Path,
        typer.Option(
            "--input-path",
            "-i",
            exists=True,
            dir_okay=False,
            help="A JSON (MLflow's scoring request), CSV (with a header row) or Parquet file.",
        ),
    ],
    output_path: Annotated[
        Path | None,
        typer.Option(
            "--output-path", "-o", dir_okay=False, help="Where to write (default: stdout)."
        ),
    ] = None,
    content_type: Annotated[
        str | None,
        typer.Option(
            "--content-type", "-t", help="json, csv or parquet (default: the input's extension)."
        ),
    ] = None,
) -> None:
    """Predict a file's rows and write {"predictions": [...]}, as the scoring server answers."""
    from modelreg.cli.client_session import settings_of
    from modelreg.cli.errors import INPUT_ERROR_EXIT_CODE, exit_on_registry_error
    from modelreg.serving.errors import ScoringError
    from modelreg.serving.offline import predict_file

    with exit_on_registry_error():
        try:
            body = predict_file(model_uri, input_path, settings_of(ctx), content_type=content_type)
        except ScoringError as error:
            typer.echo(f"Error: {error.message} ({error.error_class})", err=True)
            raise typer.Exit(INPUT_ERROR_EXIT_CODE) from None
    if output_path is None:
        typer.echo(body.decode("utf-8"))
    else:
        output_path.write_bytes(body + b"\n")
