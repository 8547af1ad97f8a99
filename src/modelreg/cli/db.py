"""``modelreg db ...``: the registry database's schema revision, migrations and backups."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from modelreg.cli.client_session import settings_of
from modelreg.cli.errors import exit_on_registry_error
from modelreg.cli.options import JsonOption, TrackingUriOption
from modelreg.cli.output import print_json

if TYPE_CHECKING:
    import sqlalchemy as sa

app = typer.Typer(
    help="The registry database: schema revision and migrations.", no_args_is_help=True
)


@contextmanager
def _open_engine(ctx: typer.Context, tracking_uri: str | None) -> Iterator[sa.Engine]:
    """An engine on the registry's database, without migrating it; disposed after the block."""
    from modelreg.backend import store_uri
    from modelreg.store.sql import create_store_engine

    with exit_on_registry_error():
        uri = store_uri(settings_of(ctx, tracking_uri).tracking_uri)
        engine = create_store_engine(uri, migrate=False)
        try:
            yield engine
        finally:
            engine.dispose()


def _describe(revision: str | None) -> str:
    return "empty (no schema)" if revision is None else revision


@app.command("upgrade")
def upgrade_database(
    ctx: typer.Context, tracking_uri: TrackingUriOption = None, as_json: JsonOption = False
) -> None:
    """Apply the pending migrations, printing the revision before and after."""
    from modelreg.store.sql import migrations

    with _open_engine(ctx, tracking_uri) as engine:
        before = migrations.current_revision(engine)
        migrations.upgrade(engine)
        after = migrations.current_revision(engine)
    if as_json:
        print_json({"before": before, "after": after})
    elif before == after:
        typer.echo(f"Database already at the newest revision, {_describe(after)}.")
    else:
        typer.echo(f"Upgraded the database from {_describe(before)} to {_describe(after)}.")


@app.command("current")
def current_database_revision(
    ctx: typer.Context, tracking_uri: TrackingUriOption = None, as_json: JsonOption = False
) -> None:
    """Print the database's schema revision and whether it is the newest."""
    from modelreg.store.sql import migrations

    with _open_engine(ctx, tracking_uri) as engine:
        revision = migrations.current_revision(engine)
    head = migrations.head_revision()
    if as_json:
        print_json({"revision": revision, "head": head})
    elif revision == head:
        typer.echo(f"{_describe(revision)} (newest)")
    else:
        typer.echo(
            f"{_describe(revision)} (newest is {_describe(head)}; run `modelreg db upgrade`)"
        )


@app.command("backup")
def backup_database(
    ctx: typer.Context,
    destination: Annotated[Path, typer.Argument(help="The backup file to write.")],
    tracking_uri: TrackingUriOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write a consistent copy of the registry database while it is in use.

    SQLite: SQLite's online backup (a copy of one moment, writers keep writing). PostgreSQL:
    `pg_dump --format=custom` (restore with `pg_restore`). The artifact files are not in the
    database: copy or version them with their own tools.
    """
    from modelreg.store.sql.backup import backup

    if destination.exists():
        raise typer.BadParameter(f"{destination} exists: give a new file.", param_hint="DEST")
    with _open_engine(ctx, tracking_uri) as engine, exit_on_registry_error():
        backup(engine, destination)
    size = destination.stat().st_size
    if as_json:
        print_json({"backup": str(destination), "bytes": size})
    else:
        typer.echo(f"Backed up the registry database to {destination} ({size:,} bytes).")
