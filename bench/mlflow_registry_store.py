"""Benchmark MLflow's SQL model-registry store with the workload of ``registry_store.py``.

Run with MLflow's virtualenv (mlflow-skinny plus sqlalchemy and alembic), from the repository
root::

    /tmp/mlvenv/bin/python bench/mlflow_registry_store.py [--sizes 1000,10000] [--calls 300]

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

import report
import workload


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


def measure_reads(store: Any, models: int, calls: int) -> dict[str, Any]:
    """Time the read calls modelreg's benchmark times, on the same picks."""
    picks = workload.read_picks(models, calls)

    def latest(name: str) -> None:
        if not store.get_latest_versions(name):
            raise RuntimeError(f"{name} has no latest versions")

    def by_alias(name: str) -> None:
        if store.get_model_version_by_alias(name, workload.CHAMPION).name != name:
            raise RuntimeError(f"{name}@champion is another model's version")

    def search(prefix: str) -> None:
        page = store.search_registered_models(workload.like_filter(prefix), max_results=100)
        matches = workload.prefix_matches(prefix, models)
        if len(page) != min(100, matches):
            raise RuntimeError(f"LIKE '{prefix}%' found {len(page)} of {matches} models")

    return {
        "get_latest_versions": report.summarize(report.time_calls(latest, picks.names)),
        "get_model_version_by_alias": report.summarize(report.time_calls(by_alias, picks.names)),
        "search_like_prefix": report.summarize(report.time_calls(search, picks.like_prefixes)),
    }


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
                    "reads": measure_reads(store, size, calls),
                    "single_ops": {op: report.summarize(s) for op, s in timings.items()},
                }
            )
        store.engine.dispose()
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
    print(report.seeding_table([result]))
    print()
    print("Read latency (MLflow SqlAlchemyStore), p50 / p99 in milliseconds")
    print(report.latency_table([result]))
    ours = report.read_results("registry_store", "sqlite")
    if ours is not None:
        print()
        print("MLflow SqlAlchemyStore / modelreg on SQLite (ratio > 1: modelreg is faster)")
        print(report.ratio_table(ours, result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
