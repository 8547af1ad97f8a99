"""Benchmark the SQL registry store: seed up to 100,000 models and time the hot read calls.

Run from the repository root::

    .venv/bin/python bench/registry_store.py [--sizes 1000,10000,100000]
        [--backends sqlite,postgresql] [--quick] [--calls 300] [--mlflow]

For each backend (a SQLite file in a temporary folder; a PostgreSQL database created for the
run and dropped after it) the script seeds models with three versions each through
``SqlRegistryStore.write()`` transactions, and at each size checkpoint times
``get_latest_versions``, ``get_model_version_by_alias`` and a ``name LIKE 'prefix%'`` search
through ``RegistryService``, plus the rate of single ``create_registered_model`` /
``create_model_version`` calls. Tables go to stdout, progress to stderr, raw figures to
``bench/results/registry_store-<backend>.json``. ``--mlflow`` also runs
``bench/mlflow_registry_store.py`` (with ``$MODELREG_BENCH_MLFLOW_PYTHON``, by default this
Python, which has MLflow as a dev dependency) and prints modelreg/MLflow ratios.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import sqlalchemy as sa

import reads as bench_reads
import report
import workload
from modelreg.service import RegistryService
from modelreg.store.sql import SqlRegistryStore
from processes import own_peak_rss_mib

POSTGRES_SERVER = os.environ.get("MODELREG_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
MLFLOW_PYTHON = os.environ.get("MODELREG_BENCH_MLFLOW_PYTHON", sys.executable)
MLFLOW_SCRIPT = Path(__file__).resolve().parent / "mlflow_registry_store.py"

#: The reads this benchmark times (the growth curve, ``growth.py``, times all of them).
READS = report.READ_OPERATIONS
DEFAULT_SIZES = "1000,10000,100000"
QUICK_SIZES = "1000,10000"


def progress(message: str) -> None:
    """Progress lines go to stderr, so stdout holds only the tables."""
    print(message, file=sys.stderr, flush=True)


@contextlib.contextmanager
def sqlite_uri() -> Iterator[str]:
    """A registry file in a temporary folder, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="modelreg-bench-") as folder:
        yield f"sqlite:///{folder}/registry.db"


@contextlib.contextmanager
def postgres_uri() -> Iterator[str]:
    """A fresh PostgreSQL database, dropped afterwards."""
    name = f"modelreg_bench_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(
        f"{POSTGRES_SERVER}/postgres".replace("postgresql://", "postgresql+psycopg://"),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


BACKENDS = {"sqlite": sqlite_uri, "postgresql": postgres_uri}


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def seed(store: SqlRegistryStore, start: int, stop: int, batch: int) -> float:
    """Insert models ``start`` to ``stop - 1`` in transactions of ``batch`` models; seconds."""
    began = time.perf_counter()
    for first in range(start, stop, batch):
        plans = workload.plan_models(first, min(first + batch, stop))
        with store.write() as tx:
            now = now_ms()
            for plan in plans:
                model_id = tx.insert_model(plan.name, None, {"team": plan.team}, now)
                for stage, run_id in zip(plan.stages, plan.run_ids, strict=True):
                    version = tx.allocate_version(model_id, now)
                    tx.insert_version(
                        model_id,
                        version,
                        now,
                        current_stage=stage,
                        source=plan.source(version),
                        run_id=run_id,
                        run_link=None,
                        description=None,
                        status="READY",
                        storage_location=None,
                    )
                tx.set_alias(model_id, workload.CHAMPION, plan.champion)
        done = min(first + batch, stop)
        if done % 10_000 == 0 or done == stop:
            progress(f"  seeded {done:,} models ({time.perf_counter() - began:.1f} s)")
    return time.perf_counter() - began


def measure_single_ops(service: RegistryService, models: int, count: int) -> dict[str, Any]:
    """Time ``count`` single create_registered_model calls, each followed by three versions.

    Their names start with ``single-``, so they never match the measured ``model-`` prefixes.
    """
    names = [f"single-{models}-{i:05d}" for i in range(count)]
    create_model = report.time_calls(
        lambda name: service.create_registered_model(name, tags={"team": "single"}),
        names,
        warmup=0,
    )
    version_names = [name for name in names for _ in range(workload.VERSIONS_PER_MODEL)]
    create_version = report.time_calls(
        lambda name: service.create_model_version(name, f"s3://bench-bucket/{name}"),
        version_names,
        warmup=0,
    )
    return {
        "create_registered_model": report.summarize(create_model),
        "create_model_version": report.summarize(create_version),
    }


def database_facts(store: SqlRegistryStore) -> dict[str, Any]:
    """Server version and size of the store's database."""
    with store.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            version = connection.exec_driver_sql("SHOW server_version").scalar()
            size = connection.exec_driver_sql(
                "SELECT pg_database_size(current_database())"
            ).scalar()
        else:
            version = connection.exec_driver_sql("SELECT sqlite_version()").scalar()
            pages = connection.exec_driver_sql("PRAGMA page_count").scalar() or 0
            page_size = connection.exec_driver_sql("PRAGMA page_size").scalar() or 0
            size = pages * page_size
    return {"server_version": version, "database_bytes": size}


def analyze(store: SqlRegistryStore) -> None:
    """Refresh PostgreSQL's planner statistics, as autovacuum would after a bulk load."""
    if store.engine.dialect.name == "postgresql":
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql("ANALYZE")


