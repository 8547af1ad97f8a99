"""The registry's REST API under load, side by side with ``mlflow server`` (HTTP only).

For each server (modelreg, then MLflow 3.17.2 with its defaults; both on a SQLite store in
a temporary folder), this seeds 10,000 registered models (100 of them with a version and a
``champion`` alias) over HTTP, then measures with ``wrk`` (req/s, p50, p99, and the server's
peak resident memory, all its processes) at concurrency 1 and 8: get-registered-model,
get-latest-versions, get-by-alias, and a ``LIKE`` search that returns 100 of the 10,000
models; then concurrent version creation on one model (numbers checked), the server's
resident memory at rest, and its growth while an artifact is uploaded and downloaded through
the artifact proxy (``artifacts_proxy.py`` measures that against file size). modelreg's
reads are measured twice: as it runs by default (repeated reads answered from its cache of
read answers, checked against the registry's generation on every request), then restarted
with ``MODELREG_READ_CACHE_MIB=0``, where every request runs its queries.

    .venv/bin/python bench/registry_api.py [--models 10000] [--duration 10] [--workers 1]
                                           [--connections 1,8] [--skip-mlflow]
                                           [--artifact-mib 1024]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

import artifacts_proxy
import report
from processes import PeakRss, tree_rss_mib
from servers import RunningServer, registry_server
from wrk import require_wrk, run_wrk

API = "/api/2.0/mlflow"

READS = {
    "get-registered-model": "/registered-models/get?name=model-00042",
    "get-latest-versions": "/registered-models/get-latest-versions?name=model-00042",
    "get-by-alias": "/registered-models/alias?name=model-00042&alias=champion",
    "search LIKE (100 of N)": "/registered-models/search?filter=name%20LIKE%20%27model-001%25%27"
    "&max_results=100",
}


def seed(url: str, models: int, writers: int = 8) -> int:
    """``models`` registered models; the first 100 get a version and a champion alias.

    Returns how many requests failed with a server error and were retried (MLflow's server
    on SQLite answers 500 when concurrent writers find the database locked).
    """
    retried = [0] * writers

    def create(first: int) -> None:
        # Each writer keeps one connection and takes every ``writers``-th model.
        with httpx.Client(base_url=url, timeout=60) as client:

            def post(path: str, body: dict[str, str]) -> None:
                for attempt in range(10):
                    response = client.post(f"{API}{path}", json=body)
                    if response.status_code < 500:
                        break
                    retried[first] += 1
                    print(f"  {path}: {response.status_code} {response.text[:200]}", flush=True)
                    time.sleep(0.1 * (attempt + 1))
                # A retried create that had in fact gone through finds its model there.
                if not (retried[first] and "RESOURCE_ALREADY_EXISTS" in response.text):
                    response.raise_for_status()

            for i in range(first, models, writers):
                name = f"model-{i:05d}"
                post("/registered-models/create", {"name": name})
                if i < 100:
                    body = {"name": name, "source": "s3://bench/model", "run_id": "r" * 32}
                    post("/model-versions/create", body)
                    post(
                        "/registered-models/alias",
                        {"name": name, "alias": "champion", "version": "1"},
                    )

    with ThreadPoolExecutor(max_workers=writers) as pool:
        list(pool.map(create, range(writers)))
    return sum(retried)


def concurrent_versions(url: str, writers: int = 32, each: int = 4) -> dict[str, float]:
    """Versions created by ``writers`` threads on one model: rate, and whether numbering held.

    A request the server fails (5xx) is counted, not retried (a create is not idempotent);
    the numbers handed out must then still run 1..N without a gap or a duplicate.
    """
    with httpx.Client(base_url=url, timeout=60) as client:
        client.post(f"{API}/registered-models/create", json={"name": "contended"})
    numbers: list[int] = []
    failed = [0] * writers

    def write(writer: int) -> None:
        with httpx.Client(base_url=url, timeout=120) as client:
            for _ in range(each):
                body = {"name": "contended", "source": "s3://bench/model"}
                response = client.post(f"{API}/model-versions/create", json=body)
                if response.status_code >= 500:
                    failed[writer] += 1
                    continue
                response.raise_for_status()
                numbers.append(int(response.json()["model_version"]["version"]))

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=writers) as pool:
        list(pool.map(write, range(writers)))
    elapsed = time.perf_counter() - start
    return {
        "versions_per_s": len(numbers) / elapsed,
        "failed_5xx": sum(failed),
        "numbering_ok": float(sorted(numbers) == list(range(1, len(numbers) + 1))),
    }


def measure(kind: str, args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    """Every case against one server; for modelreg, the reads again with its cache of read
    answers turned off (a restart on the same database)."""
    results: dict[str, Any] = {}
    log = report.RESULTS_DIR / f"registry_api-{kind}-server.log"
    with registry_server(kind, folder, workers=args.workers, log=log) as running:
        start = time.perf_counter()
        results["seed_retried_5xx"] = seed(running.url, args.models)
        results["seed_models_per_s"] = args.models / (time.perf_counter() - start)
        time.sleep(2)
        results["rss_at_rest_mib"] = tree_rss_mib(running.pid)
        results["reads"] = reads(running, args)
        with PeakRss(running.pid) as rss:
            results["concurrent create"] = concurrent_versions(running.url)
        results["concurrent create"]["peak_mib"] = rss.peak
        if args.artifact_mib:
            results["artifacts"] = artifact_round_trip(running, args.artifact_mib, folder)
    if kind == "modelreg":
        uncached = {"MODELREG_READ_CACHE_MIB": "0"}
        with registry_server(kind, folder, workers=args.workers, log=log, env=uncached) as running:
            results["reads without cache"] = reads(running, args)
    return results


def reads(running: RunningServer, args: argparse.Namespace) -> dict[str, Any]:
    """Every read case at every concurrency: wrk's figures and the server's peak memory."""
    figures: dict[str, Any] = {}
    for label, path in READS.items():
        for connections in args.connections:
            with PeakRss(running.pid) as rss:
                measured = run_wrk(
                    f"{running.url}{API}{path}", connections=connections, duration_s=args.duration
                )
            figures[f"{label} c{connections}"] = measured | {"peak_mib": rss.peak}
    return figures


def artifact_round_trip(running: RunningServer, mib: int, folder: Path) -> dict[str, float]:
    """Server RSS growth while ``mib`` MiB go up and down through the artifact proxy."""
    source = folder / "big.bin"
    artifacts_proxy.write_random_file(source, mib)
    try:
        figures = artifacts_proxy.round_trip(running, source, folder)
    finally:
        source.unlink()
    kept = ("rss_before_mib", "rss_growth_mib", "up_mib_s", "down_mib_s")
    return {key: figures[key] for key in kept}


def comparisons(ours: dict[str, Any], theirs: dict[str, Any]) -> list[report.Comparison]:
    """One comparison per read case (with modelreg's read cache on, then off), then version
    creation and memory at rest."""
    rows = []
    for key, suffix in (("reads", ""), ("reads without cache", ", no read cache")):
        for case, mine in ours.get(key, {}).items():
            its = theirs.get("reads", {}).get(case)
            rows.append(report.Comparison(case + suffix, "req/s", _figures(mine), _figures(its)))
    create, other = ours["concurrent create"], theirs.get("concurrent create")
    rows.append(
        report.Comparison(
            "create version, 32 writers",
            "versions/s",
            report.figures(throughput=create["versions_per_s"], peak_mib=create["peak_mib"]),
            report.figures(throughput=other["versions_per_s"], peak_mib=other["peak_mib"])
            if other
            else report.figures(),
        )
    )
    rest = theirs.get("rss_at_rest_mib")
    rows.append(
        report.Comparison(
            "server at rest",
            "-",
            report.figures(peak_mib=ours["rss_at_rest_mib"]),
            report.figures(peak_mib=rest),
        )
    )
    return rows


def _figures(case: dict[str, Any] | None) -> dict[str, float | None]:
    if case is None:
        return report.figures()
    return report.figures(
        throughput=case["req_per_s"],
        p50_ms=case["p50_ms"],
        p99_ms=case["p99_ms"],
        peak_mib=case["peak_mib"],
    )


def extras_table(results: dict[str, dict[str, Any]]) -> report.Table:
    """Seeding rate, numbering under concurrency, memory at rest, the artifact round trip."""
    rows = []
    for tool, figures in results.items():
        artifacts = figures.get("artifacts", {})
        rows.append(
            [
                tool,
                figures["seed_models_per_s"],
                figures["seed_retried_5xx"],
                "yes" if figures["concurrent create"]["numbering_ok"] else "NO",
                figures["concurrent create"]["failed_5xx"],
                figures["rss_at_rest_mib"],
                artifacts.get("up_mib_s"),
                artifacts.get("down_mib_s"),
                artifacts.get("rss_growth_mib"),
            ]
        )
    headers = [
        "server",
        "seed models/s",
        "seed 5xx (retried)",
        "gapless numbers",
        "create 5xx",
        "RSS at rest MiB",
        "artifact up MiB/s",
        "down MiB/s",
        "RSS growth MiB",
    ]
    return report.Table("Registry REST API: seeding, numbering, memory", headers, rows)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=int, default=10_000, help="registered models seeded")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--workers", type=int, default=1, help="modelreg server workers")
    parser.add_argument(
        "--connections", default="1,8", help="wrk concurrency levels, comma-separated"
    )
    parser.add_argument(
        "--artifact-mib", type=int, default=1024, help="artifact round trip size (0: skip)"
    )
    parser.add_argument("--skip-mlflow", action="store_true", help="measure modelreg only")
    parser.add_argument(
        "--json", type=Path, default=report.RESULTS_DIR / "registry_api.json", help="raw figures"
    )
    args = parser.parse_args(argv)
    args.connections = [int(part) for part in args.connections.split(",") if part.strip()]
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    require_wrk()
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-api-") as scratch:
        for kind in ("modelreg",) if args.skip_mlflow else ("modelreg", "mlflow"):
            results[kind] = measure(kind, args, Path(scratch) / kind)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2))
    compared = comparisons(results["modelreg"], results.get("mlflow", {}))
    extras = extras_table(results)
    report.write_summary(
        "registry_api",
        f"Registry REST API over HTTP, {args.models:,} models on SQLite, modelreg with "
        f"{args.workers} worker process(es), MLflow with its defaults, wrk {args.duration} s "
        "per case",
        comparisons=compared,
        tables=[extras],
    )
    print(report.comparison_table(("registry_api", c) for c in compared).text())
    print()
    print(extras.text())


if __name__ == "__main__":
    main()
