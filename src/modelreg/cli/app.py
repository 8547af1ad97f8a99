"""The ``modelreg`` root command: global options, the command groups, and ``main``."""

from __future__ import annotations

from typing import Annotated

import typer

from modelreg.__about__ import __version__
from modelreg.cli import db, models, policies, requests, versions
from modelreg.cli.errors import exit_on_registry_error
from modelreg.cli.history import history
from modelreg.cli.options import TrackingUriOption
from modelreg.cli.server import server
from modelreg.cli.tokens import app as tokens_app
from modelreg.cli.users import app as users_app
from modelreg.cli.webhooks import app as webhooks_app
from modelreg.config import Settings

app = typer.Typer(
    name="modelreg",
    help="modelreg: a machine-learning model registry, compatible with MLflow's.",
    no_args_is_help=True,
)
app.add_typer(models.app, name="models")
app.add_typer(versions.app, name="versions")
app.add_typer(policies.app, name="policies")
app.add_typer(requests.app, name="requests")
app.add_typer(db.app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")
app.add_typer(webhooks_app, name="webhooks")
app.command("server")(server)
app.command("history")(history)


def _print_version(requested: bool) -> None:
    if requested:
        typer.echo(f"modelreg {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    tracking_uri: TrackingUriOption = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """modelreg: a machine-learning model registry, compatible with MLflow's."""
    with exit_on_registry_error():  # a bad MODELREG_* value in the environment
        ctx.obj = Settings.resolve(tracking_uri)


def main() -> None:
    """The ``modelreg`` console script."""
    app(prog_name="modelreg")


if __name__ == "__main__":
    main()
