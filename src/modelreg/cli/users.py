"""``modelreg users ...``: the accounts of a registry server, managed on its database.

These commands open the local store (``sqlite://``, ``postgresql://``, a folder) directly, as
its operator: they are how the first administrator is made. A running server's accounts are
managed through its REST API instead (``/api/2.0/mlflow/users/...``).
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from modelreg.cli.client_session import settings_of
from modelreg.cli.errors import exit_on_registry_error
from modelreg.cli.options import JsonOption, YesOption
from modelreg.cli.output import print_json, print_rich, timestamp
from modelreg.errors import InvalidParameterValue

if TYPE_CHECKING:
    from modelreg.auth.accounts import AccountService
    from modelreg.auth.entities import User

app = typer.Typer(help="User accounts (on the local registry database).", no_args_is_help=True)

UsernameArgument = Annotated[str, typer.Argument(help="The user's name.")]
PasswordStdinOption = Annotated[
    bool,
    typer.Option(
        "--password-stdin", help="Read the password from standard input instead of a prompt."
    ),
]


@contextmanager
def open_accounts(ctx: typer.Context) -> Iterator[AccountService]:
    """The accounts of the command's local registry; a registry error ends the command."""
    from modelreg.auth.accounts import AccountService
    from modelreg.backend import is_remote, store_uri
    from modelreg.store.sql import create_store_engine
    from modelreg.store.sql.auth_store import SqlAuthStore

    with exit_on_registry_error():
        uri = settings_of(ctx).tracking_uri
        if is_remote(uri):
            raise InvalidParameterValue(
                f"{uri} is a server: these commands work on a local registry database "
                "(--tracking-uri sqlite:///... or postgresql://...); use the server's REST API."
            )
        store = SqlAuthStore(create_store_engine(store_uri(uri)))
        try:
            yield AccountService(store)
        finally:
            store.close()


def read_password(from_stdin: bool) -> str:
    """The new password: the first line of standard input, or typed twice at a prompt."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    return password


def user_json(user: User) -> dict[str, Any]:
    """A user as JSON (there is no password in it)."""
    return dataclasses.asdict(user)


@app.command("list")
def list_users(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the users."""
    with open_accounts(ctx) as accounts:
        users = accounts.list_users()
    if as_json:
        print_json({"users": [user_json(user) for user in users]})
        return
    table = Table("Username", "Admin", "Created")
    for user in users:
        table.add_row(
            Text(user.username), "yes" if user.is_admin else "", timestamp(user.creation_timestamp)
        )
    print_rich(table)


@app.command("create")
def create_user(
    ctx: typer.Context,
    username: UsernameArgument,
    admin: Annotated[bool, typer.Option("--admin", help="Make the user an administrator.")] = False,
    password_stdin: PasswordStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    """Create a user, with a password typed at a prompt (or read from standard input)."""
    password = read_password(password_stdin)
    with open_accounts(ctx) as accounts:
        user = accounts.create_user(username, password, is_admin=admin)
    if as_json:
        print_json(user_json(user))
    else:
        typer.echo(f"Created {'administrator' if admin else 'user'} {username!r}.")


@app.command("delete")
def delete_user(
    ctx: typer.Context,
    username: UsernameArgument,
    yes: YesOption = False,
    as_json: JsonOption = False,
) -> None:
    """Delete a user with their API tokens and permissions."""
    if not yes:
        typer.confirm(f"Delete user {username!r} and their API tokens?", abort=True, err=True)
    with open_accounts(ctx) as accounts:
        accounts.delete_user(username)
    if as_json:
        print_json({"username": username, "deleted": True})
    else:
        typer.echo(f"Deleted user {username!r}.")


@app.command("set-admin")
def set_admin(
    ctx: typer.Context,
    username: UsernameArgument,
    admin: Annotated[
        bool, typer.Option("--admin/--no-admin", help="Grant or take back administration.")
    ] = True,
    as_json: JsonOption = False,
) -> None:
    """Make a user an administrator (or, with --no-admin, no longer one)."""
    with open_accounts(ctx) as accounts:
        accounts.set_admin(username, admin)
    if as_json:
        print_json({"username": username, "is_admin": admin})
    else:
        typer.echo(f"{username!r} is {'now' if admin else 'no longer'} an administrator.")


@app.command("set-password")
def set_password(
    ctx: typer.Context,
    username: UsernameArgument,
    password_stdin: PasswordStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    """Give a user a new password (their UI sessions end)."""
    password = read_password(password_stdin)
    with open_accounts(ctx) as accounts:
        accounts.set_password(username, password)
    if as_json:
        print_json({"username": username, "password_changed": True})
    else:
        typer.echo(f"Changed the password of {username!r}.")
