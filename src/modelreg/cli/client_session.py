"""How a command reaches the registry: settings from the root options, then a Client."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

from modelreg.cli.errors import exit_on_registry_error
from modelreg.config import Settings

if TYPE_CHECKING:
    from modelreg.client import Client


def settings_of(ctx: typer.Context, tracking_uri: str | None = None) -> Settings:
    """The settings the root command resolved, or those of a command's own ``tracking_uri``."""
    if tracking_uri is not None:
        return Settings.resolve(tracking_uri)
    settings = ctx.find_object(Settings)
    return settings if settings is not None else Settings.resolve()


@contextmanager
def open_client(ctx: typer.Context) -> Iterator[Client]:
    """A Client on the command's registry, closed after the block.

    A registry error raised while opening it or inside the block ends the command
    (``Error: ...`` on stderr, exit status 2 or 1).
    """
    from modelreg.client import Client  # heavy (SQLAlchemy): see the package docstring

    with exit_on_registry_error():
        client = Client(settings_of(ctx).tracking_uri)
        try:
            yield client
        finally:
            client.close()
