"""Timing, summaries, tables and result files shared by the benchmarks (standard library only)."""

from __future__ import annotations

import json
import math
import platform
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
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


def format_table(
    headers: Sequence[str], rows: Iterable[Sequence[object]], *, markdown: bool = False
) -> str:
    """A plain-text table with right-aligned columns (the first one left-aligned).

    With ``markdown``, a GitHub-flavoured Markdown table of the same cells instead.
    """
    rows = [list(row) for row in rows]
    cells = [[str(h) for h in headers]] + [[_cell(value) for value in row] for row in rows]
    if markdown:
        columns = [[row[i] for row in rows] for i in range(len(headers))]
        align = ["---:" if _numeric(column) else "---" for column in columns]
        lines = [cells[0], align, *cells[1:]]
        return "\n".join("| " + " | ".join(row) + " |" for row in lines)
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        first = row[0].ljust(widths[0])
        rest = [value.rjust(width) for value, width in zip(row[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest])

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])


def _numeric(column: Sequence[object]) -> bool:
    """Whether a column holds figures (numbers, ratios like ``2.5x``), to be right-aligned."""
    return any(
        isinstance(value, int | float) or (isinstance(value, str) and value[:1].isdigit())
        for value in column
    )


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if value >= 1000:
            return f"{value:,.0f}"
        if value >= 10:
            return f"{value:.1f}"
        return f"{value:.3f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def seeding_table(results: Sequence[dict[str, Any]]) -> Table:
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
    return Table("Seeding and single calls", headers, rows)


def latency_table(results: Sequence[dict[str, Any]]) -> Table:
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
    return Table("Read latency, p50 / p99 ms", headers, rows)


@dataclass(frozen=True)
class Table:
    """A titled table: printed by a benchmark, shown on the docs page by ``run_all.py``."""

    title: str
    headers: list[str]
    rows: list[list[Any]]

    def text(self) -> str:
        """The title and a plain-text table."""
        return f"{self.title}\n{format_table(self.headers, self.rows)}"

    def markdown(self) -> str:
        """The title in bold and a Markdown table."""
        return f"**{self.title}**\n\n{format_table(self.headers, self.rows, markdown=True)}"


# -- modelreg against MLflow -----------------------------------------------------------------

#: The compared measures, and whether a higher value is the better one.
MEASURES = (("throughput", True), ("p50_ms", False), ("p99_ms", False), ("peak_mib", False))


def figures(
    *,
    throughput: float | None = None,
    p50_ms: float | None = None,
    p99_ms: float | None = None,
    peak_mib: float | None = None,
) -> dict[str, float | None]:
    """One tool's figures for one case; a measure the case has no use for stays None."""
    return {"throughput": throughput, "p50_ms": p50_ms, "p99_ms": p99_ms, "peak_mib": peak_mib}


@dataclass(frozen=True)
class Comparison:
    """modelreg's and MLflow's figures for one case (``unit`` is the throughput's unit)."""

    case: str
    unit: str
    modelreg: dict[str, float | None]
    mlflow: dict[str, float | None] = field(default_factory=figures)

    def advantage(self, measure: str, higher_is_better: bool) -> float | None:
        """How many times better modelreg is on ``measure`` (above 1: modelreg is better)."""
        ours, theirs = self.modelreg.get(measure), self.mlflow.get(measure)
        if not ours or not theirs:
            return None
        return ours / theirs if higher_is_better else theirs / ours


