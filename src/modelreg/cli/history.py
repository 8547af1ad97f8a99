"""``modelreg history NAME``: a model's recorded changes, or who held a stage at a time."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from modelreg.cli.client_session import open_client
from modelreg.cli.options import JsonOption, MaxResultsOption, PageTokenOption
from modelreg.cli.output import (
    entity_json,
    events_table,
    print_json,
    print_next_page_hint,
    print_rich,
)


def _moment(value: str) -> datetime:
    """An ISO 8601 time (local time when it names no zone)."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"expected an ISO 8601 time such as 2026-11-28T09:30, got {value!r}.",
            param_hint="'--at'",
        ) from None
    return moment if moment.tzinfo else moment.astimezone()


def history(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The registered model's name.")],
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            metavar="TIME",
            help="With --stage or --alias: show which version held it at this ISO 8601 time.",
        ),
    ] = None,
    stage: Annotated[str | None, typer.Option("--stage", help="The stage asked about.")] = None,
    alias: Annotated[str | None, typer.Option("--alias", help="The alias asked about.")] = None,
    max_results: MaxResultsOption = None,
    page_token: PageTokenOption = None,
    as_json: JsonOption = False,
) -> None:
    """Every recorded change of a model, newest first: who, when, what, before → after."""
    if at is not None or stage is not None or alias is not None:
        if at is None:
            raise typer.BadParameter("--stage and --alias need --at TIME.", param_hint="'--at'")
        moment = _moment(at)
        with open_client(ctx) as client:
            version = client.get_model_version_at(name, moment, stage=stage, alias=alias)
        held = f"stage {stage}" if stage else f"alias @{alias}"
        if as_json:
            print_json({"name": name, "at": moment.isoformat(), "version": version})
        elif version is None:
            typer.echo(f"Nothing held the {held} of {name!r} at {moment.isoformat()}.")
        else:
            typer.echo(f"Version {version} held the {held} of {name!r} at {moment.isoformat()}.")
        return
    with open_client(ctx) as client:
        page = client.get_model_history(name, max_results=max_results, page_token=page_token)
    if as_json:
        print_json(
            {"events": [entity_json(event) for event in page], "next_page_token": page.token}
        )
    else:
        print_rich(events_table(page))
        print_next_page_hint(page.token)
