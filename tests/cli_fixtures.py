"""The CLI runner and its fixtures (a fresh SQLite registry, the CLI and a Client on it),
for every suite that drives ``modelreg`` commands (registered in tests/conftest.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from modelreg.cli.app import app
from modelreg.client import Client


class Cli:
    """Runs ``modelreg --tracking-uri <uri> ...`` in-process and returns typer's Result."""

    def __init__(self, tracking_uri: str) -> None:
        self.tracking_uri = tracking_uri
        # Wide enough that rich never folds a value the tests look for.
        self.runner = CliRunner(env={"COLUMNS": "200"})

    def __call__(self, *args: str, input: str | None = None) -> Result:
        return self.runner.invoke(
            app, ["--tracking-uri", self.tracking_uri, *args], input=input, catch_exceptions=False
        )

    def json(self, *args: str) -> Any:
        """Run the command with ``--json``, check it succeeded, and parse its stdout."""
        result = self(*args, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)


@pytest.fixture
def tracking_uri(tmp_path: Path) -> str:
    """A registry in a fresh SQLite file."""
    return f"sqlite:///{tmp_path / 'registry.db'}"


@pytest.fixture
def cli(tracking_uri: str) -> Cli:
    """The CLI bound to the fresh registry."""
    return Cli(tracking_uri)


@pytest.fixture
def client(tracking_uri: str) -> Iterator[Client]:
    """A Client on the same registry, to set up and check state beside the CLI."""
    client = Client(tracking_uri)
    yield client
    client.close()
