"""The two registry servers the HTTP benchmarks start: ``modelreg server`` and ``mlflow server``.

Both get a store in the given folder (SQLite unless a store URI is passed), an artifact
folder beside it served through their artifact proxy, and a free loopback port. MLflow runs
with its defaults (``--serve-artifacts`` spelled out), modelreg with ``--workers``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from processes import BIN, free_port, started

TOOLS = ("modelreg", "mlflow")


@dataclass(frozen=True)
class RunningServer:
    """A started registry server: its tool, base URL and process id."""

    tool: str
    url: str
    pid: int


def command(
    tool: str, port: int, store_uri: str, artifacts: Path, *, workers: int = 1
) -> list[str]:
    """The command line that serves ``store_uri`` and ``artifacts`` on ``port``."""
    if tool == "modelreg":
        return [
            str(BIN / "modelreg"), "--tracking-uri", store_uri, "server", "--port", str(port),
            "--artifacts-destination", str(artifacts), "--workers", str(workers),
            "--log-level", "warning",
        ]  # fmt: skip
    if tool == "mlflow":
        return [
            str(BIN / "mlflow"), "server", "--backend-store-uri", store_uri, "--port", str(port),
            "--host", "127.0.0.1", "--artifacts-destination", str(artifacts), "--serve-artifacts",
        ]  # fmt: skip
    raise ValueError(f"unknown tool {tool!r}; choose from {', '.join(TOOLS)}")


@contextlib.contextmanager
def registry_server(
    tool: str,
    folder: Path,
    *,
    workers: int = 1,
    store_uri: str | None = None,
    log: Path | None = None,
    env: dict[str, str] | None = None,
) -> Iterator[RunningServer]:
    """One registry server running until the block ends (``env`` adds to its environment).

    Its output goes to ``log`` (by default ``folder/<tool>.log``): pass a path outside a
    temporary folder to keep it after the run.
    """
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    uri = store_uri or f"sqlite:///{folder / f'{tool}.db'}"
    line = command(tool, port, uri, folder / f"{tool}-artifacts", workers=workers)
    url = f"http://127.0.0.1:{port}"
    env = {"MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true"} | (env or {})
    log = log or folder / f"{tool}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with started(line, f"{url}/health", log, env=env) as pid:
        yield RunningServer(tool, url, pid)
