"""Fixtures of the CLI tests (the runner and the registry come from tests/cli_fixtures.py)."""

from __future__ import annotations

import pytest

from modelreg.client import Client
from tests.cli_fixtures import Cli

__all__ = ["Cli"]


@pytest.fixture
def unicorn(client: Client) -> Client:
    """The model Unicorn with versions 1 (Production), 2 (alias champion) and 3."""
    client.create_registered_model("Unicorn", tags={"team": "growth"}, description="A horse")
    for run in ("r1", "r2", "r3"):
        client.create_model_version("Unicorn", f"runs:/{run}/model", run_id=run)
    client.transition_model_version_stage("Unicorn", 1, "Production")
    client.set_registered_model_alias("Unicorn", "champion", 2)
    return client
