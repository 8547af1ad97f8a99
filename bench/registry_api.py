"""The registry's REST API under load, side by side with ``mlflow server`` (HTTP only).

For each server (modelreg, then MLflow 3.17.2 with its defaults; both on a SQLite store in
a temporary folder), this seeds 10,000 registered models (100 of them with a version and a
``champion`` alias) over HTTP, then measures with ``wrk`` (req/s, p50, p99) at concurrency 1
and 8: get-registered-model, get-latest-versions, get-by-alias, and a ``LIKE`` search that
returns 100 of the 10,000 models; then concurrent version creation on one model (numbers
checked), the server's resident memory at rest, and its growth while a 1 GiB artifact is
uploaded and downloaded through the artifact proxy.

    .venv/bin/python bench/registry_api.py [--models 10000] [--duration 10] [--workers 1]
                                           [--skip-mlflow] [--artifact-mib 1024]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.processes import free_port

API = "/api/2.0/mlflow"
BIN = Path(sys.executable).parent


def rss_mib(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MiB."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        stack.extend(children.get(current, []))
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        total += int(match.group(1)) if match else 0
    return total / 1024


@contextmanager
def server(kind: str, folder: Path, workers: int) -> Iterator[tuple[str, int]]:
    """Start one server; yields its URL and pid."""
    port = free_port()
    db = f"sqlite:///{folder / f'{kind}.db'}"
    artifacts = folder / f"{kind}-artifacts"
    if kind == "modelreg":
        command = [str(BIN / "modelreg"), "--tracking-uri", db, "server", "--port", str(port)]
        command += ["--artifacts-destination", str(artifacts), "--workers", str(workers)]
        command += ["--log-level", "warning"]
    else:
        command = [str(BIN / "mlflow"), "server", "--backend-store-uri", db, "--port", str(port)]
        command += ["--artifacts-destination", str(artifacts), "--host", "127.0.0.1"]
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"}
    log = (folder / f"{kind}.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"{kind} server did not start; see {folder / f'{kind}.log'}")
            time.sleep(0.2)
        yield url, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def seed(url: str, models: int) -> None:
    """``models`` registered models; the first 100 get a version and a champion alias."""

    def create(i: int) -> None:
        name = f"model-{i:05d}"
        with httpx.Client(base_url=url, timeout=60) as client:
            client.post(f"{API}/registered-models/create", json={"name": name}).raise_for_status()
            if i < 100:
                body = {"name": name, "source": "s3://bench/model", "run_id": "r" * 32}
                client.post(f"{API}/model-versions/create", json=body).raise_for_status()
                alias = {"name": name, "alias": "champion", "version": "1"}
                client.post(f"{API}/registered-models/alias", json=alias).raise_for_status()

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(create, range(models)))


def wrk(url: str, connections: int, duration: int) -> dict[str, float]:
    """req/s, p50 and p99 (ms) of GET ``url`` under wrk."""
    out = subprocess.run(
        ["wrk", "--latency", f"-t{min(connections, 2)}", f"-c{connections}", f"-d{duration}s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def ms(label: str) -> float:
        match = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out)
        assert match, out
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50_ms": ms("50"),
        "p99_ms": ms("99"),
        "errors": float(errors.group(1)) if errors else 0.0,
    }


def concurrent_versions(url: str, writers: int = 32, each: int = 4) -> dict[str, float]:
    """Versions created by ``writers`` threads on one model: rate, and whether numbering held."""
    with httpx.Client(base_url=url, timeout=60) as client:
        client.post(f"{API}/registered-models/create", json={"name": "contended"})
    numbers: list[int] = []
    lock = threading.Lock()

    def write(_: int) -> None:
        with httpx.Client(base_url=url, timeout=120) as client:
            for _ in range(each):
                body = {"name": "contended", "source": "s3://bench/model"}
                response = client.post(f"{API}/model-versions/create", json=body)
                response.raise_for_status()
                with lock:
                    numbers.append(int(response.json()["model_version"]["version"]))

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=writers) as pool:
        list(pool.map(write, range(writers)))
    elapsed = time.perf_counter() - start
    expected = list(range(1, writers * each + 1))
    return {
        "versions_per_s": len(numbers) / elapsed,
        "numbering_ok": float(sorted(numbers) == expected),
    }


def artifact_round_trip(url: str, pid: int, mib: int, folder: Path) -> dict[str, float]:
    """Server RSS growth while ``mib`` MiB go up and down through the artifact proxy."""
    source = folder / "big.bin"
    with source.open("wb") as out:
        chunk = os.urandom(1 << 20)
        for _ in range(mib):
            out.write(chunk)
    peak = rss_mib(pid)
    before = peak
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, rss_mib(pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample)
    sampler.start()
    path = f"{url}/api/2.0/mlflow-artifacts/artifacts/bench/big.bin"
    try:
        with source.open("rb") as body, httpx.Client(timeout=600) as client:
            start = time.perf_counter()
            client.put(path, content=iter(lambda: body.read(1 << 20), b"")).raise_for_status()
            up = time.perf_counter() - start
            start = time.perf_counter()
            with client.stream("GET", path) as response:
                for _ in response.iter_bytes(1 << 20):
                    pass
            down = time.perf_counter() - start
    finally:
        stop.set()
        sampler.join()
        source.unlink()
    return {
        "rss_before_mib": before,
        "rss_growth_mib": peak - before,
        "upload_mib_s": mib / up,
        "download_mib_s": mib / down,
    }


READS = {
    "get-registered-model": "/registered-models/get?name=model-00042",
    "get-latest-versions": "/registered-models/get-latest-versions?name=model-00042",
    "get-by-alias": "/registered-models/alias?name=model-00042&alias=champion",
    "search LIKE (100 of N)": "/registered-models/search?filter=name%20LIKE%20%27model-001%25%27"
    "&max_results=100",
}


def measure(kind: str, args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with server(kind, folder, args.workers) as (url, pid):
        start = time.perf_counter()
        seed(url, args.models)
        results["seed_models_per_s"] = args.models / (time.perf_counter() - start)
        time.sleep(2)
        results["rss_at_rest_mib"] = rss_mib(pid)
        for label, path in READS.items():
            for connections in (1, 8):
                results[f"{label} c{connections}"] = wrk(
                    f"{url}{API}{path}", connections, args.duration
                )
        results["concurrent create"] = concurrent_versions(url)
        if args.artifact_mib:
            results["artifacts"] = artifact_round_trip(url, pid, args.artifact_mib, folder)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--artifact-mib", type=int, default=1024)
    parser.add_argument("--skip-mlflow", action="store_true")
    parser.add_argument("--json", type=Path, default=Path("bench/results/registry_api.json"))
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-api-") as scratch:
        for kind in ("modelreg",) if args.skip_mlflow else ("modelreg", "mlflow"):
            folder = Path(scratch) / kind
            folder.mkdir()
            results[kind] = measure(kind, args, folder)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2))
    ours, theirs = results["modelreg"], results.get("mlflow", {})
    print(
        f"{'case':<32}{'modelreg req/s':>15}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'mlflow req/s':>14}{'p50 ms':>9}{'p99 ms':>9}{'ratio':>8}"
    )
    for key, value in ours.items():
        if isinstance(value, dict) and "rps" in value:
            other = theirs.get(
                key, {"rps": float("nan"), "p50_ms": float("nan"), "p99_ms": float("nan")}
            )
            print(
                f"{key:<32}{value['rps']:>15.0f}{value['p50_ms']:>9.2f}{value['p99_ms']:>9.2f}"
                f"{other['rps']:>14.0f}{other['p50_ms']:>9.2f}{other['p99_ms']:>9.2f}"
                f"{value['rps'] / other['rps']:>7.1f}x"
            )
    for key in ("seed_models_per_s", "rss_at_rest_mib", "concurrent create", "artifacts"):
        print(f"{key}: modelreg {ours.get(key)}  mlflow {theirs.get(key)}")


if __name__ == "__main__":
    main()
