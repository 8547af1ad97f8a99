"""``wrk`` runs: requests/s, p50 and p99 latency, failed responses (for GETs and Lua POSTs)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def require_wrk() -> str:
    """The path of ``wrk``; exits with the install command when it is missing."""
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit("wrk is missing: apt-get install wrk (make bench installs it)")
    return path


def lua_post(folder: Path, name: str, body: str) -> Path:
    """A wrk script that POSTs ``body`` as JSON."""
    script = folder / f"{name}.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f"wrk.body = [==[{body}]==]\n"
    )
    return script


def run_wrk(
    url: str, *, connections: int, duration_s: float, script: Path | None = None
) -> dict[str, Any]:
    """One wrk run against ``url``; its figures (latencies in ms)."""
    threads = min(connections, 2)
    command = [require_wrk(), "--latency", f"-t{threads}", f"-c{connections}"]
    command.append(f"-d{max(1, round(duration_s))}s")
    if script is not None:
        command += ["-s", str(script)]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout

    def latency_ms(label: str) -> float:
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        if match is None:
            raise RuntimeError(f"no {label}% latency in wrk's output:\n{output}")
        return float(match.group(1)) * _UNITS_MS[match.group(2)]

    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    failed = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:.*", output)
    return {
        "req_per_s": float(rate.group(1)) if rate else 0.0,
        "p50_ms": latency_ms("50"),
        "p99_ms": latency_ms("99"),
        "failed": int(failed.group(1)) if failed else 0,
        "socket_errors": errors.group(0) if errors else "",
    }
