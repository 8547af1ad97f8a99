"""Scoring throughput vs request batch size: ``modelreg models serve`` vs ``mlflow models serve``.

Both serve the same model folder (the startups pipeline, saved with an input example so it
has a signature), one worker process each, on loopback ports; MLflow with
``--env-manager local``. ``wrk`` (a Lua script holds the POST body) sends ``dataframe_split``
requests of 1, 10, 100 and 1,000 rows at a concurrency of 8, the same bodies to every
server; each answer is checked once before it is timed. The table gives requests/s, rows/s,
p50 and p99 latency and the servers' peak resident memory during the run (the whole process
tree: MLflow's CLI stays alive as the parent of its uvicorn worker), then modelreg's ratios
to MLflow. modelreg is also run with ``--no-batching`` (its adaptive batching off) unless
``--no-unbatched``.

Run from the repository root, when the machine is otherwise quiet::

    .venv/bin/python bench/scoring.py [--rows 1,10,100,1000] [--duration 15] [--warmup 3]
                                      [--connections 8] [--no-unbatched] [--quick]

Raw figures go to ``bench/results/scoring-local.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import urllib.request
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import report
from processes import BIN, PeakRss, free_port, started, tree_rss_mib
from wrk import lua_post, require_wrk, run_wrk

DEFAULT_ROWS = "1,10,100,1000"


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


def request_body(rows: int) -> str:
    """A ``dataframe_split`` body of ``rows`` rows of startups data."""
    from tests.startups import make_startups

    frame = make_startups(max(rows, 2), seed=11).head(rows)
    split = {"columns": list(frame.columns), "data": frame.values.tolist()}
    return json.dumps({"dataframe_split": split})


def check_answer(url: str, body: str, rows: int) -> None:
    """The body must be answered with one prediction per row before it is worth timing."""
    request = urllib.request.Request(
        f"{url}/invocations", data=body.encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        predictions = json.loads(response.read())["predictions"]
    if len(predictions) != rows:
        raise RuntimeError(f"{url} answered {len(predictions)} predictions for {rows} rows")


def measure(
    server: Server, model: Path, bodies: dict[int, str], folder: Path, args: argparse.Namespace
) -> dict[str, Any]:
    """Every batch size against one server."""
    print(f"{server.label}: starting", file=sys.stderr, flush=True)
    result: dict[str, Any] = {"server": server.label, "payloads": {}}
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [part.format(port=port, model=model) for part in server.command]
    env = {
        "MLFLOW_ALLOW_PICKLE_DESERIALIZATION": "true",
        "MLFLOW_DISABLE_TELEMETRY": "true",
        "MODELREG_TRACKING_URI": f"sqlite:///{folder / 'registry.db'}",
    }
    log = folder / f"{server.label.replace(' ', '_')}.log"
    with started(command, f"{url}/ping", log, env=env) as pid:
        result["rss_idle_mib"] = tree_rss_mib(pid)
        for rows, body in bodies.items():
            check_answer(url, body, rows)
            script = lua_post(folder, f"post-{rows}", body)
            target = f"{url}/invocations"
            run_wrk(target, connections=args.connections, duration_s=args.warmup, script=script)
            with PeakRss(pid) as rss:
                figures = run_wrk(
                    target, connections=args.connections, duration_s=args.duration, script=script
                )
            figures |= {"rows_per_s": figures["req_per_s"] * rows, "peak_mib": rss.peak}
            result["payloads"][rows] = figures
            print(f"{server.label}: {rows} row(s): {figures}", file=sys.stderr, flush=True)
        result["rss_mib"] = max(p["peak_mib"] for p in result["payloads"].values())
    return result


def figures_table(results: list[dict[str, Any]]) -> report.Table:
    """The figures per server and batch size."""
    rows = []
    for result in results:
        for batch, figures in result["payloads"].items():
            rows.append(
                [
                    result["server"],
                    batch,
                    figures["req_per_s"],
                    figures["rows_per_s"],
                    figures["p50_ms"],
                    figures["p99_ms"],
                    figures["peak_mib"],
                    figures["failed"],
                ]
            )
    headers = ["server", "rows/request", "req/s", "rows/s", "p50 ms", "p99 ms", "peak MiB"]
    headers.append("non-2xx")
    return report.Table("Scoring throughput vs request batch size", headers, rows)


def comparisons(results: list[dict[str, Any]]) -> list[report.Comparison]:
    """Each modelreg server against MLflow, per batch size."""
    mlflow = next((r for r in results if r["server"] == "mlflow"), None)
    compared = []
    for result in results:
        if result is mlflow:
            continue
        for batch, figures in result["payloads"].items():
            theirs = mlflow["payloads"].get(batch) if mlflow else None
            label = result["server"].replace("modelreg", "").strip()
            compared.append(
                report.Comparison(
                    f"{batch} row(s)/request {label}".strip(),
                    "req/s",
                    _figures(figures),
                    _figures(theirs) if theirs else report.figures(),
                )
            )
    return compared


def _figures(payload: dict[str, Any]) -> dict[str, float | None]:
    return report.figures(
        throughput=payload["req_per_s"],
        p50_ms=payload["p50_ms"],
        p99_ms=payload["p99_ms"],
        peak_mib=payload["peak_mib"],
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", default=DEFAULT_ROWS, help="rows per request, comma-separated")
    parser.add_argument("--duration", type=float, help="seconds per timed run (default 15)")
    parser.add_argument("--warmup", type=float, help="seconds of warm-up per run (default 3)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections")
    parser.add_argument(
        "--no-unbatched", action="store_true", help="skip modelreg with --no-batching"
    )
    parser.add_argument(
        "--quick", action="store_true", help="1 s runs, 1 s warm-up, no --no-batching run"
    )
    args = parser.parse_args(argv)
    args.rows = sorted({int(part) for part in args.rows.split(",") if part.strip()})
    args.duration = args.duration or (1.0 if args.quick else 15.0)
    args.warmup = args.warmup or (1.0 if args.quick else 3.0)
    args.no_unbatched = args.no_unbatched or args.quick
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    require_wrk()
    servers = [s for s in SERVERS if not (args.no_unbatched and "no-batching" in s.label)]
    with tempfile.TemporaryDirectory(prefix="bench-scoring-") as temp:
        folder = Path(temp)
        model = save_model(folder)
        bodies = {rows: request_body(rows) for rows in args.rows}
        results = [measure(server, model, bodies, folder, args) for server in servers]
    data = {
        "machine": report.machine(),
        "cpus": os.cpu_count(),
        "load_average_at_end": os.getloadavg(),
        "duration_s": args.duration,
        "connections": args.connections,
        "results": results,
    }
    path = report.write_results("scoring", "local", data)
    table, compared = figures_table(results), comparisons(results)
    report.write_summary(
        "scoring",
        f"Scoring servers, dataframe_split requests, wrk -c{args.connections} for "
        f"{args.duration:g} s per batch size",
        comparisons=compared,
        tables=[table],
    )
    print(table.text())
    print()
    print(report.comparison_table(("scoring", c) for c in compared).text())
    print(f"\n(raw figures: {path})")


if __name__ == "__main__":
    main()
