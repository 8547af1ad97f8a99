"""Processes the benchmarks start and measure: servers on free ports, resident memory.

Standard library only. ``started`` runs a command in its own session (so its workers can be
stopped together) and waits for a health URL; ``tree_rss_mib`` adds up the resident memory of
a process and all its descendants; ``PeakRss`` samples it in the background while a
measurement runs.
"""

from __future__ import annotations

import contextlib
import os
import re
import resource
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.processes import free_port

ROOT = Path(__file__).resolve().parent.parent

#: The virtualenv's bin folder: ``modelreg``, ``mlflow`` and their Python.
BIN = Path(sys.executable).parent

__all__ = ["BIN", "ROOT", "PeakRss", "free_port", "own_peak_rss_mib", "started", "tree_rss_mib"]


def own_peak_rss_mib() -> float:
    """The peak resident memory of this process so far, in MiB.

    Linux's ``VmHWM`` is the peak of this program alone: ``ru_maxrss`` would carry over the
    parent's resident size at the fork that started it, even across exec.
    """
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        status = ""
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    if match:
        return int(match.group(1)) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def tree_rss_mib(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MiB."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command name may hold spaces and parentheses: the fields start after ")".
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total_kib, stack = 0, [pid]
    while stack:
        current = stack.pop()
        stack.extend(children.get(current, []))
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        total_kib += int(match.group(1)) if match else 0
    return total_kib / 1024


class PeakRss:
    """The highest ``tree_rss_mib(pid)`` seen while the ``with`` block runs.

    ``before`` is the reading when the block started; ``growth`` the peak above it.
    """

    def __init__(self, pid: int, interval_s: float = 0.1) -> None:
        self.pid = pid
        self.interval_s = interval_s
        self.before = self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakRss:
        self.before = self.peak = tree_rss_mib(self.pid)
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, tree_rss_mib(self.pid))

    @property
    def growth(self) -> float:
        return self.peak - self.before

    def _sample(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.peak = max(self.peak, tree_rss_mib(self.pid))


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@contextlib.contextmanager
def started(
    command: Sequence[str],
    health_url: str,
    log: Path,
    *,
    env: dict[str, str] | None = None,
    timeout_s: float = 180,
) -> Iterator[int]:
    """Run ``command`` until the block ends, once ``health_url`` answers 200; yields its pid.

    Output goes to ``log``. The process gets its own session, and the whole group is stopped
    (SIGTERM, then SIGKILL after 30 s) so that no worker outlives the block.
    """
    environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    with log.open("wb") as output:
        process = subprocess.Popen(
            list(command),
            stdout=output,
            stderr=subprocess.STDOUT,
            env=environment | (env or {}),
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + timeout_s
        while not _answers(health_url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{command[0]} did not start; its log:\n{log.read_text()}")
            time.sleep(0.2)
        yield process.pid
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
