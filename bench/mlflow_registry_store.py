"""Benchmark MLflow's SQL model-registry store with the workload of ``registry_store.py``.

Run with a Python that has MLflow (3.17.2 is a dev dependency of this project, so the
project's virtualenv does), from the repository root::

    .venv/bin/python bench/mlflow_registry_store.py [--sizes 1000,10000] [--calls 300]

MLflow is seeded on SQLite through its own store API, one call per model, version, stage
transition and alias (it has no batch API), so keep the sizes small. At each checkpoint the
same read calls as modelreg's benchmark are timed on the same models and prefixes. Figures go
to ``bench/results/mlflow_registry_store-sqlite.json``; when modelreg's SQLite figures are
there too, the ratio table is printed.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
import warnings
from typing import Any

import mlflow
import sqlalchemy
from mlflow.entities.model_registry import RegisteredModelTag
from mlflow.store.model_registry.sqlalchemy_store import SqlAlchemyStore

import reads
import report
import workload
from processes import own_peak_rss_mib


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def seed(store: Any, start: int, stop: int, timings: dict[str, list[float]]) -> float:
    """Create models ``start`` to ``stop - 1`` one API call at a time; seconds taken."""
    began = time.perf_counter()
    for done, plan in enumerate(workload.plan_models(start, stop), start + 1):
        tick = time.perf_counter_ns()
        store.create_registered_model(plan.name, tags=[RegisteredModelTag("team", plan.team)])
        timings["create_registered_model"].append((time.perf_counter_ns() - tick) / 1_000)
        for version, (stage, run_id) in enumerate(zip(plan.stages, plan.run_ids, strict=True), 1):
            tick = time.perf_counter_ns()
            store.create_model_version(plan.name, plan.source(version), run_id=run_id)
            timings["create_model_version"].append((time.perf_counter_ns() - tick) / 1_000)
            if stage != "None":
                store.transition_model_version_stage(
                    plan.name, version, stage, archive_existing_versions=False
                )
        store.set_registered_model_alias(plan.name, workload.CHAMPION, plan.champion)
        if done % 1_000 == 0 or done == stop:
            progress(f"  seeded {done:,} models ({time.perf_counter() - began:.1f} s)")
    return time.perf_counter() - began


def run(sizes: list[int], calls: int) -> dict[str, Any]:
    result: dict[str, Any] = {
        "tool": "mlflow",
        "backend": "sqlite",
        "versions_per_model": workload.VERSIONS_PER_MODEL,
        "calls": calls,
        "machine": report.machine()
        | {"mlflow": mlflow.__version__, "sqlalchemy": sqlalchemy.__version__},
        "checkpoints": [],
    }
    with tempfile.TemporaryDirectory(prefix="mlflow-bench-") as folder:
        store = SqlAlchemyStore(f"sqlite:///{folder}/mlflow.db")
        seeded = 0
        for size in sizes:
            progress(f"mlflow/sqlite: seeding {seeded:,} -> {size:,} models")
            timings: dict[str, list[float]] = {
                "create_registered_model": [],
                "create_model_version": [],
            }
            seconds = seed(store, seeded, size, timings)
            added, seeded = size - seeded, size
            progress(f"mlflow/sqlite: timing reads at {size:,} models")
            versions = added * workload.VERSIONS_PER_MODEL
            result["checkpoints"].append(
                {
                    "models": size,
                    "versions": size * workload.VERSIONS_PER_MODEL,
                    "seed": {
                        "models": added,
                        "versions": versions,
                        "seconds": seconds,
                        "models_per_s": report.rate(added, seconds),
                        "versions_per_s": report.rate(versions, seconds),
                    },
                    "reads": reads.measure(store, size, calls, report.READ_OPERATIONS),
                    "single_ops": {op: report.summarize(s) for op, s in timings.items()},
                }
            )
        store.engine.dispose()
    result["peak_rss_mib"] = own_peak_rss_mib()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="model-count checkpoints")
    parser.add_argument("--calls", type=int, default=300, help="timed calls per operation")
    options = parser.parse_args(argv)
    # MLflow logs every Alembic migration and warns about deprecated stages; neither is timed.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    warnings.simplefilter("ignore", FutureWarning)
    result = run(workload.parse_sizes(options.sizes), options.calls)
    path = report.write_results("mlflow_registry_store", "sqlite", result)
    progress(f"mlflow/sqlite: wrote {path}")
    print("Seeding MLflow's SqlAlchemyStore one API call at a time (per-call create rates)")
    print(report.seeding_table([result]).text())
    print()
    print(report.latency_table([result]).text())
    ours = report.read_results("registry_store", "sqlite")
    if ours is not None:
        print()
        compared = report.store_comparisons(ours, result)
        print(report.comparison_table(("registry_store", c) for c in compared).text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
