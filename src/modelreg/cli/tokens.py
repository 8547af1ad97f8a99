"""``modelreg tokens ...``: users' API tokens, managed on the local registry database.

A token is printed once, when it is created; the database keeps only its hash.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from modelreg.cli.options import JsonOption
from modelreg.cli.output import print_json, print_rich, timestamp
from modelreg.cli.users import UsernameArgument, open_accounts

app = typer.Typer(help="API tokens (on the local registry database).", no_args_is_help=True)


@app.command("create")
def create_token(
    ctx: typer.Context,
    username: UsernameArgument,
    name: Annotated[str, typer.Option("--name", help="What the token is for, e.g. 'ci'.")],
    as_json: JsonOption = False,
) -> None:
    """Create an API token for a user and print it (this is the only time it is shown)."""
    with open_accounts(ctx) as accounts:
        token, value = accounts.create_token(name, username=username)
    if as_json:
        print_json({**dataclasses.asdict(token), "value": value})
        return
    typer.echo(value)
    typer.echo(
        f"Token {token.id} ({token.name}) of {username!r}: store it now, it is not shown again.",
        err=True,
    )


@app.command("list")
def list_tokens(
    ctx: typer.Context, username: UsernameArgument, as_json: JsonOption = False
) -> None:
    """List a user's API tokens (their names and ids; never their values)."""
    with open_accounts(ctx) as accounts:
        tokens = accounts.list_tokens(username)
    if as_json:
        print_json({"tokens": [dataclasses.asdict(token) for token in tokens]})
        return
    table = Table("ID", "Name", "User", "Created")
    for token in tokens:
        table.add_row(
            str(token.id),
            Text(token.name),
            Text(token.username),
            timestamp(token.creation_timestamp),
        )
    print_rich(table)


@app.command("revoke")
def revoke_token(
    ctx: typer.Context,
    token_id: Annotated[int, typer.Argument(metavar="ID", help="The token's id (see list).")],
    as_json: JsonOption = False,
) -> None:
    """Revoke an API token: it stops working at once."""
    with open_accounts(ctx) as accounts:
        accounts.revoke_token(token_id)
    if as_json:
        print_json({"id": token_id, "revoked": True})
    else:
        typer.echo(f"Revoked token {token_id}.")
