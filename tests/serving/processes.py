"""Servers run as real processes on free loopback ports, stopped in teardown."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

#: The virtualenv's scripts: MLflow's CLI execs ``uvicorn`` from PATH.
SCRIPTS = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_ready(
    url: str, process: subprocess.Popen[bytes], log: Path, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/ping", timeout=1).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"server not ready at {url} after {timeout} s:\n{log.read_text()}")


class ServerProcess:
    """A server started with ``command`` (``{port}`` in it is replaced by a free port)."""

    def __init__(self, command: list[str], log: Path, *, env: dict[str, str] | None = None):
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        environment = {**os.environ, "PATH": f"{SCRIPTS}{os.pathsep}{os.environ.get('PATH', '')}"}
        environment.update(env or {})
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                [part.replace("{port}", str(port)) for part in command],
                stdout=output,
                stderr=subprocess.STDOUT,
                env=environment,
                start_new_session=True,
            )

    def wait_ready(self, timeout: float = 90) -> str:
        """The URL, once ``/ping`` answers 200."""
        _wait_until_ready(self.url, self.process, self.log, timeout)
        return self.url

    def stop(self) -> None:
        """Stop the process and the workers it started (its own process group, by its id)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, 15)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, 9)
            self.process.wait()


@contextlib.contextmanager
def running(
    command: list[str], log: Path, *, env: dict[str, str] | None = None, timeout: float = 90
) -> Iterator[str]:
    """Run ``command`` until the block ends; yields its URL once ready."""
    server = ServerProcess(command, log, env=env)
    try:
        yield server.wait_ready(timeout)
    finally:
        server.stop()
