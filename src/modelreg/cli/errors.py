"""How registry errors end a command: ``Error: <message>`` on stderr and an exit code."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer

from modelreg.errors import (
    InvalidParameterValue,
    ModelRegistryError,
    ResourceAlreadyExists,
    ResourceNotFound,
)

#: Exit status of an error in what the user asked for (the status of a usage error too).
INPUT_ERROR_EXIT_CODE = 2
#: Exit status of an error the input does not explain (a conflict, a refusal, a failure).
FAILURE_EXIT_CODE = 1

_INPUT_ERRORS = (InvalidParameterValue, ResourceNotFound, ResourceAlreadyExists)


def exit_code_for(error: ModelRegistryError) -> int:
    """2 when the user's input is at fault (bad value, missing or existing object), else 1."""
    return INPUT_ERROR_EXIT_CODE if isinstance(error, _INPUT_ERRORS) else FAILURE_EXIT_CODE


def error_line(error: ModelRegistryError) -> str:
    """The one line printed for ``error``: its message, then its MLflow error code."""
    return f"Error: {error.message} ({error.error_code})"


@contextmanager
def exit_on_registry_error() -> Iterator[None]:
    """Turn a registry error raised inside the block into its line on stderr and an exit."""
    try:
        yield
    except ModelRegistryError as error:
        typer.echo(error_line(error), err=True)
        raise typer.Exit(exit_code_for(error)) from None
