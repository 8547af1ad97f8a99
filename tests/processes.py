"""Real server processes for end-to-end tests: free loopback ports, start, wait, stop."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Block until ``url/health`` answers; fail with the process log if it dies or hangs."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=1):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise RuntimeError(f"server did not answer at {url}/health:\n{log.read_text()}")


@contextmanager
def running_server(tracking_uri: str, artifacts: Path, log: Path, *extra: str) -> Iterator[str]:
    """``modelreg server`` on a free port as a subprocess; yields its URL, stops it after."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "modelreg.cli.app", "--tracking-uri", tracking_uri]
    command += ["server", "--port", str(port), "--artifacts-destination", str(artifacts)]
    with log.open("wb") as output:
        process = subprocess.Popen([*command, *extra], stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_until_healthy(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
