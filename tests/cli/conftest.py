"""Fixtures of the CLI tests: a fresh SQLite registry and a runner bound to it."""

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


@pytest.fixture
def unicorn(client: Client) -> Client:
    """The model Unicorn with versions 1 (Production), 2 (alias champion) and 3."""
    client.create_registered_model("Unicorn", tags={"team": "growth"}, description="A horse")
    for run in ("r1", "r2", "r3"):
        client.create_model_version("Unicorn", f"runs:/{run}/model", run_id=run)
    client.transition_model_version_stage("Unicorn", 1, "Production")
    client.set_registered_model_alias("Unicorn", "champion", 2)
    return client
