"""Timing, summaries, tables and result files shared by the benchmarks (standard library only)."""

from __future__ import annotations

import json
import math
import platform
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"

#: The read operations every benchmark measures, in table order.
READ_OPERATIONS = ("get_latest_versions", "get_model_version_by_alias", "search_like_prefix")


def time_calls(
    call: Callable[[Any], object], arguments: Sequence[Any], *, warmup: int = 10
) -> list[float]:
    """Call ``call(argument)`` for each argument; return each call's duration in microseconds.

    The first ``warmup`` arguments are called once beforehand, untimed, to fill caches and
    connection pools.
    """
    for argument in arguments[:warmup]:
        call(argument)
    samples = []
    for argument in arguments:
        start = time.perf_counter_ns()
        call(argument)
        samples.append((time.perf_counter_ns() - start) / 1_000)
    return samples


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (``fraction`` in 0..1) of the samples."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def summarize(samples_us: Sequence[float]) -> dict[str, Any]:
    """Count, p50, p99, mean and max in milliseconds, and the raw samples in microseconds."""
    return {
        "n": len(samples_us),
        "p50_ms": percentile(samples_us, 0.50) / 1_000,
        "p99_ms": percentile(samples_us, 0.99) / 1_000,
        "mean_ms": sum(samples_us) / len(samples_us) / 1_000,
        "max_ms": max(samples_us) / 1_000,
        "ops_per_s": len(samples_us) / (sum(samples_us) / 1_000_000),
        "raw_us": [round(sample, 1) for sample in samples_us],
    }


def rate(count: int, seconds: float) -> float:
    """Items per second."""
    return count / seconds if seconds > 0 else math.inf


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
    }


def write_results(name: str, backend: str, data: dict[str, Any]) -> Path:
    """Write ``bench/results/<name>-<backend>.json`` and return its path."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}-{backend}.json"
    path.write_text(json.dumps(data, indent=1) + "\n")
    return path


def read_results(name: str, backend: str) -> dict[str, Any] | None:
    """The figures a previous run wrote, or None."""
    path = RESULTS_DIR / f"{name}-{backend}.json"
    return json.loads(path.read_text()) if path.exists() else None


def format_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A plain-text table with right-aligned columns (the first one left-aligned)."""
    cells = [[str(h) for h in headers]] + [[_cell(value) for value in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        first = row[0].ljust(widths[0])
        rest = [value.rjust(width) for value, width in zip(row[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest])

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])


def _cell(value: object) -> str:
    if isinstance(value, float):
        if value >= 1000:
            return f"{value:,.0f}"
        if value >= 10:
            return f"{value:.1f}"
        return f"{value:.3f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def seeding_table(results: Sequence[dict[str, Any]]) -> str:
    """Seeding and single-operation rates, one row per backend and size."""
    rows = []
    for result in results:
        for checkpoint in result["checkpoints"]:
            seed = checkpoint["seed"]
            single = checkpoint.get("single_ops", {})
            rows.append(
                [
                    f"{result['tool']}/{result['backend']}",
                    checkpoint["models"],
                    seed["models_per_s"],
                    seed["versions_per_s"],
                    single.get("create_registered_model", {}).get("ops_per_s", "-"),
                    single.get("create_model_version", {}).get("ops_per_s", "-"),
                ]
            )
    headers = [
        "store",
        "models",
        "seed models/s",
        "seed versions/s",
        "create_model ops/s",
        "create_version ops/s",
    ]
    return format_table(headers, rows)


def latency_table(results: Sequence[dict[str, Any]]) -> str:
    """p50 / p99 of each read operation, one row per backend and size."""
    rows = []
    for result in results:
        for checkpoint in result["checkpoints"]:
            row: list[object] = [f"{result['tool']}/{result['backend']}", checkpoint["models"]]
            for operation in READ_OPERATIONS:
                figures = checkpoint["reads"][operation]
                row.append(f"{figures['p50_ms']:.3f} / {figures['p99_ms']:.3f}")
            rows.append(row)
    headers = ["store", "models", *(f"{op} p50/p99 ms" for op in READ_OPERATIONS)]
    return format_table(headers, rows)


def ratio_table(ours: dict[str, Any], theirs: dict[str, Any]) -> str:
    """How many times slower ``theirs`` (MLflow) is than ``ours`` (modelreg), per size and call.

    Only sizes present in both results are compared; a ratio above 1 means modelreg is faster.
    """
    their_checkpoints = {c["models"]: c for c in theirs["checkpoints"]}
    rows: list[list[object]] = []
    for checkpoint in ours["checkpoints"]:
        other = their_checkpoints.get(checkpoint["models"])
        if other is None:
            continue
        for operation in READ_OPERATIONS:
            mine, its = checkpoint["reads"][operation], other["reads"][operation]
            rows.append(
                [
                    operation,
                    checkpoint["models"],
                    mine["p50_ms"],
                    its["p50_ms"],
                    f"{its['p50_ms'] / mine['p50_ms']:.1f}x",
                    mine["p99_ms"],
                    its["p99_ms"],
                    f"{its['p99_ms'] / mine['p99_ms']:.1f}x",
                ]
            )
        seeding = _seeding_ratio_row(checkpoint, other)
        if seeding is not None:
            rows.append(seeding)
    headers = [
        "operation",
        "models",
        "modelreg p50 ms",
        "mlflow p50 ms",
        "p50 ratio",
        "modelreg p99 ms",
        "mlflow p99 ms",
        "p99 ratio",
    ]
    return format_table(headers, rows)


def _seeding_ratio_row(ours: dict[str, Any], theirs: dict[str, Any]) -> list[object] | None:
    # MLflow is seeded one API call at a time, so compare it with modelreg's single-call rate.
    mine = ours.get("single_ops", {}).get("create_model_version")
    its = theirs.get("single_ops", {}).get("create_model_version")
    if mine is None or its is None:
        return None
    return [
        "create_model_version (single)",
        ours["models"],
        mine["p50_ms"],
        its["p50_ms"],
        f"{its['p50_ms'] / mine['p50_ms']:.1f}x",
        mine["p99_ms"],
        its["p99_ms"],
        f"{its['p99_ms'] / mine['p99_ms']:.1f}x",
    ]
