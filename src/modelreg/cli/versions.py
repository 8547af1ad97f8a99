"""``modelreg versions ...``: register, list, show, transition, alias and delete versions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from modelreg.cli.client_session import open_client, settings_of
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
    page_json,
    print_json,
    print_next_page_hint,
    print_rich,
    version_details,
    versions_table,
)
from modelreg.clock import system_clock
from modelreg.entities import ModelVersion

app = typer.Typer(help="Model versions, their stages and aliases.", no_args_is_help=True)

NameArgument = Annotated[str, typer.Argument(help="The registered model's name.")]
VersionArgument = Annotated[int, typer.Argument(help="The version number.")]
AliasArgument = Annotated[str, typer.Argument(help="The alias, such as 'champion'.")]
ExpectedVersionOption = Annotated[
    int | None,
    typer.Option(
        "--expected-version",
        min=0,
        help="Refuse (exit 1) unless this version holds the target now; 0: nothing holds it.",
    ),
]
ForceOption = Annotated[
    bool, typer.Option("--force", help="Override the rules a manager may override.")
]


@app.command("create")
def create_version(
    ctx: typer.Context,
    name: NameArgument,
    source: Annotated[
        str, typer.Option("--source", help="Where the model's files are, e.g. runs:/ID/model.")
    ],
    run_id: Annotated[str | None, typer.Option("--run-id", help="The run that made it.")] = None,
    tag: TagOption = None,
    description: DescriptionOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add the next version to a registered model."""
    tags = parse_tags(tag)
    with open_client(ctx) as client:
        version = client.create_model_version(name, source, run_id, tags, description=description)
    _print_version(version, as_json)