def comparison_table(compared: Iterable[tuple[str, Comparison]]) -> Table:
    """One row per (benchmark, case): each measure for modelreg and MLflow, and the ratio."""
    rows = []
    for benchmark, comparison in compared:
        row: list[Any] = [benchmark, comparison.case, comparison.unit]
        for measure, higher_is_better in MEASURES:
            ratio = comparison.advantage(measure, higher_is_better)
            row += [
                comparison.modelreg.get(measure),
                comparison.mlflow.get(measure),
                None if ratio is None else f"{ratio:.1f}x",
            ]
        rows.append(row)
    headers = ["benchmark", "case", "unit"]
    for label in ("throughput", "p50 ms", "p99 ms", "peak MiB"):
        headers += [f"{label} modelreg", "mlflow", "ratio"]
    title = "modelreg vs MLflow (ratio > 1: modelreg is better; throughput in the unit given)"
    return Table(title, headers, rows)


# -- summaries read by run_all.py ------------------------------------------------------------


def write_summary(
    name: str,
    description: str,
    *,
    comparisons: Sequence[Comparison] = (),
    tables: Sequence[Table] = (),
    notes: Sequence[str] = (),
) -> Path:
    """Write ``bench/results/<name>-summary.json``: what ``run_all.py`` puts on the docs page."""
    return write_results(
        name,
        "summary",
        {
            "benchmark": name,
            "description": description,
            "comparisons": [asdict(comparison) for comparison in comparisons],
            "tables": [asdict(table) for table in tables],
            "notes": list(notes),
        },
    )


def read_summary(name: str) -> dict[str, Any] | None:
    """A summary written by :func:`write_summary`, its comparisons and tables rebuilt."""
    data = read_results(name, "summary")
    if data is None:
        return None
    data["comparisons"] = [Comparison(**comparison) for comparison in data["comparisons"]]
    data["tables"] = [Table(**table) for table in data["tables"]]
    return data


def summary_path(name: str) -> Path:
    """Where :func:`write_summary` writes."""
    return RESULTS_DIR / f"{name}-summary.json"


def count_label(count: int) -> str:
    """``1000`` → ``1k``, ``1000000`` → ``1M``; other counts with thousands separators."""
    for divisor, suffix in ((1_000_000, "M"), (1_000, "k")):
        if count >= divisor and count % divisor == 0:
            return f"{count // divisor}{suffix}"
    return f"{count:,}"


def store_comparisons(
    ours: dict[str, Any],
    theirs: dict[str, Any],
    operations: Sequence[str] = READ_OPERATIONS,
    *,
    sizes: Sequence[int] | None = None,
) -> list[Comparison]:
    """Store benchmark results (``checkpoints`` of ``reads``) compared at the sizes both reached.

    ``sizes`` (model counts) limits the comparison to those checkpoints. Throughput is calls per
    second of one caller; peak memory is the measuring process's (per checkpoint when recorded,
    else per run). The single create_model_version rate is compared when both recorded it.
    """
    their_checkpoints = {c["models"]: c for c in theirs["checkpoints"]}
    compared = []
    for checkpoint in ours["checkpoints"]:
        other = their_checkpoints.get(checkpoint["models"])
        if other is None or (sizes is not None and checkpoint["models"] not in sizes):
            continue
        at = checkpoint.get("label") or f"{count_label(checkpoint['versions'])} versions"
        pairs = [(op, checkpoint["reads"][op], other["reads"][op]) for op in operations]
        mine_single = checkpoint.get("single_ops", {}).get("create_model_version")
        its_single = other.get("single_ops", {}).get("create_model_version")
        if mine_single and its_single:
            pairs.append(("create_model_version", mine_single, its_single))
        for operation, mine, its in pairs:
            compared.append(
                Comparison(
                    f"{operation}, {at}",
                    "calls/s",
                    _store_figures(mine, checkpoint, ours),
                    _store_figures(its, other, theirs),
                )
            )
    return compared


def _store_figures(
    summary: dict[str, Any], checkpoint: dict[str, Any], result: dict[str, Any]
) -> dict[str, float | None]:
    return figures(
        throughput=summary["ops_per_s"],
        p50_ms=summary["p50_ms"],
        p99_ms=summary["p99_ms"],
        peak_mib=checkpoint.get("peak_rss_mib", result.get("peak_rss_mib")),
    )
