"""Registry errors end a command with one line on stderr and the exit status of their kind."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from modelreg.cli.errors import error_line, exit_code_for, exit_on_registry_error
from modelreg.errors import (
    AliasNotFound,
    InternalError,
    InvalidFilter,
    InvalidParameterValue,
    InvalidStage,
    ModelRegistryError,
    ModelVersionNotFound,
    PermissionDenied,
    RegisteredModelAlreadyExists,
    RegisteredModelNotFound,
    ResourceAlreadyExists,
    ResourceConflict,
    ResourceNotFound,
)


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (InvalidParameterValue("bad"), 2),
        (InvalidFilter("bad filter"), 2),
        (InvalidStage("Prod"), 2),
        (AliasNotFound("m", "a"), 2),
        (ResourceNotFound("gone"), 2),
        (RegisteredModelNotFound("m"), 2),
        (ModelVersionNotFound("m", 3), 2),
        (ResourceAlreadyExists("there"), 2),
        (RegisteredModelAlreadyExists("m"), 2),
        (PermissionDenied("no"), 1),
        (ResourceConflict("changed"), 1),
        (InternalError("boom"), 1),
        (ModelRegistryError("boom"), 1),
    ],
)
def test_exit_code_of_each_error(error: ModelRegistryError, code: int) -> None:
    assert exit_code_for(error) == code


def test_error_line_has_message_and_code() -> None:
    assert error_line(RegisteredModelNotFound("m")) == (
        "Error: Registered Model with name=m not found (RESOURCE_DOES_NOT_EXIST)"
    )


def _app_raising(error: Exception) -> typer.Typer:
    app = typer.Typer()

    @app.command()
    def fail() -> None:
        with exit_on_registry_error():
            raise error

    return app


@pytest.mark.parametrize(
    ("error", "code"),
    [(PermissionDenied("Not yours."), 1), (ResourceConflict("Changed meanwhile."), 1)],
)
def test_refusals_and_conflicts_exit_1_without_traceback(
    error: ModelRegistryError, code: int
) -> None:
    result = CliRunner().invoke(_app_raising(error), [])
    assert result.exit_code == code
    assert result.stderr == f"Error: {error.message} ({error.error_code})\n"
    assert result.stdout == ""


def test_other_exceptions_are_not_swallowed() -> None:
    result = CliRunner().invoke(_app_raising(ValueError("bug")), [])
    assert isinstance(result.exception, ValueError)
