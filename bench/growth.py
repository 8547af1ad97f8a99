"""Registry read latency as the registry grows to 1M model versions on PostgreSQL, vs MLflow.

Each tool gets a fresh PostgreSQL database and its own schema (modelreg:
``create_store_engine`` migrates it; MLflow: ``SqlAlchemyStore`` creates it). Both are filled
with the same models (``workload.plan_models``: three versions each in assorted stages, a
``team`` tag, a ``champion`` alias) by bulk inserts straight into their tables (SQLAlchemy
Core ``insert`` executemany, then ``VACUUM ANALYZE`` as autovacuum would), so only the reads
are timed. At each size, in model versions (1k, 10k, 100k, 1M), a fresh process per tool
times ``--calls`` calls of each read over random models: get_latest_versions,
get_model_version_by_alias, get_model_version, search_registered_models with
``name LIKE 'model-NNN%'`` (a page of 100 of up to 1,000 matches) and search_model_versions
with ``name = '...'``. modelreg is read through ``RegistryService`` over ``SqlRegistryStore``,
MLflow through its ``SqlAlchemyStore``; the tools take turns at each size. Peak memory is the
measuring process's (imports included). Tables go to stdout, progress to stderr, raw figures
to ``bench/results/growth-postgresql.json``.

    .venv/bin/python bench/growth.py [--sizes 1000,10000,100000,1000000] [--calls 300]
                                     [--tools modelreg,mlflow] [--quick]

The full run bulk-inserts 1M versions per tool (about 2.3M rows each, 1-1.5 minutes per
tool) and took 8 minutes on 2 cores; ``--quick`` stops at 10k versions (about a minute).
"""

from __future__ import annotations

import argparse
import logging
import math
import multiprocessing
import sys
import time
import warnings
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

import reads
import report
import workload
from modelreg.service import RegistryService
from modelreg.store.sql import SqlRegistryStore, create_store_engine
from processes import own_peak_rss_mib
from registry_store import postgres_uri

TOOLS = ("modelreg", "mlflow")
DEFAULT_SIZES = "1000,10000,100000,1000000"
QUICK_SIZES = "1000,10000"
#: Models per bulk-insert transaction.
CHUNK = 5_000


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def sqlalchemy_uri(uri: str) -> str:
    """The psycopg 3 driver for both tools (MLflow would default to psycopg2)."""
    return uri.replace("postgresql://", "postgresql+psycopg://", 1)


# -- schemas and bulk rows --------------------------------------------------------------------


def create_schema(tool: str, uri: str) -> None:
    """Create the tool's schema in the empty database at ``uri``, as the tool itself does."""
    if tool == "modelreg":
        create_store_engine(uri).dispose()
    else:
        store = _mlflow_store(uri)
        store.engine.dispose()


def rows_for(tool: str, plans: list[workload.ModelPlan], first: int) -> dict[str, list[dict]]:
    """The rows of models ``first``.. (``plans``) in the tool's tables, in insert order."""
    now = time.time_ns() // 1_000_000
    per_model = workload.VERSIONS_PER_MODEL
    if tool == "modelreg":
        # Explicit ids (the sequences are moved past them afterwards): model i is id i + 1.
        ids = range(first + 1, first + 1 + len(plans))
        return {
            "registered_models": [
                {"id": i, "name": p.name, "creation_time": now, "last_updated_time": now,
                 "last_version": per_model}
                for i, p in zip(ids, plans, strict=True)
            ],
            "registered_model_tags": [
                {"model_id": i, "key": "team", "value": p.team}
                for i, p in zip(ids, plans, strict=True)
            ],
            "model_versions": [
                {"id": (i - 1) * per_model + v, "model_id": i, "version": v,
                 "creation_time": now, "last_updated_time": now, "current_stage": stage,
                 "source": p.source(v), "run_id": run_id, "status": "READY"}
                for i, p in zip(ids, plans, strict=True)
                for v, (stage, run_id) in enumerate(zip(p.stages, p.run_ids, strict=True), 1)
            ],
            "registered_model_aliases": [
                {"model_id": i, "alias": workload.CHAMPION, "version": p.champion}
                for i, p in zip(ids, plans, strict=True)
            ],
        }  # fmt: skip
    return {
        "registered_models": [
            {"name": p.name, "creation_time": now, "last_updated_time": now} for p in plans
        ],
        "registered_model_tags": [{"name": p.name, "key": "team", "value": p.team} for p in plans],
        "model_versions": [
            {"name": p.name, "version": v, "creation_time": now, "last_updated_time": now,
             "current_stage": stage, "source": p.source(v), "run_id": run_id, "status": "READY"}
            for p in plans
            for v, (stage, run_id) in enumerate(zip(p.stages, p.run_ids, strict=True), 1)
        ],
        "registered_model_aliases": [
            {"name": p.name, "alias": workload.CHAMPION, "version": p.champion} for p in plans
        ],
    }  # fmt: skip


