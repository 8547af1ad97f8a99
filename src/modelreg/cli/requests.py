"""``modelreg requests ...``: ask for moves into protected stages and aliases, and decide them.

Like ``modelreg policies``, these commands work on a local registry database.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from modelreg.cli.options import JsonOption, MaxResultsOption, PageTokenOption
from modelreg.cli.output import print_json, print_next_page_hint, print_rich, timestamp
from modelreg.cli.policies import AliasOption, open_governance
from modelreg.governance.transition_requests import TransitionRequest
from modelreg.governance.wire import transition_request_to_wire

app = typer.Typer(
    help="Transition requests into protected stages and aliases.", no_args_is_help=True
)

RequestIdArgument = Annotated[int, typer.Argument(help="The request's id.")]
CommentOption = Annotated[str | None, typer.Option("--comment", help="A comment.")]


@app.command("create")
def create_request(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The registered model's name.")],
    version: Annotated[int, typer.Argument(help="The version to move.")],
    stage: Annotated[
        str | None, typer.Option("--stage", help="The stage to move it to, e.g. Production.")
    ] = None,
    alias: AliasOption = None,
    archive_existing: Annotated[
        bool,
        typer.Option("--archive-existing", help="Archive the versions already in the stage."),
    ] = False,
    comment: CommentOption = None,
    as_json: JsonOption = False,
) -> None:
    """Ask managers to move a version into a stage, or to point an alias at it."""
    with open_governance(ctx) as governance:
        request = governance.create_transition_request(
            name,
            version,
            stage,
            alias=alias,
            archive_existing_versions=archive_existing,
            comment=comment,
        )
    _print_request(request, as_json)


@app.command("list")
def list_requests(
    ctx: typer.Context,
    name: Annotated[
        str | None,
        typer.Argument(
            help="The registered model's name (all models when omitted).", show_default=False
        ),
    ] = None,
    state: Annotated[
        str,
        typer.Option("--state", help="pending, approved, rejected, cancelled, failed, or all."),
    ] = "pending",
    max_results: MaxResultsOption = None,
    page_token: PageTokenOption = None,
    as_json: JsonOption = False,
) -> None:
    """List requests, oldest first (the pending ones unless --state says otherwise)."""
    with open_governance(ctx) as governance:
        page = governance.search_transition_requests(
            name, state=state, max_results=max_results, page_token=page_token
        )
    if as_json:
        print_json(
            {
                "transition_requests": [transition_request_to_wire(r) for r in page],
                "next_page_token": page.token,
            }
        )
    else:
        print_rich(requests_table(page))
        print_next_page_hint(page.token)


@app.command("get")
def get_request(
    ctx: typer.Context, request_id: RequestIdArgument, as_json: JsonOption = False
) -> None:
    """Show one request with its approvals."""
    with open_governance(ctx) as governance:
        request = governance.get_transition_request(request_id)
    _print_request(request, as_json)


@app.command("approve")
def approve_request(
    ctx: typer.Context,
    request_id: RequestIdArgument,
    comment: CommentOption = None,
    as_json: JsonOption = False,
) -> None:
    """Approve a request; the approval that completes it makes the move."""
    with open_governance(ctx) as governance:
        request = governance.approve_transition_request(request_id, comment)
    _print_request(request, as_json)


@app.command("reject")
def reject_request(
    ctx: typer.Context,
    request_id: RequestIdArgument,
    comment: CommentOption = None,
    as_json: JsonOption = False,
) -> None:
    """Turn a request down (managers)."""
    with open_governance(ctx) as governance:
        request = governance.reject_transition_request(request_id, comment)
    _print_request(request, as_json)


@app.command("cancel")
def cancel_request(
    ctx: typer.Context,
    request_id: RequestIdArgument,
    comment: CommentOption = None,
    as_json: JsonOption = False,
) -> None:
    """Withdraw a request (its requester, or a manager)."""
    with open_governance(ctx) as governance:
        request = governance.cancel_transition_request(request_id, comment)
    _print_request(request, as_json)


def _print_request(request: TransitionRequest, as_json: bool) -> None:
    if as_json:
        print_json(transition_request_to_wire(request))
    else:
        print_rich(requests_table([request]))


def requests_table(requests: Sequence[TransitionRequest]) -> Table:
    """One row per request: id, model, version, target, state, who asked and who approved."""
    table = Table()
    table.add_column("ID", justify="right", no_wrap=True)
    table.add_column("Name", overflow="fold")
    table.add_column("Version", justify="right", no_wrap=True)
    table.add_column("Target", no_wrap=True)
    table.add_column("State", no_wrap=True)
    table.add_column("Requester", overflow="fold")
    table.add_column("Approved by", overflow="fold")
    table.add_column("Comment", overflow="fold")
    table.add_column("Created", no_wrap=True)
    for request in requests:
        table.add_row(
            str(request.id),
            Text(request.model_name),
            str(request.version),
            Text(str(request.target)),
            request.state.value,
            Text(request.requester),
            Text(", ".join(request.approvers)),
            Text(request.resolution or request.comment or ""),
            timestamp(request.creation_timestamp),
        )
    return table
