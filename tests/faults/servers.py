"""``modelreg server`` processes the fault tests kill and restart on the same registry.

A :class:`Deployment` is what outlives a server process: its database, its artifact root,
its environment and its log (appended to by every process, so a restart keeps the story).
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.processes import free_port, wait_until_healthy

#: Sweep abandoned registrations every quarter second (see registration_recovery).
QUICK_RECOVERY = {"MODELREG_PENDING_REGISTRATION_TIMEOUT": "3"}


@dataclass(frozen=True)
class Deployment:
    """A registry: its database, artifact root, server environment and log.

    ``file_size_limit`` (bytes) caps every file the server process writes, as a full disk
    would (its SIGXFSZ is ignored, so writes fail with EFBIG instead of killing it).
    """

    tracking_uri: str
    artifacts: Path
    log: Path
    env: dict[str, str] = field(default_factory=dict)
    file_size_limit: int | None = None


@dataclass(frozen=True)
class Server:
    """A running server process of a deployment."""

    url: str
    process: subprocess.Popen[bytes]

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as when a machine dies."""
        self.process.kill()
        self.process.wait()


def _limit_file_size(limit: int) -> Callable[[], None]:
    def apply() -> None:  # runs in the child, between fork and exec
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@contextmanager
def running(deployment: Deployment, port: int | None = None) -> Iterator[Server]:
    """A server process for ``deployment`` on ``port`` (a free one by default); stopped
    after, unless killed."""
    port = port or free_port()
    command = [sys.executable, "-m", "modelreg.cli.app", "--tracking-uri"]
    command += [deployment.tracking_uri, "server", "--port", str(port)]
    command += ["--artifacts-destination", str(deployment.artifacts), "--log-level", "warning"]
    limit = deployment.file_size_limit
    with deployment.log.open("ab") as output:
        process = subprocess.Popen(
            command,
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, **deployment.env},
            preexec_fn=None if limit is None else _limit_file_size(limit),
        )
    server = Server(f"http://127.0.0.1:{port}", process)
    try:
        wait_until_healthy(server.url, process, deployment.log)
        yield server
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