@dataclass
class Database:
    """One tool's database, and how many models it holds so far."""

    tool: str
    uri: str
    engine: sa.Engine
    tables: dict[str, sa.Table]
    models: int = 0

    def seed(self, stop: int) -> float:
        """Bulk-insert models up to ``stop`` (exclusive); seconds taken, VACUUM ANALYZE included."""
        began = time.perf_counter()
        for first in range(self.models, stop, CHUNK):
            plans = workload.plan_models(first, min(first + CHUNK, stop))
            with self.engine.begin() as connection:
                for table, rows in rows_for(self.tool, plans, first).items():
                    connection.execute(self.tables[table].insert(), rows)
            done = min(first + CHUNK, stop)
            if done // 50_000 > first // 50_000:
                progress(f"  {self.tool}: {done:,} models ({time.perf_counter() - began:.0f} s)")
        self.models = stop
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            if self.tool == "modelreg":
                for name in ("registered_models", "model_versions"):
                    column = self.tables[name].c.id
                    sequence = sa.func.pg_get_serial_sequence(name, "id")
                    c.execute(sa.select(sa.func.setval(sequence, sa.func.max(column))))
            c.exec_driver_sql("VACUUM ANALYZE")
        return time.perf_counter() - began

    def size_bytes(self) -> int:
        with self.engine.connect() as connection:
            size = connection.execute(
                sa.select(sa.func.pg_database_size(sa.func.current_database()))
            )
            return int(size.scalar_one())


@contextmanager
def database(tool: str) -> Iterator[Database]:
    """A fresh database with the tool's schema, dropped afterwards."""
    with postgres_uri() as uri:
        create_schema(tool, uri)
        engine = sa.create_engine(sqlalchemy_uri(uri))
        metadata = sa.MetaData()
        names = ["registered_models", "registered_model_tags", "model_versions"]
        with warnings.catch_warnings():
            # modelreg's lower(name) index is not reflected; inserting does not need it.
            warnings.simplefilter("ignore", sa.exc.SAWarning)
            metadata.reflect(engine, only=[*names, "registered_model_aliases"])
        try:
            yield Database(tool, uri, engine, dict(metadata.tables))
        finally:
            engine.dispose()


# -- the measuring process ---------------------------------------------------------------------


def _mlflow_store(uri: str) -> Any:
    # MLflow is imported only where it is measured, so modelreg's process never pays for it.
    from mlflow.store.model_registry.sqlalchemy_store import SqlAlchemyStore

    # Quiet MLflow's schema messages (its import sets up its loggers) and stage deprecations.
    for name in ("alembic", "mlflow"):
        logging.getLogger(name).setLevel(logging.WARNING)
    warnings.simplefilter("ignore", FutureWarning)
    return SqlAlchemyStore(sqlalchemy_uri(uri))


def measure(tool: str, uri: str, models: int, calls: int) -> dict[str, Any]:
    """Time every read against the tool's database (run in a fresh process)."""
    if tool == "modelreg":
        store = SqlRegistryStore.from_uri(uri)
        result = reads.measure(RegistryService(store), models, calls)
        store.close()
    else:
        mlflow_store = _mlflow_store(uri)
        result = reads.measure(mlflow_store, models, calls)
        mlflow_store.engine.dispose()
    return {"reads": result, "peak_rss_mib": own_peak_rss_mib()}


def measure_in_fresh_process(tool: str, uri: str, models: int, calls: int) -> dict[str, Any]:
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        return pool.submit(measure, tool, uri, models, calls).result()


# -- tables ------------------------------------------------------------------------------------