def run_backend(backend: str, sizes: list[int], options: argparse.Namespace) -> dict[str, Any]:
    """Seed one backend up to the largest size, measuring at every checkpoint."""
    result: dict[str, Any] = {
        "tool": "modelreg",
        "backend": backend,
        "versions_per_model": workload.VERSIONS_PER_MODEL,
        "batch_models": options.batch,
        "calls": options.calls,
        "analyze": options.analyze and backend == "postgresql",
        "machine": report.machine() | {"sqlalchemy": sa.__version__},
        "checkpoints": [],
    }
    with BACKENDS[backend]() as uri:
        store = SqlRegistryStore.from_uri(uri)
        service = RegistryService(store)
        try:
            seeded = 0
            for size in sizes:
                progress(f"{backend}: seeding {seeded:,} -> {size:,} models")
                seconds = seed(store, seeded, size, options.batch)
                added, seeded = size - seeded, size
                if options.analyze:
                    analyze(store)
                progress(f"{backend}: timing reads at {size:,} models")
                reads = bench_reads.measure(service, size, options.calls, READS)
                single = measure_single_ops(service, size, options.single)
                checkpoint = {
                    "label": f"{report.count_label(size)} models",
                    "models": size,
                    "versions": size * workload.VERSIONS_PER_MODEL,
                    "seed": {
                        "models": added,
                        "versions": added * workload.VERSIONS_PER_MODEL,
                        "seconds": seconds,
                        "models_per_s": report.rate(added, seconds),
                        "versions_per_s": report.rate(added * workload.VERSIONS_PER_MODEL, seconds),
                    },
                    "reads": reads,
                    "single_ops": single,
                    "database": database_facts(store),
                }
                result["checkpoints"].append(checkpoint)
        finally:
            store.close()
    # The process's peak so far: with several backends, the later ones include the earlier.
    result["peak_rss_mib"] = own_peak_rss_mib()
    return result


def run_mlflow(sizes: list[int], options: argparse.Namespace) -> dict[str, Any] | None:
    """Run the MLflow benchmark in MLflow's virtualenv; its figures, or None if it failed."""
    command = [
        MLFLOW_PYTHON,
        str(MLFLOW_SCRIPT),
        "--sizes",
        ",".join(str(size) for size in sizes),
        "--calls",
        str(options.calls),
    ]
    progress(f"mlflow: {' '.join(command)}")
    try:
        completed = subprocess.run(command, check=False, stdout=subprocess.PIPE, text=True)
    except FileNotFoundError:
        progress(f"mlflow: {MLFLOW_PYTHON} not found (set MODELREG_BENCH_MLFLOW_PYTHON)")
        return None
    if completed.returncode != 0:
        progress(f"mlflow: the MLflow benchmark failed (exit {completed.returncode})")
        return None
    return report.read_results("mlflow_registry_store", "sqlite")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", help=f"model-count checkpoints (default {DEFAULT_SIZES})")
    parser.add_argument("--backends", default="sqlite,postgresql", help="sqlite,postgresql")
    parser.add_argument("--quick", action="store_true", help=f"sizes {QUICK_SIZES}, 100 calls")
    parser.add_argument("--calls", type=int, help="timed calls per operation (default 300)")
    parser.add_argument("--single", type=int, help="models created one call at a time (100)")
    parser.add_argument("--batch", type=int, default=500, help="models per seeding transaction")
    parser.add_argument(
        "--no-analyze",
        dest="analyze",
        action="store_false",
        help="do not ANALYZE PostgreSQL after seeding (autovacuum would, eventually)",
    )
    parser.add_argument(
        "--mlflow", action="store_true", help="also run MLflow's store on SQLite and compare"
    )
    parser.add_argument(
        "--mlflow-sizes", default="1000,10000", help="MLflow's checkpoints (default 1000,10000)"
    )
    options = parser.parse_args(argv)
    options.sizes = workload.parse_sizes(
        options.sizes or (QUICK_SIZES if options.quick else DEFAULT_SIZES)
    )
    options.calls = options.calls or (100 if options.quick else 300)
    options.single = options.single or (20 if options.quick else 100)
    options.backends = [name.strip() for name in options.backends.split(",") if name.strip()]
    unknown = sorted(set(options.backends) - set(BACKENDS))
    if unknown:
        parser.error(f"unknown backend(s) {', '.join(unknown)}; choose from sqlite, postgresql")
    return options


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    results = []
    for backend in options.backends:
        result = run_backend(backend, options.sizes, options)
        path = report.write_results("registry_store", backend, result)
        progress(f"{backend}: wrote {path}")
        results.append(result)
    tables = [report.seeding_table(results), report.latency_table(results)]
    compared: list[report.Comparison] = []
    if options.mlflow:
        ours = next((r for r in results if r["backend"] == "sqlite"), None)
        ours = ours or report.read_results("registry_store", "sqlite")
        theirs = run_mlflow(workload.parse_sizes(options.mlflow_sizes), options)
        if theirs is not None:
            table = report.latency_table([theirs])
            tables.append(replace(table, title=f"MLflow SqlAlchemyStore: {table.title}"))
        if ours is not None and theirs is not None:
            compared = report.store_comparisons(ours, theirs)
    for table in tables:
        print(table.text(), end="\n\n")
    if compared:
        print(report.comparison_table(("registry_store", c) for c in compared).text())
    report.write_summary(
        "registry_store",
        "Registry store calls in-process (RegistryService over SqlRegistryStore; MLflow's "
        "SqlAlchemyStore seeded one API call at a time, on SQLite)",
        comparisons=compared,
        tables=tables,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