@app.command("list")
def list_versions(
    ctx: typer.Context,
    name: Annotated[
        str | None, typer.Argument(help="The registered model's name.", show_default=False)
    ] = None,
    filter_string: Annotated[
        str | None,
        typer.Option("--filter", help="A filter such as \"run_id = 'abc'\" (AND-ed with NAME)."),
    ] = None,
    max_results: MaxResultsOption = None,
    order_by: OrderByOption = None,
    page_token: PageTokenOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the versions of a model, or the versions that match --filter."""
    if name is None and filter_string is None:
        raise typer.BadParameter("give a model NAME, a --filter, or both.")
    parts = [name_filter(name) if name is not None else None, filter_string]
    combined = " AND ".join(part for part in parts if part)
    with open_client(ctx) as client:
        page = client.search_model_versions(combined, max_results, order_by, page_token)
    if as_json:
        print_json(page_json("model_versions", page))
    else:
        print_rich(versions_table(page))
        print_next_page_hint(page.token)


@app.command("get")
def get_version(
    ctx: typer.Context, name: NameArgument, version: VersionArgument, as_json: JsonOption = False
) -> None:
    """Show one version of a registered model."""
    with open_client(ctx) as client:
        model_version = client.get_model_version(name, version)
    _print_version(model_version, as_json)


@app.command("transition")
def transition_version(
    ctx: typer.Context,
    name: NameArgument,
    version: VersionArgument,
    stage: Annotated[str, typer.Argument(help="None, Staging, Production or Archived.")],
    archive_existing: Annotated[
        bool,
        typer.Option(
            "--archive-existing",
            help="Archive the versions already in STAGE (Staging or Production).",
        ),
    ] = False,
    expected_version: ExpectedVersionOption = None,
    force: ForceOption = False,
    as_json: JsonOption = False,
) -> None:
    """Move a version to a stage."""
    with open_client(ctx) as client:
        model_version = client.transition_model_version_stage(
            name,
            version,
            stage,
            archive_existing_versions=archive_existing,
            expected_version=expected_version,
            force=force,
        )
    _print_version(model_version, as_json)


@app.command("set-alias")
def set_alias(
    ctx: typer.Context,
    name: NameArgument,
    alias: AliasArgument,
    version: VersionArgument,
    expected_version: ExpectedVersionOption = None,
    force: ForceOption = False,
    as_json: JsonOption = False,
) -> None:
    """Point an alias at a version, moving it from the version that held it."""
    with open_client(ctx) as client:
        client.set_registered_model_alias(
            name, alias, version, expected_version=expected_version, force=force
        )
    if as_json:
        print_json({"name": name, "alias": alias, "version": version})
    else:
        typer.echo(f"Alias {alias!r} of {name!r} now points at version {version}.")


@app.command("delete-alias")
def delete_alias(
    ctx: typer.Context, name: NameArgument, alias: AliasArgument, as_json: JsonOption = False
) -> None:
    """Remove an alias from a registered model."""
    with open_client(ctx) as client:
        client.delete_registered_model_alias(name, alias)
    if as_json:
        print_json({"name": name, "alias": alias, "deleted": True})
    else:
        typer.echo(f"Deleted alias {alias!r} of {name!r}.")


@app.command("delete")
def delete_version(
    ctx: typer.Context,
    name: NameArgument,
    version: VersionArgument,
    force: Annotated[
        bool,
        typer.Option("--force", help="Delete it even in Staging/Production or holding aliases."),
    ] = False,
    yes: YesOption = False,
    as_json: JsonOption = False,
) -> None:
    """Move a version to the trash (restorable with `restore`); its number is never reused."""
    if not yes:
        typer.confirm(f"Delete version {version} of {name!r}?", abort=True, err=True)
    with open_client(ctx) as client:
        client.delete_model_version(name, version, force=force)
    if as_json:
        print_json({"name": name, "version": version, "deleted": True})
    else:
        typer.echo(f"Deleted version {version} of {name!r}.")


@app.command("promote")
def promote(
    ctx: typer.Context,
    name: NameArgument,
    from_stage: Annotated[str, typer.Option("--from", help="The candidate's stage.")],
    to_stage: Annotated[str, typer.Option("--to", help="The stage to move it to.")],
    require: Annotated[
        list[str] | None,
        typer.Option(
            "--require",
            metavar="'metrics.NAME OP NUMBER'",
            help="A gate on the source run's metrics, e.g. 'metrics.r2 >= 0.9'; repeatable.",
        ),
    ] = None,
    compare_with: Annotated[
        str | None,
        typer.Option(
            "--compare-with",
            help="A stage whose holder the candidate must match or beat on the gated metrics.",
        ),
    ] = None,
    keep_existing: Annotated[
        bool, typer.Option("--keep-existing", help="Do not archive the versions in --to.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Promote the latest version of --from to --to if it passes every gate (else exit 1)."""
    with open_client(ctx) as client:
        model_version = client.promote(
            name,
            from_stage=from_stage,
            to_stage=to_stage,
            require=require or [],
            compare_with=compare_with,
            archive_existing=not keep_existing,
        )
    if as_json:
        print_json(entity_json(model_version))
    else:
        typer.echo(
            f"Promoted version {model_version.version} of {name!r} from {from_stage} "
            f"to {model_version.current_stage.value}."
        )


@app.command("restore")
def restore_version(
    ctx: typer.Context, name: NameArgument, version: VersionArgument, as_json: JsonOption = False
) -> None:
    """Bring back a deleted version (with its tags and stage, not its aliases)."""
    with open_client(ctx) as client:
        model_version = client.restore_model_version(name, version)
    _print_version(model_version, as_json)


@app.command("rollback")
def rollback(
    ctx: typer.Context,
    name: NameArgument,
    stage: Annotated[
        str | None, typer.Option("--stage", help="The stage to roll back, e.g. Production.")
    ] = None,
    alias: Annotated[
        str | None, typer.Option("--alias", help="The alias to roll back, e.g. champion.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Give a stage or alias back to the version that held it before (a recorded change)."""
    with open_client(ctx) as client:
        model_version = client.rollback_model_version(name, stage=stage, alias=alias)
    if as_json:
        print_json(entity_json(model_version))
    else:
        held = f"stage {stage}" if stage else f"alias @{alias}"
        typer.echo(f"Rolled back the {held} of {name!r} to version {model_version.version}.")


@app.command("download")
def download_version(
    ctx: typer.Context,
    name: NameArgument,
    version: Annotated[
        str, typer.Argument(help="A version number, a stage (Production) or an @alias.")
    ],
    dst: Annotated[
        Path, typer.Option("--dst", help="The folder to write the model's files into.")
    ] = Path("."),
    as_json: JsonOption = False,
) -> None:
    """Download a version's files (checksums verified), e.g. `download Unicorn Production`."""
    uri = f"models:/{name}{version}" if version.startswith("@") else f"models:/{name}/{version}"
    with open_client(ctx) as client:
        folder = client.download_model(uri, str(dst))
    if as_json:
        print_json({"model_uri": uri, "path": str(folder)})
    else:
        typer.echo(f"Downloaded {uri} to {folder}")


@app.command("purge")
def purge_deleted(
    ctx: typer.Context,
    older_than_days: Annotated[
        float,
        typer.Option("--older-than-days", min=0, help="Grace period: keep newer deletions."),
    ] = 7.0,
    as_json: JsonOption = False,
) -> None:
    """Empty the trash: delete the files of versions deleted longer ago than the grace period.

    Runs on the registry's database and storage directly (not through a server).
    """
    from modelreg.backend import is_remote, open_local_backend  # heavy: SQLAlchemy

    settings = settings_of(ctx)
    if is_remote(settings.tracking_uri):
        raise typer.BadParameter(
            "purge runs next to the store: give --tracking-uri sqlite:///... or postgresql://...",
            param_hint="'--tracking-uri'",
        )
    with exit_on_registry_error():
        backend = open_local_backend(settings)
        try:
            cutoff = system_clock() - int(older_than_days * 86_400_000)
            collected = backend.registration.collect_deleted_versions(cutoff)
        finally:
            backend.close()
    if as_json:
        print_json({"collected": collected})
    else:
        typer.echo(f"Deleted the files of {collected} version(s) from the trash.")


def _print_version(version: ModelVersion, as_json: bool) -> None:
    if as_json:
        print_json(entity_json(version))
    else:
        print_rich(version_details(version))