def latency_table(results: dict[str, Any]) -> report.Table:
    """p50 / p99 per operation, tool and size, and how much p50 grew from first to last size."""
    rows = []
    for operation in reads.OPERATIONS:
        for tool, result in results.items():
            checkpoints = result["checkpoints"]
            cells = [c["reads"][operation] for c in checkpoints]
            row: list[Any] = [operation, tool]
            row += [f"{cell['p50_ms']:.2f} / {cell['p99_ms']:.2f}" for cell in cells]
            row.append(f"{cells[-1]['p50_ms'] / cells[0]['p50_ms']:.2f}x")
            rows.append(row)
    sizes = [c["label"] for c in next(iter(results.values()))["checkpoints"]]
    headers = ["operation", "tool", *(f"{size} p50/p99 ms" for size in sizes)]
    headers.append(f"p50 growth, {sizes[0]} -> {sizes[-1]}")
    return report.Table("Read latency vs registry size on PostgreSQL", headers, rows)


def seeding_table(results: dict[str, Any]) -> report.Table:
    """What was measured on: models, database size, bulk-insert time, peak RSS of the reads."""
    rows = []
    for tool, result in results.items():
        for checkpoint in result["checkpoints"]:
            rows.append(
                [
                    tool,
                    checkpoint["versions"],
                    checkpoint["models"],
                    checkpoint["database_mib"],
                    checkpoint["seed_seconds"],
                    checkpoint["peak_rss_mib"],
                ]
            )
    headers = ["tool", "versions", "models", "database MiB", "bulk insert s", "peak RSS MiB"]
    return report.Table("Growth curve: databases and the measuring processes", headers, rows)


# -- main ----------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", help=f"model-version counts (default {DEFAULT_SIZES})")
    parser.add_argument("--calls", type=int, help="timed calls per read and size (default 300)")
    parser.add_argument("--tools", default=",".join(TOOLS), help="modelreg,mlflow")
    parser.add_argument("--quick", action="store_true", help=f"sizes {QUICK_SIZES}, 50 calls")
    args = parser.parse_args(argv)
    args.sizes = workload.parse_sizes(args.sizes or (QUICK_SIZES if args.quick else DEFAULT_SIZES))
    args.calls = args.calls or (50 if args.quick else 300)
    args.tools = [tool.strip() for tool in args.tools.split(",") if tool.strip()]
    if not args.tools or set(args.tools) - set(TOOLS):
        parser.error(f"--tools: choose from {', '.join(TOOLS)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    results: dict[str, Any] = {tool: {"tool": tool, "checkpoints": []} for tool in args.tools}
    with ExitStack() as stack:
        databases = [stack.enter_context(database(tool)) for tool in args.tools]
        for size in args.sizes:
            models = math.ceil(size / workload.VERSIONS_PER_MODEL)
            for db in databases:
                progress(f"{db.tool}: bulk insert up to {models:,} models ({size:,} versions)")
                seconds = db.seed(models)
                progress(f"{db.tool}: timing reads at {size:,} versions")
                figures = measure_in_fresh_process(db.tool, db.uri, models, args.calls)
                results[db.tool]["checkpoints"].append(
                    figures
                    | {
                        "models": models,
                        "versions": models * workload.VERSIONS_PER_MODEL,
                        "label": f"{report.count_label(size)} versions",
                        "seed_seconds": seconds,
                        "database_mib": db.size_bytes() / (1 << 20),
                    }
                )
    data = {"machine": report.machine(), "calls": args.calls, "results": results}
    path = report.write_results("growth", "postgresql", data)
    tables = [latency_table(results), seeding_table(results)]
    compared: list[report.Comparison] = []
    if "modelreg" in results and "mlflow" in results:
        checkpoints = results["modelreg"]["checkpoints"]
        ends = {checkpoints[0]["models"], checkpoints[-1]["models"]}
        compared = report.store_comparisons(
            results["modelreg"], results["mlflow"], reads.OPERATIONS, sizes=sorted(ends)
        )
    report.write_summary(
        "growth",
        f"Registry reads vs size on PostgreSQL, {args.calls} calls per read "
        "(modelreg RegistryService vs MLflow SqlAlchemyStore, bulk-seeded)",
        comparisons=compared,
        tables=tables,
    )
    for table in tables:
        print(table.text(), end="\n\n")
    if compared:
        print(report.comparison_table(("growth", c) for c in compared).text())
    progress(f"raw figures: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
