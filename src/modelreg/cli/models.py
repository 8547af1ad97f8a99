"""``modelreg models ...``: create, list, search, show, rename and delete registered models."""

from __future__ import annotations

import shlex
from typing import Annotated

import typer

from modelreg.cli.client_session import open_client
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
