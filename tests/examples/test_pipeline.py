"""The worked pipeline of examples/startups, end to end against a real server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from modelreg import Client
from tests.processes import free_port, running_server

PIPELINE = Path(__file__).parents[2] / "examples" / "startups" / "pipeline.sh"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with running_server(
        f"sqlite:///{tmp_path / 'registry.db'}", tmp_path / "artifacts", tmp_path / "server.log"
    ) as url:
        yield url


@pytest.fixture
def client(server: str) -> Iterator[Client]:
    client = Client(server)
    yield client
    client.close()


def run_pipeline(server: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """pipeline.sh with this interpreter's `python` and `modelreg` first on PATH."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return subprocess.run(
        ["bash", str(PIPELINE)],
        env={**os.environ, "PATH": path, "MODELREG_TRACKING_URI": server, **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )


def stages(client: Client) -> dict[int, str]:
    versions = client.search_model_versions("name = 'Unicorn'")
    return {v.version: v.current_stage.value for v in versions}


def test_the_pipeline_promotes_refuses_and_rolls_back(
    server: str, client: Client, tmp_path: Path
) -> None:
    good = run_pipeline(server, tmp_path, SERVE_PORT=str(free_port()), RUN_KEY="ci-1")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Promoted version 1 of 'Unicorn' from Staging to Production." in good.stdout
    assert '{"predictions":[' in good.stdout  # the served model answered
    assert stages(client) == {1: "Production"}

    # A weaker model passes validation and the thresholds but not the comparison.
    weaker = run_pipeline(server, tmp_path, FEATURES="R&D Spend", RUN_KEY="ci-2")
    assert weaker.returncode == 1, weaker.stdout + weaker.stderr
    assert "Refused by rule 'compare:r2'" in weaker.stderr
    assert stages(client) == {1: "Production", 2: "Staging"}
    assert client.get_model_version_by_alias("Unicorn", "candidate").version == 2

    # Re-running a CI job with the same key registers nothing new.
    again = run_pipeline(server, tmp_path, FEATURES="R&D Spend", RUN_KEY="ci-2")
    assert again.returncode == 1
    assert len(stages(client)) == 2

    better = run_pipeline(server, tmp_path, RUN_KEY="ci-3")
    assert better.returncode == 0, better.stdout + better.stderr
    assert stages(client) == {1: "Archived", 2: "Archived", 3: "Production"}

    modelreg = Path(sys.executable).parent / "modelreg"
    rolled = subprocess.run(
        [str(modelreg), "--tracking-uri", server, "versions", "rollback", "Unicorn",
         "--stage", "Production"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "to version 1" in rolled.stdout
    assert stages(client) == {1: "Production", 2: "Archived", 3: "Archived"}

    history = subprocess.run(
        [str(modelreg), "--tracking-uri", server, "history", "Unicorn", "--json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    moves = [
        (event["version"], event["before"]["stage"], event["after"]["stage"])
        for event in reversed(json.loads(history.stdout)["events"])
        if event["entity"] == "model_version_stage"
    ]
    assert moves == [
        (1, "None", "Staging"),
        (1, "Staging", "Production"),
        (2, "None", "Staging"),
        (2, "Staging", "Archived"),
        (3, "None", "Staging"),
        (1, "Production", "Archived"),
        (3, "Staging", "Production"),
        (3, "Production", "Archived"),
        (1, "Archived", "Production"),
    ]
