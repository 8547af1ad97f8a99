"""Scoring servers under load: ``mlflow models serve`` against ``modelreg models serve``.

Both serve the same model folder (the startups pipeline, saved with an input example so it
has a signature), one worker process each, on loopback ports. ``wrk`` (with a Lua script
for the POST body) sends one-row and 100-row ``dataframe_split`` requests at a concurrency
of 8; the table gives requests/s, p50 and p99 latency, and the servers' resident memory
(the whole process tree: MLflow's CLI stays alive as the parent of its uvicorn worker),
then modelreg's ratios to MLflow.

Run from the repository root, when the machine is otherwise quiet::

    .venv/bin/python bench/scoring.py [--duration 15] [--connections 8] [--no-unbatched]

``--no-unbatched`` skips the extra run of modelreg with ``--no-batching``. Raw figures go
to ``bench/results/scoring-local.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import report

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
WRK = shutil.which("wrk") or "/usr/bin/wrk"
PAYLOAD_ROWS = (1, 100)


@dataclass(frozen=True)
class Server:
    """A way to serve the model folder: a label and its command (``{port}``, ``{model}``)."""

    label: str
    command: list[str]


SERVERS = [
    Server(
        "mlflow",
        [str(BIN / "mlflow"), "models", "serve", "-m", "{model}", "--env-manager", "local",
         "-h", "127.0.0.1", "-p", "{port}", "-w", "1"],
    ),
    Server(
        "modelreg",
        [str(BIN / "modelreg"), "models", "serve", "-m", "{model}", "-h", "127.0.0.1",
         "-p", "{port}", "-w", "1"],
    ),
    Server(
        "modelreg --no-batching",
        [str(BIN / "modelreg"), "models", "serve", "-m", "{model}", "-h", "127.0.0.1",
         "-p", "{port}", "-w", "1", "--no-batching"],
    ),
]  # fmt: skip


def save_model(folder: Path) -> Path:
    """The startups pipeline saved by modelreg (MLflow loads the same folder)."""
    warnings.simplefilter("ignore")
    from tests.startups import make_pipeline, make_startups

    import modelreg.sklearn

    data = make_startups()
    path = folder / "model"
    modelreg.sklearn.save_model(make_pipeline(data), path, input_example=data.head(2))
    return path


def write_lua(folder: Path, rows: int) -> Path:
    """A wrk script POSTing a ``dataframe_split`` body of ``rows`` rows."""
    from tests.startups import make_startups

    frame = make_startups(max(rows, 2), seed=11).head(rows)
    body = json.dumps(
        {"dataframe_split": {"columns": list(frame.columns), "data": frame.values.tolist()}}
    )
    script = folder / f"post-{rows}.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f"wrk.body = [==[{body}]==]\n"
    )
    return script


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def serving(server: Server, model: Path, log: Path) -> Iterator[tuple[str, int]]:
    """The server running (its URL and process id) until the block ends."""
    port = free_port()
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "MLFLOW_ALLOW_PICKLE_DESERIALIZATION": "true",
        "MLFLOW_DISABLE_TELEMETRY": "true",
        "MODELREG_TRACKING_URI": f"sqlite:///{log.parent / 'registry.db'}",
    }
    command = [part.format(port=port, model=model) for part in server.command]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while not _pings(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{server.label} did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield url, process.pid
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _pings(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/ping", timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def tree_rss_mib(pid: int) -> float:
    """Resident memory of ``pid``'s process group (the server and the workers it started)."""
    total_kib = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) != pid:
                continue
            status = (entry / "status").read_text()
        except (ProcessLookupError, FileNotFoundError, PermissionError):
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        total_kib += int(match.group(1)) if match else 0
    return total_kib / 1024


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def run_wrk(url: str, script: Path, *, duration: float, connections: int) -> dict[str, Any]:
    """One wrk run: requests/s, p50 and p99 in ms, and the count of failed responses."""
    seconds = max(1, round(duration))
    command = [WRK, "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script)]
    output = subprocess.run(
        [*command, f"{url}/invocations"], capture_output=True, text=True, check=True
    ).stdout

    def latency(label: str) -> float:
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        if match is None:
            raise RuntimeError(f"no {label}% latency in wrk's output:\n{output}")
        return float(match.group(1)) * _UNITS[match.group(2)]

    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    failed = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:.*", output)
    return {
        "req_per_s": float(rate.group(1)) if rate else 0.0,
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "failed": int(failed.group(1)) if failed else 0,
        "socket_errors": errors.group(0) if errors else "",
    }


def check_answer(url: str, script: Path) -> None:
    """The body must be answered 200 before it is worth timing."""
    body = re.search(r"\[==\[(.*)\]==\]", script.read_text(), re.DOTALL)
    assert body is not None
    request = urllib.request.Request(
        f"{url}/invocations",
        data=body.group(1).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        predictions = json.loads(response.read())["predictions"]
    if len(predictions) != int(script.stem.split("-")[1]):
        raise RuntimeError(f"unexpected answer from {url}: {predictions!r}")


def measure(
    server: Server, model: Path, scripts: dict[int, Path], folder: Path, args: argparse.Namespace
) -> dict[str, Any]:
    """Every payload against one server."""
    print(f"{server.label}: starting", file=sys.stderr)
    result: dict[str, Any] = {"server": server.label, "payloads": {}}
    with serving(server, model, folder / f"{server.label.replace(' ', '_')}.log") as (url, pid):
        result["rss_idle_mib"] = tree_rss_mib(pid)
        peak = 0.0
        for rows, script in scripts.items():
            check_answer(url, script)
            run_wrk(url, script, duration=args.warmup, connections=args.connections)
            figures = run_wrk(url, script, duration=args.duration, connections=args.connections)
            peak = max(peak, tree_rss_mib(pid))
            result["payloads"][rows] = figures
            print(f"{server.label}: {rows} row(s): {figures}", file=sys.stderr)
        result["rss_mib"] = peak
    return result


def tables(results: list[dict[str, Any]]) -> str:
    """The figures per server and payload, then modelreg's ratios to MLflow."""
    rows = []
    for result in results:
        for payload, figures in result["payloads"].items():
            rows.append(
                [
                    result["server"],
                    f"{payload} row(s)",
                    figures["req_per_s"],
                    figures["p50_ms"],
                    figures["p99_ms"],
                    result["rss_mib"],
                    figures["failed"],
                ]
            )
    headers = ["server", "request", "req/s", "p50 ms", "p99 ms", "RSS MiB", "non-2xx"]
    text = report.format_table(headers, rows)
    mlflow = next(r for r in results if r["server"] == "mlflow")
    ratios = []
    for result in results:
        if result is mlflow:
            continue
        for payload, figures in result["payloads"].items():
            theirs = mlflow["payloads"][payload]
            ratios.append(
                [
                    result["server"],
                    f"{payload} row(s)",
                    f"{figures['req_per_s'] / theirs['req_per_s']:.1f}x",
                    f"{theirs['p50_ms'] / figures['p50_ms']:.1f}x",
                    f"{theirs['p99_ms'] / figures['p99_ms']:.1f}x",
                    f"{mlflow['rss_mib'] / result['rss_mib']:.1f}x",
                ]
            )
    ratio_headers = [
        "vs mlflow",
        "request",
        "req/s (higher)",
        "p50 (lower)",
        "p99 (lower)",
        "RSS (less)",
    ]
    return text + "\n\n" + report.format_table(ratio_headers, ratios)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per timed run")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of warm-up per run")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections")
    parser.add_argument(
        "--no-unbatched", action="store_true", help="skip modelreg with --no-batching"
    )
    args = parser.parse_args()
    servers = [s for s in SERVERS if not (args.no_unbatched and "no-batching" in s.label)]
    with tempfile.TemporaryDirectory(prefix="bench-scoring-") as temp:
        folder = Path(temp)
        model = save_model(folder)
        scripts = {rows: write_lua(folder, rows) for rows in PAYLOAD_ROWS}
        results = [measure(server, model, scripts, folder, args) for server in servers]
    data = {
        "machine": report.machine(),
        "cpus": os.cpu_count(),
        "load_average_at_end": os.getloadavg(),
        "duration_s": args.duration,
        "connections": args.connections,
        "results": results,
    }
    path = report.write_results("scoring", "local", data)
    print(tables(results))
    print(f"\n(raw figures: {path.relative_to(ROOT)})")


if __name__ == "__main__":
    main()
